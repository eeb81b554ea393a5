import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, localDateOf } from '../time/index.js';
import { DEFAULT_LADDER, effectiveLadder, type Ladder } from './ladder.js';
import {
  isEscalating,
  nextStageInstanceAfter,
  selectStage,
  stageInstanceOf,
  stageInstancesDueBy,
  stageKeyOf,
  type DeadlineState,
} from './stage-selection.js';

const DUE = '2026-12-21';
const UP_TO_D30 = ['d-90', 'd-60', 'd-30'];
const UP_TO_D1 = [...UP_TO_D30, 'd-14', 'd-7', 'd-3', 'd-1'];

function select(
  today: string,
  planned: string[] = [],
  extra: Partial<Parameters<typeof selectStage>[0]> = {},
) {
  const result = selectStage({
    ladder: DEFAULT_LADDER,
    dueOn: DUE,
    today,
    state: 'open',
    snoozedUntil: null,
    alreadyPlanned: new Set(planned),
    ...extra,
  });
  return {
    send: result.send && `${result.send.stageKey}@${result.send.triggerOn}`,
    skip: result.skip.map((s) => `${s.stageKey}@${s.triggerOn}`),
  };
}

describe('selectStage for a deadline due 2026-12-21 on the default ladder', () => {
  it.each<[string, string, string[], string | null, string[]]>([
    ['nothing 91 days before', '2026-09-21', [], null, []],
    ['sends the operator stage 90 days before the due date', '2026-09-22', [], 'd-90@2026-09-22', []],
    ['sends nothing twice', '2026-09-22', ['d-90'], null, []],
    ['keeps quiet between stages', '2026-10-10', ['d-90'], null, []],
    ['sends d-60 on its day', '2026-10-22', ['d-90'], 'd-60@2026-10-22', []],
    ['still sends a stage missed by a day', '2026-10-23', ['d-90'], 'd-60@2026-10-22', []],
    [
      'sends only the most severe stage after downtime and skips the missed ones',
      '2026-10-25',
      [],
      'd-60@2026-10-22',
      ['d-90@2026-09-22'],
    ],
    [
      'worker down three days across two stages: one mail, of the later stage',
      '2026-12-18',
      [...UP_TO_D30, 'd-14'],
      'd-3@2026-12-18',
      ['d-7@2026-12-14'],
    ],
    ['sends the due stage on the due date', '2026-12-21', UP_TO_D1, 'due@2026-12-21', []],
    [
      'sends the first overdue stage a week after',
      '2026-12-28',
      [...UP_TO_D1, 'due'],
      'overdue@2026-12-28',
      [],
    ],
    [
      'repeats overdue weekly under its own key',
      '2027-01-04',
      [...UP_TO_D1, 'due', 'overdue'],
      'overdue-2@2027-01-04',
      [],
    ],
    ['does not repeat within the week', '2027-01-10', [...UP_TO_D1, 'due', 'overdue', 'overdue-2'], null, []],
    [
      'after a month of downtime sends the latest overdue repeat and skips the rest',
      '2027-01-19',
      UP_TO_D1,
      'overdue-4@2027-01-18',
      ['due@2026-12-21', 'overdue@2026-12-28', 'overdue-2@2027-01-04', 'overdue-3@2027-01-11'],
    ],
    [
      'never goes back to a stage older than the most severe planned one',
      '2026-12-07',
      ['d-30'],
      'd-14@2026-12-07',
      [],
    ],
    ['ignores planned keys the ladder does not know', '2026-12-07', ['d-30', 'd-21'], 'd-14@2026-12-07', []],
  ])('%s (today %s)', (_, today, planned, send, skip) => {
    expect(select(today, planned)).toEqual({ send, skip });
  });

  it.each<DeadlineState>(['acknowledged', 'completed', 'cancelled'])(
    'sends nothing for a %s cycle',
    (state) => {
      expect(select('2026-12-21', [], { state })).toEqual({ send: null, skip: [] });
    },
  );

  it('holds everything back while snoozed, then sends the most severe stage', () => {
    const snoozed = { state: 'snoozed' as const, snoozedUntil: '2026-12-19' };
    expect(select('2026-12-18', UP_TO_D30, snoozed)).toEqual({ send: null, skip: [] });
    expect(select('2026-12-19', UP_TO_D30, snoozed)).toEqual({
      send: 'd-3@2026-12-18',
      skip: ['d-14@2026-12-07', 'd-7@2026-12-14'],
    });
  });

  it('treats a snooze without an end date as open, so no reminder is lost', () => {
    expect(isEscalating('snoozed', null, '2026-12-01')).toBe(true);
    expect(select('2026-09-22', [], { state: 'snoozed', snoozedUntil: null }).send).toBe('d-90@2026-09-22');
  });
});

describe('selectStage while the vendor is unavailable', () => {
  const ladder = effectiveLadder(DEFAULT_LADDER, { vendorUnavailable: true, earlierByDays: 30 });

  it('starts 120 days before the due date', () => {
    expect(select('2026-08-23', [], { ladder }).send).toBe('early@2026-08-23');
    expect(select('2026-08-22', [], { ladder }).send).toBeNull();
  });

  it('does not send the early stage once a later one went out', () => {
    expect(select('2026-12-07', ['d-30'], { ladder })).toEqual({ send: 'd-14@2026-12-07', skip: [] });
  });
});

