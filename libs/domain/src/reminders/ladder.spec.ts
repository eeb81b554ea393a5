import { describe, expect, it } from '@jest/globals';
import { DEFAULT_LADDER, effectiveLadder, validateLadder, type Ladder } from './ladder.js';

describe('DEFAULT_LADDER', () => {
  it('escalates 90/60 to the operator, 30/14 adding the manager, 7/3/1 adding the executive, due and weekly overdue to everyone', () => {
    expect(DEFAULT_LADDER.map((s) => [s.code, s.offsetDays, s.roles.join('+'), s.repeatEveryDays])).toEqual([
      ['d-90', -90, 'operator', undefined],
      ['d-60', -60, 'operator', undefined],
      ['d-30', -30, 'operator+manager', undefined],
      ['d-14', -14, 'operator+manager', undefined],
      ['d-7', -7, 'operator+manager+executive', undefined],
      ['d-3', -3, 'operator+manager+executive', undefined],
      ['d-1', -1, 'operator+manager+executive', undefined],
      ['due', 0, 'operator+manager+executive+legal', undefined],
      ['overdue', 7, 'operator+manager+executive+legal', 7],
    ]);
  });

  it('passes its own validation', () => {
    expect(validateLadder({ stages: DEFAULT_LADDER })).toEqual({ ladder: [...DEFAULT_LADDER], problems: [] });
  });
});

describe('validateLadder', () => {
  const stage = (code: string, offsetDays: number, extra: object = {}) => ({
    code,
    offsetDays,
    roles: ['operator'],
    ...extra,
  });

  it('accepts the bare array as well as { stages }', () => {
    const ladder = [stage('d-10', -10), stage('due', 0, { repeatEveryDays: 1 })];
    expect(validateLadder(ladder).ladder).toEqual(ladder);
    expect(validateLadder({ stages: ladder }).ladder).toEqual(ladder);
  });

  it.each<[string, unknown, { field: string; rule: string }[]]>([
    ['not a list', { stages: 'd-30' }, [{ field: 'stages', rule: 'must be a list of stages' }]],
    ['missing stages', {}, [{ field: 'stages', rule: 'must be a list of stages' }]],
    ['no stages', { stages: [] }, [{ field: 'stages', rule: 'must have 1 to 20 stages' }]],
    [
      'too many stages',
      { stages: Array.from({ length: 21 }, (_, i) => stage(`s${i}`, i)) },
      [{ field: 'stages', rule: 'must have 1 to 20 stages' }],
    ],
    [
      'an unknown top-level field',
      { stages: [stage('due', 0)], extra: 1 },
      [{ field: 'extra', rule: 'is not a known field' }],
    ],
    [
      'an unknown stage field',
      [{ ...stage('due', 0), channel: 'sms' }],
      [{ field: 'stages[0].channel', rule: 'is not a known field' }],
    ],
    [
      'a stage that is not an object',
      [stage('d-1', -1), 'due'],
      [{ field: 'stages[1]', rule: 'must be an object with code, offsetDays and roles' }],
    ],
    [
      'a bad code',
      [stage('D 30', -30)],
      [{ field: 'stages[0].code', rule: 'must be 1-20 lowercase letters, digits or hyphens, such as d-30' }],
    ],
    [
      'a code longer than 20',
      [stage('a'.repeat(21), -30)],
      [{ field: 'stages[0].code', rule: 'must be 1-20 lowercase letters, digits or hyphens, such as d-30' }],
    ],
    [
      'a duplicate code',
      [stage('x', -30), stage('x', -10)],
      [{ field: 'stages[1].code', rule: "must be unique; 'x' is used by an earlier stage" }],
    ],
    [
      'the reserved early code',
      [stage('early', -30)],
      [
        {
          field: 'stages[0].code',
          rule: "'early' is reserved for the stage added while the vendor is unavailable",
        },
      ],
    ],
    [
      'a code that clashes with the repeats of the last stage',
      [stage('late-2', 3), stage('late', 7, { repeatEveryDays: 7 })],
      [{ field: 'stages[0].code', rule: "clashes with the repeats of the last stage ('late-2', ...)" }],
    ],
    [
      'offsets not strictly increasing',
      [stage('a', -30), stage('b', -30), stage('c', -40)],
      [
        { field: 'stages[1].offsetDays', rule: "must be greater than the previous stage's (-30)" },
        { field: 'stages[2].offsetDays', rule: "must be greater than the previous stage's (-30)" },
      ],
    ],
    [
      'an offset out of range',
      [stage('a', -731), stage('b', 366)],
      [
        { field: 'stages[0].offsetDays', rule: 'must be between -730 and 365' },
        { field: 'stages[1].offsetDays', rule: 'must be between -730 and 365' },
      ],
    ],
    [
      'a fractional offset',
      [stage('a', -1.5)],
      [{ field: 'stages[0].offsetDays', rule: 'must be a whole number of days relative to the due date' }],
    ],
    [
      'empty roles',
      [{ code: 'a', offsetDays: 0, roles: [] }],
      [{ field: 'stages[0].roles', rule: 'must be a non-empty list of operator, manager, executive, legal' }],
    ],
    [
      'an unknown and a repeated role',
      [{ code: 'a', offsetDays: 0, roles: ['operator', 'ceo', 'operator'] }],
      [
        { field: 'stages[0].roles[1]', rule: 'must be one of operator, manager, executive, legal' },
        { field: 'stages[0].roles[2]', rule: "'operator' is listed twice" },
      ],
    ],
    [
      'a repeat that is not on the last stage',
      [stage('a', 0, { repeatEveryDays: 7 }), stage('b', 7)],
      [{ field: 'stages[0].repeatEveryDays', rule: 'is only allowed on the last stage' }],
    ],
    [
      'a repeat out of range',
      [stage('a', 0, { repeatEveryDays: 91 })],
      [{ field: 'stages[0].repeatEveryDays', rule: 'must be a whole number of days between 1 and 90' }],
    ],
    [
      'a repeat of zero days',
      [stage('a', 0, { repeatEveryDays: 0 })],
      [{ field: 'stages[0].repeatEveryDays', rule: 'must be a whole number of days between 1 and 90' }],
    ],
  ])('refuses %s, naming the field', (_, value, problems) => {
    const result = validateLadder(value);
    expect(result.problems).toEqual(problems);
    expect(result.ladder).toBeUndefined();
  });
});

