import { describe, expect, it } from '@jest/globals';
import {
  type CycleAction,
  type CycleSnapshot,
  cycleEscalatesOn,
  decideCycle,
  expiryChangeKind,
} from './cycle-state-machine.js';

// One cycle due 2027-01-01, acted on 2026-12-01 unless a row says otherwise.
const DUE = '2027-01-01';
const TODAY = '2026-12-01';
const open: CycleSnapshot = { state: 'open', snoozedUntil: null, dueDate: DUE };
const acked: CycleSnapshot = { state: 'acknowledged', snoozedUntil: null, dueDate: DUE };
const snoozed: CycleSnapshot = { state: 'snoozed', snoozedUntil: '2026-12-08', dueDate: DUE };
const completed: CycleSnapshot = { state: 'completed', snoozedUntil: null, dueDate: DUE };
const cancelled: CycleSnapshot = { state: 'cancelled', snoozedUntil: null, dueDate: DUE };

describe('decideCycle', () => {
  it.each<[string, CycleSnapshot, CycleAction, string, object]>([
    [
      'acknowledge an open cycle',
      open,
      { type: 'acknowledge' },
      TODAY,
      { kind: 'changed', state: 'acknowledged', stages: 'stop' },
    ],
    ['acknowledge twice', acked, { type: 'acknowledge' }, TODAY, { kind: 'unchanged' }],
    [
      'acknowledge a snoozed cycle',
      snoozed,
      { type: 'acknowledge' },
      TODAY,
      { kind: 'changed', state: 'acknowledged', snoozedUntil: null },
    ],
    [
      'acknowledge a completed cycle',
      completed,
      { type: 'acknowledge' },
      TODAY,
      { kind: 'refused', code: 'closed' },
    ],
    [
      'snooze an open cycle',
      open,
      { type: 'snooze', until: '2026-12-08' },
      TODAY,
      { kind: 'changed', state: 'snoozed', snoozedUntil: '2026-12-08', stages: 'hold' },
    ],
    [
      'snooze an acknowledged cycle without asking',
      acked,
      { type: 'snooze', until: '2026-12-08' },
      TODAY,
      { kind: 'refused', code: 'acknowledged', field: 'overrideAcknowledgement' },
    ],
    [
      'snooze an acknowledged cycle, asked explicitly',
      acked,
      { type: 'snooze', until: '2026-12-08', overrideAcknowledgement: true },
      TODAY,
      { kind: 'changed', state: 'snoozed', clearAcknowledgement: true },
    ],
    [
      'snooze again to the same date',
      snoozed,
      { type: 'snooze', until: '2026-12-08' },
      TODAY,
      { kind: 'unchanged' },
    ],
    [
      'snooze past the due date',
      open,
      { type: 'snooze', until: '2027-01-02' },
      TODAY,
      { kind: 'refused', code: 'invalid', field: 'until' },
    ],
    [
      'snooze to today',
      open,
      { type: 'snooze', until: TODAY },
      TODAY,
      { kind: 'refused', code: 'invalid', field: 'until' },
    ],
    [
      'snooze a completed cycle',
      completed,
      { type: 'snooze', until: '2026-12-08' },
      TODAY,
      { kind: 'refused', code: 'closed' },
    ],
    [
      'reopen an acknowledged cycle',
      acked,
      { type: 'reopen' },
      TODAY,
      { kind: 'changed', state: 'open', clearAcknowledgement: true, stages: 'resume' },
    ],
    [
      'reopen a running snooze',
      snoozed,
      { type: 'reopen' },
      TODAY,
      { kind: 'changed', state: 'open', snoozedUntil: null },
    ],
    ['reopen a snooze that has ended', snoozed, { type: 'reopen' }, '2026-12-08', { kind: 'unchanged' }],
    ['reopen an open cycle', open, { type: 'reopen' }, TODAY, { kind: 'unchanged' }],
    ['reopen a cancelled cycle', cancelled, { type: 'reopen' }, TODAY, { kind: 'refused', code: 'closed' }],
    [
      'complete an acknowledged cycle',
      acked,
      { type: 'complete' },
      TODAY,
      { kind: 'changed', state: 'completed', stages: 'renew' },
    ],
    ['complete twice', completed, { type: 'complete' }, TODAY, { kind: 'unchanged' }],
    [
      'complete a cancelled cycle',
      cancelled,
      { type: 'complete' },
      TODAY,
      { kind: 'refused', code: 'closed' },
    ],
    [
      'edit the expiry to a later date',
      acked,
      { type: 'edit_expiry', newDueDate: '2028-01-01' },
      TODAY,
      { kind: 'changed', state: 'completed', stages: 'renew', reason: 'renewal', dueDate: '2028-01-01' },
    ],
    [
      'edit the expiry of a past-due cycle to an earlier date',
      open,
      { type: 'edit_expiry', newDueDate: '2026-12-20' },
      '2027-01-02',
      { kind: 'changed', state: 'completed', reason: 'renewal' },
    ],
    [
      'edit the expiry to an earlier date before it is due',
      acked,
      { type: 'edit_expiry', newDueDate: '2026-12-20' },
      TODAY,
      { kind: 'changed', state: 'acknowledged', stages: 'move', reason: 'correction', dueDate: '2026-12-20' },
    ],
    [
      'correct the date of a snoozed cycle, the snooze still before it',
      snoozed,
      { type: 'edit_expiry', newDueDate: '2026-12-20' },
      TODAY,
      { kind: 'changed', state: 'snoozed', snoozedUntil: '2026-12-08', reason: 'correction' },
    ],
    [
      'correct the date of a snoozed cycle to before the snooze ends',
      snoozed,
      { type: 'edit_expiry', newDueDate: '2026-12-05' },
      TODAY,
      { kind: 'changed', state: 'open', snoozedUntil: null, reason: 'correction' },
    ],
    [
      'a changed cadence moves the due date later: a correction of the same cycle, not a renewal',
      acked,
      { type: 'edit_expiry', newDueDate: '2028-01-01', cadenceChange: true },
      TODAY,
      { kind: 'changed', state: 'acknowledged', stages: 'move', reason: 'correction', dueDate: '2028-01-01' },
    ],
    [
      'a changed cadence moves a past-due cycle: still the same cycle',
      open,
      { type: 'edit_expiry', newDueDate: '2028-01-01', cadenceChange: true },
      '2027-01-02',
      { kind: 'changed', state: 'open', stages: 'move', reason: 'correction', dueDate: '2028-01-01' },
    ],
    [
      'a changed cadence that gives the same date changes nothing',
      open,
      { type: 'edit_expiry', newDueDate: DUE, cadenceChange: true },
      TODAY,
      { kind: 'unchanged' },
    ],
    [
      'edit the expiry to the same date',
      open,
      { type: 'edit_expiry', newDueDate: DUE },
      TODAY,
      { kind: 'unchanged' },
    ],
    [
      'drop the obligation',
      snoozed,
      { type: 'drop' },
      TODAY,
      { kind: 'changed', state: 'cancelled', snoozedUntil: null },
    ],
  ])('%s', (_name, cycle, action, today, expected) => {
    expect(decideCycle(cycle, action, today)).toMatchObject(expected);
  });
});

describe('cycleEscalatesOn', () => {
  it.each<[CycleSnapshot, string, boolean]>([
    [open, TODAY, true],
    [acked, TODAY, false],
    [snoozed, '2026-12-07', false],
    // The snooze ends by itself on its date.
    [snoozed, '2026-12-08', true],
    [snoozed, '2027-01-10', true],
    [completed, TODAY, false],
    [cancelled, TODAY, false],
  ])('%o on %s: %s', (cycle, today, expected) => {
    expect(cycleEscalatesOn(cycle, today)).toBe(expected);
  });
});

describe('expiryChangeKind of a cycle due 2027-01-01', () => {
  it.each([
    ['2027-06-01', '2026-12-01', 'renewal'],
    ['2026-12-15', '2026-12-01', 'correction'],
    ['2026-12-15', '2027-01-01', 'correction'],
    ['2026-12-15', '2027-01-02', 'renewal'],
    ['2027-01-01', '2027-03-01', 'same'],
  ])('to %s as of %s: %s', (newDue, today, expected) => {
    expect(expiryChangeKind(DUE, newDue, today)).toBe(expected);
  });
});
