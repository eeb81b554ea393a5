import { describe, expect, it } from '@jest/globals';
import { getRequirement, loadCatalogue } from '../../../catalogue/src/index.js';
import { cycleFromRequirement, type DeadlineCycle } from '../deadlines/deadline-cycle.js';
import { DEFAULT_LADDER, effectiveLadder, type Ladder } from './ladder.js';
import { selectStage, stageAnchorsOf, stageInstancesDueBy } from './stage-selection.js';

// Golden dates, counted by hand from the rules (see the comments); never produced by the code under test.
const catalogue = loadCatalogue();

function cycle(code: string, dueDate: string): DeadlineCycle {
  return cycleFromRequirement(
    {
      kind: 'qualification_expiry',
      subjectKey: `qualification:${code}`,
      requirementCode: code,
      dueDate,
      cycleKey: dueDate,
    },
    getRequirement(catalogue, code),
  );
}

/** Every stage up to the first overdue one, as `key@date`. */
function schedule(c: DeadlineCycle, ladder: Readonly<Ladder> = DEFAULT_LADDER): string[] {
  const anchors = stageAnchorsOf({
    dueOn: c.dueDate,
    applyBy: c.applyBy,
    actBy: c.actBy,
    requirementCode: c.requirementCode,
  });
  return stageInstancesDueBy(ladder, anchors, '2099-12-31')
    .filter((i) => i.occurrence === 1)
    .map((i) => `${i.stageKey}@${i.triggerOn}`);
}

describe('ladders count back from the last day to apply', () => {
  it('ICP/EDI licence expiring 2027-06-30: apply 90 days before (2027-04-01), no late application', () => {
    // 2027-04-01 + 90 days: April 29 + May 31 + June 30 = 90 -> 2027-06-30. A Thursday, a working day.
    const c = cycle('icp_vas_licence', '2027-06-30');
    expect([c.applyBy, c.actBy]).toEqual(['2027-04-01', '2027-04-01']);
    expect(schedule(c)).toEqual([
      'd-90@2027-01-01', // 2027-04-01 - 90: March 31 + February 28 + January 31
      'd-60@2027-01-31',
      'd-30@2027-03-02',
      'd-14@2027-03-18',
      'd-7@2027-03-25',
      'd-3@2027-03-29',
      'd-1@2027-03-31',
      'closed@2027-04-02', // the day after the last day to apply
      'due@2027-06-30', // due and overdue stages still count from the expiry
      'overdue@2027-07-07',
    ]);
  });

  it('medical-device business licence expiring 2027-09-30: 90 to 30 working days before (SAMR order 54)', () => {
    // 2027 has no official holiday data in the bundled calendar, so Monday-Friday. Counting back from
    // Thursday 30 September: 21 working days in September (1-29) and Aug 31, 30, 27, 26, 25, 24, 23, 20, 19.
    const c = cycle('medical_device_business_licence', '2027-09-30');
    expect([c.applyBy, c.actBy, c.calendarBasis]).toEqual(['2027-08-19', '2027-08-19', 'weekends-only']);
    expect(schedule(c)).toEqual([
      'd-90@2027-05-21',
      'd-60@2027-06-20',
      'd-30@2027-07-20',
      'd-14@2027-08-05',
      'd-7@2027-08-12',
      'd-3@2027-08-16',
      'd-1@2027-08-18',
      'closed@2027-08-20',
      'due@2027-09-30',
      'overdue@2027-10-07',
    ]);
  });

  it('internet drug information certificate expiring 2027-03-31: the window opens 6 months before', () => {
    // Window: 2026-09-30 (6 months). Apply-by default 30 days: 2027-03-01, a Monday.
    const c = cycle('internet_drug_info_certificate', '2027-03-31');
    expect([c.windowOpensOn, c.applyBy, c.actBy]).toEqual(['2026-09-30', '2027-03-01', '2027-03-01']);
    expect(schedule(c)).toEqual([
      'd-90@2026-12-01',
      'd-60@2026-12-31',
      'd-30@2027-01-30',
      'd-14@2027-02-15',
      'd-7@2027-02-22',
      'd-3@2027-02-26',
      'd-1@2027-02-28',
      'closed@2027-03-02',
      'due@2027-03-31',
      'overdue@2027-04-07',
    ]);
    // Every stage, the vendor-unavailable one included, falls inside the 6-month window.
    const early = schedule(c, effectiveLadder(DEFAULT_LADDER, { vendorUnavailable: true }))[0];
    expect(early).toBe('early@2026-11-01');
  });

  it('counts working days across the 2026 Spring Festival and its make-up Saturdays', () => {
    // Medical-device licence expiring Monday 2026-03-16. Back 30 working days: March 13..2 (10),
    // Saturday 28 Feb (make-up, 11), 27-24 Feb (15), the holiday 15-23 Feb skipped, Saturday 14 Feb
    // (make-up, 16), 13-9 Feb (21), 6-2 Feb (26), 30-27 Jan (30). Monday-Friday alone would give 2026-02-02.
    const c = cycle('medical_device_business_licence', '2026-03-16');
    expect([c.applyBy, c.actBy, c.calendarBasis]).toEqual(['2026-01-27', '2026-01-27', 'official-calendar']);
    expect(schedule(c).slice(0, 8)).toEqual([
      'd-90@2025-10-29',
      'd-60@2025-11-28',
      'd-30@2025-12-28',
      'd-14@2026-01-13',
      'd-7@2026-01-20',
      'd-3@2026-01-24',
      'd-1@2026-01-26',
      'closed@2026-01-28',
    ]);
  });

  it('lands on the National Day make-up Sunday for a certification review due 2026-10-16', () => {
    // Annual review: apply 15 working days before Friday 16 October: 15-12 Oct (4), Saturday 10 Oct
    // (make-up, 5), 9-8 Oct (7), the holiday 1-7 Oct skipped, 30-28 Sep (10), the Mid-Autumn holiday
    // 25-27 Sep skipped, 24-21 Sep (14), Sunday 20 Sep (make-up, 15).
    const c = cycleFromRequirement(
      {
        kind: 'annual_review',
        subjectKey: 'annual_review',
        requirementCode: 'wechat_certification_annual_review',
        dueDate: '2026-10-16',
        cycleKey: '2026-10-16',
      },
      getRequirement(catalogue, 'wechat_certification_annual_review'),
    );
    expect([c.applyBy, c.actBy]).toEqual(['2026-09-20', '2026-09-20']);
    expect(schedule(c).slice(4)).toEqual([
      'd-7@2026-09-13',
      'd-3@2026-09-17',
      'd-1@2026-09-19',
      'closed@2026-09-21',
      'due@2026-10-16',
      'overdue@2026-10-23',
    ]);
  });

  it('starts earlier still while the vendor is unavailable: 30 days before d-90', () => {
    const c = cycle('icp_vas_licence', '2027-06-30');
    const ladder = effectiveLadder(DEFAULT_LADDER, { vendorUnavailable: true, earlierByDays: 30 });
    // 2027-04-01 - 120 days: 90 back is 2027-01-01, 30 more is 2026-12-02.
    expect(schedule(c, ladder).slice(0, 2)).toEqual(['early@2026-12-02', 'd-90@2027-01-01']);
  });

  it('keeps counting from the due date when the requirement has no application window', () => {
    // A probed TLS certificate has no catalogue requirement: its ladder is written in days before expiry.
    expect(
      stageAnchorsOf({
        dueOn: '2026-12-21',
        applyBy: '2026-12-14',
        actBy: '2026-12-14',
        requirementCode: null,
      }),
    ).toEqual({ dueOn: '2026-12-21', leadFrom: '2026-12-21' });
    // Apply-by on the due date itself: no window, even when act-by moves back to a working day.
    const anchors = stageAnchorsOf({
      dueOn: '2026-12-21',
      applyBy: '2026-12-21',
      actBy: '2026-12-18',
      requirementCode: 'vendor_contract',
    });
    expect(anchors).toEqual({ dueOn: '2026-12-21', leadFrom: '2026-12-21' });
    expect(stageInstancesDueBy(DEFAULT_LADDER, anchors, '2026-12-21').map((i) => i.triggerOn)).toEqual([
      '2026-09-22',
      '2026-10-22',
      '2026-11-21',
      '2026-12-07',
      '2026-12-14',
      '2026-12-18',
      '2026-12-20',
      '2026-12-21',
    ]);
  });
});

