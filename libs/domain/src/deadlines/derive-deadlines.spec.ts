import { describe, expect, it } from '@jest/globals';
import { loadCatalogue } from '../../../catalogue/src/index.js';
import { DeadlineError } from './deadline.error.js';
import { deriveDeadlines, type DeriveDeadlinesInput } from './derive-deadlines.js';

const catalogue = loadCatalogue();
const TODAY = '2026-11-25';

function input(overrides: Partial<DeriveDeadlinesInput> = {}): DeriveDeadlinesInput {
  return {
    miniProgram: { id: 'mp1', certificationExpiresOn: null, serviceCategories: [], features: [] },
    qualifications: [],
    vendor: null,
    customDeadlines: [],
    ...overrides,
  };
}

function qualificationCycle(requirementCode: string, expiresOn: string) {
  const [cycle] = deriveDeadlines(
    input({ qualifications: [{ id: 'q1', requirementCode, expiresOn }] }),
    catalogue,
    TODAY,
  );
  return cycle;
}

describe('golden dates for every catalogue rule', () => {
  it.each([
    // code, due, windowOpensOn, applyBy, actBy, dueIsDayOff, calendarBasis
    // 90 calendar days before 30 Dec is 1 Oct, National Day: act on 30 Sep.
    ['icp_vas_licence', '2026-12-30', '2026-06-30', '2026-10-01', '2026-09-30', false, 'official-calendar'],
    [
      'internet_drug_info_certificate',
      '2026-11-20',
      '2026-05-20',
      '2026-10-21',
      '2026-10-21',
      false,
      'official-calendar',
    ],
    [
      'medical_institution_licence',
      '2026-09-30',
      '2026-06-30',
      '2026-08-31',
      '2026-08-31',
      false,
      'official-calendar',
    ],
    ['internet_hospital', '2026-07-15', '2026-04-15', '2026-06-15', '2026-06-15', false, 'official-calendar'],
    // SAMR order 54: 90 to 30 working days before Thursday 31 Dec. Back 30: Dec 30-28 (3), 25-21, 18-14,
    // 11-7 (18), 4-1 (22), Nov 30 (23), 27-23 (28), 20-19 (30). Back 90: December 22 and November 21 (43),
    // October 8-9, make-up Saturday 10, 12-30 (61), Sep 30-28 (64), Mid-autumn 25-27 skipped, 24-21 (68),
    // make-up Sunday 20 (69), 18-1 (83), Aug 31 (84), 28-24 (89), 21 (90).
    [
      'medical_device_business_licence',
      '2026-12-31',
      '2026-08-21',
      '2026-11-19',
      '2026-11-19',
      false,
      'official-calendar',
    ],
    // 30 days before 2 Nov is 3 Oct, inside the National Day holiday.
    [
      'payment_business_licence',
      '2026-11-02',
      '2026-05-02',
      '2026-10-03',
      '2026-09-30',
      false,
      'official-calendar',
    ],
    // 30 working days back crosses National Day, the make-up Saturday 10 Oct, Mid-autumn and the make-up Sunday 20 Sep.
    // The window, 90 working days back (2023 measures): 30 to 14 Sep as above, 31-40 Sep 11-1 and Aug 31,
    // 41-60 Aug 28-3, 61-83 Jul 31-1, 84-85 Jun 30-29, 86-90 Jun 26-22 (Dragon Boat, Jun 19-21, is before it).
    [
      'food_business_licence',
      '2026-10-30',
      '2026-06-22',
      '2026-09-14',
      '2026-09-14',
      false,
      'official-calendar',
    ],
    // 3 months before 31 Aug is Sunday 31 May; the window opens on the make-up Saturday 28 Feb.
    [
      'internet_culture_licence',
      '2026-08-31',
      '2026-02-28',
      '2026-05-31',
      '2026-05-29',
      false,
      'official-calendar',
    ],
    // Due in 2027, a year without holiday data.
    [
      'private_school_licence',
      '2027-01-15',
      '2026-07-15',
      '2026-10-15',
      '2026-10-15',
      false,
      'weekends-only',
    ],
    // Due on the Dragon Boat holiday.
    [
      'wechat_pay_api_certificate',
      '2026-06-20',
      '2026-03-20',
      '2026-05-21',
      '2026-05-21',
      true,
      'official-calendar',
    ],
    [
      'wechat_pay_platform_certificate',
      '2026-10-08',
      '2026-09-28',
      '2026-10-03',
      '2026-09-30',
      false,
      'official-calendar',
    ],
    // Window (2 Oct) would open after the act-by date (30 Sep): it opens with it.
    [
      'wechat_pay_platform_certificate',
      '2026-10-12',
      '2026-09-30',
      '2026-10-07',
      '2026-09-30',
      false,
      'official-calendar',
    ],
  ])(
    '%s due %s: window %s, apply by %s, act by %s',
    (code, due, window, applyBy, actBy, dueIsDayOff, basis) => {
      expect(qualificationCycle(code, due)).toMatchObject({
        requirementCode: code,
        dueDate: due,
        windowOpensOn: window,
        applyBy,
        actBy,
        dueIsDayOff,
        calendarBasis: basis,
        cycleKey: due,
        subjectKey: 'qualification:q1',
      });
    },
  );

  it('certificates are certificate_expiry, licences qualification_expiry', () => {
    expect(qualificationCycle('wechat_pay_api_certificate', '2027-06-01').kind).toBe('certificate_expiry');
    expect(qualificationCycle('icp_vas_licence', '2027-06-01').kind).toBe('qualification_expiry');
  });

  it('annual review due on National Day: 15 working days back skips Mid-autumn and counts the make-up Sunday', () => {
    const [cycle] = deriveDeadlines(
      input({
        miniProgram: { id: 'mp1', certificationExpiresOn: '2026-10-01', serviceCategories: [], features: [] },
      }),
      catalogue,
      TODAY,
    );
    expect(cycle).toEqual({
      kind: 'annual_review',
      subjectKey: 'annual_review',
      requirementCode: 'wechat_certification_annual_review',
      dueDate: '2026-10-01',
      windowOpensOn: '2026-07-01',
      applyBy: '2026-09-10',
      actBy: '2026-09-10',
      dueIsDayOff: true,
      calendarBasis: 'official-calendar',
      cycleKey: '2026-10-01',
      title: null,
      recurrence: null,
    });
  });

  it('annual review due on leap day in a year without holiday data counts weekdays only', () => {
    const [cycle] = deriveDeadlines(
      input({
        miniProgram: { id: 'mp1', certificationExpiresOn: '2028-02-29', serviceCategories: [], features: [] },
      }),
      catalogue,
      TODAY,
    );
    expect(cycle).toMatchObject({
      dueDate: '2028-02-29',
      windowOpensOn: '2027-11-29',
      applyBy: '2028-02-08',
      actBy: '2028-02-08',
      dueIsDayOff: false,
      calendarBasis: 'weekends-only',
    });
  });

  it('vendor contract ending 30 Dec: act by 30 Sep', () => {
    const [cycle] = deriveDeadlines(
      input({ vendor: { id: 'v1', contractEndsOn: '2026-12-30' } }),
      catalogue,
      TODAY,
    );
    expect(cycle).toMatchObject({
      kind: 'vendor_contract_end',
      subjectKey: 'vendor_contract:v1',
      requirementCode: 'vendor_contract',
      dueDate: '2026-12-30',
      windowOpensOn: '2026-06-30',
      applyBy: '2026-10-01',
      actBy: '2026-09-30',
      cycleKey: '2026-12-30',
    });
  });
});