describe('stage keys', () => {
  it('names repeats <code>-<n> from the second occurrence', () => {
    expect(stageKeyOf('overdue', 1)).toBe('overdue');
    expect(stageKeyOf('overdue', 3)).toBe('overdue-3');
    expect(() => stageKeyOf('overdue', 0)).toThrow(RangeError);
  });

  it.each([
    ['d-90', '2026-09-22'],
    ['due', '2026-12-21'],
    ['overdue', '2026-12-28'],
    ['overdue-2', '2027-01-04'],
    ['overdue-10', '2027-03-01'],
  ])('reads %s back as the instance triggered on %s', (key, triggerOn) => {
    expect(stageInstanceOf(DEFAULT_LADDER, DUE, key)?.triggerOn).toBe(triggerOn);
  });

  it.each(['overdue-1', 'overdue-02', 'd-90-2', 'unknown'])('does not know %s', (key) => {
    expect(stageInstanceOf(DEFAULT_LADDER, DUE, key)).toBeNull();
  });

  it.each([
    ['2026-01-01', 'd-90@2026-09-22'],
    ['2026-09-22', 'd-60@2026-10-22'],
    ['2026-12-19', 'd-1@2026-12-20'],
    ['2026-12-20', 'due@2026-12-21'],
    ['2026-12-21', 'overdue@2026-12-28'],
    ['2026-12-28', 'overdue-2@2027-01-04'],
    ['2027-01-05', 'overdue-3@2027-01-11'],
  ])('after %s the next stage is %s', (today, expected) => {
    const next = nextStageInstanceAfter(DEFAULT_LADDER, DUE, today);
    expect(next && `${next.stageKey}@${next.triggerOn}`).toBe(expected);
  });

  it('has no next stage when the ladder does not repeat', () => {
    const ladder: Ladder = [{ code: 'due', offsetDays: 0, roles: ['operator'] }];
    expect(nextStageInstanceAfter(ladder, DUE, DUE)).toBeNull();
  });
});

describe('the organization local date decides', () => {
  it('sends d-90 in Shanghai at 00:30 local while UTC is still on the day before', () => {
    const instant = new Date('2026-09-21T16:30:00Z');
    expect(select(localDateOf(instant, 'Asia/Shanghai')).send).toBe('d-90@2026-09-22');
    expect(select(localDateOf(instant, 'UTC')).send).toBeNull();
  });
});

const ZONES = [
  'Asia/Shanghai',
  'UTC',
  'America/Los_Angeles',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Asia/Kolkata',
  'Europe/London',
];

describe('property: the stage chosen matches the local date for any instant and zone', () => {
  it('sends a stage already due locally, and no later stage is due', () => {
    const ladders = [
      DEFAULT_LADDER,
      effectiveLadder(DEFAULT_LADDER, { vendorUnavailable: true, earlierByDays: 30 }),
    ];
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...ZONES),
        fc.integer({ min: -400, max: 400 }),
        fc.constantFrom(0, 0, 1, 2, 15, 90, 200),
        fc.constantFrom(...ladders),
        fc.array(fc.boolean(), { maxLength: 80 }),
        (instant, zone, dueInDays, windowDays, ladder, plannedMask) => {
          const today = localDateOf(instant, zone);
          const due = addDays(today, dueInDays);
          // With an application window the stages before the due date count back from actBy.
          const dueOn = { dueOn: due, leadFrom: addDays(due, -windowDays) };
          const dueBy = stageInstancesDueBy(ladder, dueOn, today);
          const planned = new Set(dueBy.filter((_, i) => plannedMask[i] ?? false).map((s) => s.stageKey));
          const input = { ladder, dueOn, today, state: 'open' as const, snoozedUntil: null };
          const { send, skip } = selectStage({ ...input, alreadyPlanned: planned });

          const latest = dueBy.at(-1);
          if (send) {
            expect(send.triggerOn <= today).toBe(true);
            // No later due stage exists: what is sent is the most severe instance due locally today.
            expect(send.stageKey).toBe(latest?.stageKey);
            expect(planned.has(send.stageKey)).toBe(false);
            for (const s of skip) {
              expect(s.triggerOn < send.triggerOn).toBe(true);
              expect(planned.has(s.stageKey)).toBe(false);
            }
          } else {
            expect(latest === undefined || planned.has(latest.stageKey)).toBe(true);
            expect(skip).toEqual([]);
          }
          const next = nextStageInstanceAfter(ladder, dueOn, today);
          if (next) expect(next.triggerOn > today).toBe(true);

          // Planning is idempotent: recording the result and running the same day again changes nothing.
          const recorded = new Set([
            ...planned,
            ...skip.map((s) => s.stageKey),
            ...(send ? [send.stageKey] : []),
          ]);
          expect(selectStage({ ...input, alreadyPlanned: recorded })).toEqual({ send: null, skip: [] });
        },
      ),
      { numRuns: 500 },
    );
  });
});
