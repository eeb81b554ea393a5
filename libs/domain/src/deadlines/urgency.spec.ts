import { describe, expect, it } from '@jest/globals';
import { urgencyOf, validateSnooze } from './urgency.js';

describe('urgencyOf a cycle due 2026-12-01', () => {
  it.each([
    ['2026-12-02', 'overdue'],
    ['2027-01-15', 'overdue'],
    ['2026-12-01', 'due_7'],
    ['2026-11-24', 'due_7'],
    ['2026-11-23', 'due_30'],
    ['2026-11-01', 'due_30'],
    ['2026-10-31', 'due_90'],
    ['2026-09-02', 'due_90'],
    ['2026-09-01', 'later'],
  ])('as of %s is %s', (today, expected) => {
    expect(urgencyOf({ dueDate: '2026-12-01' }, today)).toBe(expected);
  });
});

describe('validateSnooze for a cycle due 2026-12-01', () => {
  const cycle = { dueDate: '2026-12-01' };

  it.each([
    ['2026-11-26', '2026-11-25', null],
    ['2026-12-01', '2026-11-25', null],
    ['2026-11-25', '2026-11-25', 'must be after today (2026-11-25)'],
    ['2026-11-20', '2026-11-25', 'must be after today (2026-11-25)'],
    ['2026-12-02', '2026-11-25', 'must not be after the due date (2026-12-01)'],
    ['2026-13-01', '2026-11-25', 'must be a real calendar date written YYYY-MM-DD'],
    [
      '2026-12-10',
      '2026-12-05',
      'cannot snooze an overdue deadline (due 2026-12-01); renew it or acknowledge it instead',
    ],
  ])('until %s as of %s -> %p', (until, today, expected) => {
    expect(validateSnooze(until, cycle, today)).toBe(expected);
  });
});