describe('ICP annual report: the next 1 Jan - 31 Mar window not yet past', () => {
  it.each([
    ['2026-02-10', '2026', '2026-01-01', '2026-03-31', '2026-03-31', false, 'official-calendar'],
    ['2026-03-31', '2026', '2026-01-01', '2026-03-31', '2026-03-31', false, 'official-calendar'],
    ['2026-04-01', '2027', '2027-01-01', '2027-03-31', '2027-03-31', false, 'weekends-only'],
    ['2026-11-25', '2027', '2027-01-01', '2027-03-31', '2027-03-31', false, 'weekends-only'],
    // 31 Mar 2024 was a Sunday.
    ['2024-01-15', '2024', '2024-01-01', '2024-03-31', '2024-03-29', true, 'official-calendar'],
  ])('as of %s the cycle is %s', (today, cycleKey, window, due, actBy, dueIsDayOff, basis) => {
    const cycles = deriveDeadlines(
      input({ qualifications: [{ id: 'q1', requirementCode: 'icp_vas_licence', expiresOn: null }] }),
      catalogue,
      today,
    );
    expect(cycles).toEqual([
      {
        kind: 'icp_annual_report',
        subjectKey: 'icp_annual_report',
        requirementCode: 'icp_annual_report',
        dueDate: due,
        windowOpensOn: window,
        applyBy: due,
        actBy,
        dueIsDayOff,
        calendarBasis: basis,
        cycleKey,
        title: null,
        recurrence: null,
      },
    ]);
  });

  it('comes from icpLicenceHeld too, and not at all without the licence', () => {
    const held = input({
      miniProgram: {
        id: 'mp1',
        certificationExpiresOn: null,
        serviceCategories: [],
        features: [],
        icpLicenceHeld: true,
      },
    });
    expect(deriveDeadlines(held, catalogue, TODAY).map((c) => c.subjectKey)).toEqual(['icp_annual_report']);
    expect(deriveDeadlines(input(), catalogue, TODAY)).toEqual([]);
  });
});