describe('selectStage on an anchored ladder', () => {
  const c = cycle('icp_vas_licence', '2027-06-30');
  const dueOn = stageAnchorsOf({
    dueOn: c.dueDate,
    applyBy: c.applyBy,
    actBy: c.actBy,
    requirementCode: c.requirementCode,
  });
  const select = (today: string, planned: string[]) =>
    selectStage({
      ladder: DEFAULT_LADDER,
      dueOn,
      today,
      state: 'open',
      snoozedUntil: null,
      alreadyPlanned: new Set(planned),
    });

  it('sends the window-closed stage the day after the last day to apply', () => {
    const all = ['d-90', 'd-60', 'd-30', 'd-14', 'd-7', 'd-3', 'd-1'];
    expect(select('2027-04-01', all).send).toBeNull();
    expect(select('2027-04-02', all).send?.stageKey).toBe('closed');
    expect(select('2027-05-15', [...all, 'closed']).send).toBeNull();
    expect(select('2027-06-30', [...all, 'closed']).send?.stageKey).toBe('due');
  });

  it('never re-sends a stage sent under the old due-date anchor', () => {
    // Before the change d-90 went out on 2027-04-01 (due - 90). On 2027-04-02 the re-anchored ladder has
    // every pre-due stage behind it: d-90 is not sent again, the others are superseded by `closed`.
    const selection = select('2027-04-02', ['d-90']);
    expect(selection.send?.stageKey).toBe('closed');
    expect(selection.skip.map((s) => s.stageKey)).toEqual(['d-60', 'd-30', 'd-14', 'd-7', 'd-3', 'd-1']);
  });
});