describe('effectiveLadder', () => {
  it('leaves the ladder unchanged while the vendor is available', () => {
    expect(effectiveLadder(DEFAULT_LADDER, { vendorUnavailable: false, earlierByDays: 30 })).toEqual([
      ...DEFAULT_LADDER,
    ]);
  });

  it('starts 30 days earlier by default, for the operator and manager, when the vendor is unavailable', () => {
    const ladder = effectiveLadder(DEFAULT_LADDER, { vendorUnavailable: true });
    expect(ladder[0]).toEqual({ code: 'early', offsetDays: -120, roles: ['operator', 'manager'] });
    expect(ladder.slice(1)).toEqual([...DEFAULT_LADDER]);
    expect(validateLadder(ladder.slice(1)).problems).toEqual([]);
  });

  it('uses the organization setting', () => {
    const custom: Ladder = [{ code: 'd-10', offsetDays: -10, roles: ['legal'] }];
    expect(effectiveLadder(custom, { vendorUnavailable: true, earlierByDays: 45 })[0]?.offsetDays).toBe(-55);
    expect(effectiveLadder(custom, { vendorUnavailable: true, earlierByDays: 0 })).toEqual(custom);
  });

  it('refuses a negative setting', () => {
    expect(() => effectiveLadder(DEFAULT_LADDER, { vendorUnavailable: true, earlierByDays: -1 })).toThrow(
      RangeError,
    );
  });
});