describe('custom deadlines', () => {
  const custom = (dueOn: string, recurrence: 'none' | 'monthly' | 'yearly') =>
    input({ customDeadlines: [{ id: 'c1', title: 'Server rent', dueOn, recurrence }] });

  it.each([
    // anchor, recurrence, today, due
    ['2026-01-31', 'monthly', '2026-03-05', '2026-03-31'],
    ['2026-01-31', 'monthly', '2026-02-28', '2026-02-28'],
    ['2026-01-31', 'monthly', '2026-03-01', '2026-03-31'],
    ['2026-01-31', 'monthly', '2026-04-01', '2026-04-30'],
    ['2026-12-15', 'monthly', '2026-11-25', '2026-12-15'],
    ['2024-02-29', 'yearly', '2026-11-25', '2027-02-28'],
    ['2024-02-29', 'yearly', '2027-03-01', '2028-02-29'],
    ['2025-11-25', 'yearly', '2026-11-25', '2026-11-25'],
    ['2026-10-01', 'none', '2026-11-25', '2026-10-01'],
  ] as const)('%s %s as of %s is due %s', (anchor, recurrence, today, due) => {
    const [cycle] = deriveDeadlines(custom(anchor, recurrence), catalogue, today);
    expect(cycle.dueDate).toBe(due);
    expect(cycle.cycleKey).toBe(due);
  });

  it('a one-off due on National Day: act by the last working day before, window 90 days ahead', () => {
    const [cycle] = deriveDeadlines(custom('2026-10-01', 'none'), catalogue, TODAY);
    expect(cycle).toEqual({
      kind: 'custom',
      subjectKey: 'custom:c1',
      requirementCode: null,
      dueDate: '2026-10-01',
      windowOpensOn: '2026-07-03',
      applyBy: '2026-10-01',
      actBy: '2026-09-30',
      dueIsDayOff: true,
      calendarBasis: 'official-calendar',
      cycleKey: '2026-10-01',
      title: 'Server rent',
      recurrence: null,
    });
  });

  it('a recurring one remembers its anchor', () => {
    const [cycle] = deriveDeadlines(custom('2026-01-31', 'monthly'), catalogue, '2026-05-02');
    expect(cycle).toMatchObject({
      dueDate: '2026-05-31',
      actBy: '2026-05-29',
      dueIsDayOff: true,
      recurrence: { every: 'month', anchorDate: '2026-01-31' },
    });
  });
});

describe('deriveDeadlines as a whole', () => {
  it('returns one current cycle per obligation, keyed uniquely', () => {
    const cycles = deriveDeadlines(
      {
        miniProgram: {
          id: 'mp1',
          certificationExpiresOn: '2027-01-10',
          serviceCategories: ['医疗 > 互联网医院'],
          features: ['wechat_pay'],
        },
        qualifications: [
          { id: 'q1', requirementCode: 'icp_vas_licence', expiresOn: '2028-05-01' },
          { id: 'q2', requirementCode: 'mini_program_icp_filing', expiresOn: null },
        ],
        vendor: { id: 'v1', contractEndsOn: '2026-06-30' },
        customDeadlines: [{ id: 'c1', title: 'Domain renewal', dueOn: '2027-08-01', recurrence: 'yearly' }],
      },
      catalogue,
      TODAY,
    );
    expect(cycles.map((c) => [c.kind, c.subjectKey, c.cycleKey])).toEqual([
      ['annual_review', 'annual_review', '2027-01-10'],
      ['qualification_expiry', 'qualification:q1', '2028-05-01'],
      ['icp_annual_report', 'icp_annual_report', '2027'],
      ['vendor_contract_end', 'vendor_contract:v1', '2026-06-30'],
      ['custom', 'custom:c1', '2027-08-01'],
    ]);
  });

  it('rejects a qualification whose requirement the catalogue does not know, naming the field', () => {
    const bad = input({
      qualifications: [{ id: 'q1', requirementCode: 'no_such_thing', expiresOn: '2027-01-01' }],
    });
    expect(() => deriveDeadlines(bad, catalogue, TODAY)).toThrow(DeadlineError);
    try {
      deriveDeadlines(bad, catalogue, TODAY);
    } catch (error) {
      expect((error as DeadlineError).field).toBe('qualifications[0].requirementCode');
    }
  });
});

describe('enterprise annual report', () => {
  it('is not a cycle of a mini-program: the owner files it once (see owner-obligations.spec)', () => {
    const cycles = deriveDeadlines(input(), catalogue, '2026-12-01');
    expect(cycles.map((c) => c.kind)).toEqual([]);
  });
});
