import { compareLocalDates, type LocalDate } from '../time/index.js';
import { validateSnooze } from './urgency.js';

/**
 * The life of one deadline cycle: every entry point (the API, the signed links in mails, the console,
 * registry edits, the planner and the delivery loop) asks this module what an action does, so the rules
 * are written once. See README.md beside the reminders for the table.
 *
 * - `open`: escalates; each tick plans the most severe stage due and not yet planned.
 * - `acknowledged`: somebody is on it; no stage of this cycle is planned or sent any more. Belongs to this
 *   cycle only: the next cycle starts `open`.
 * - `snoozed` until a date: nothing is planned or sent before that date; on it the snooze ends by itself
 *   and the next tick plans the most severe stage due (the earlier ones are recorded as skipped, as after
 *   downtime).
 * - `completed`: renewed or done; history. Its links answer that it was renewed and act on nothing.
 * - `cancelled`: the obligation no longer applies (qualification removed, date cleared).
 */
export type CycleState = 'open' | 'acknowledged' | 'snoozed' | 'completed' | 'cancelled';

export const LIVE_CYCLE_STATES: readonly CycleState[] = ['open', 'acknowledged', 'snoozed'];

export interface CycleSnapshot {
  state: CycleState;
  snoozedUntil: LocalDate | null;
  dueDate: LocalDate;
}

export type CycleAction =
  | { type: 'acknowledge' }
  /** `overrideAcknowledgement`: the person asked explicitly to turn an acknowledgement back into a snooze. */
  | { type: 'snooze'; until: LocalDate; overrideAcknowledgement?: boolean }
  | { type: 'reopen' }
  | { type: 'complete' }
  /**
   * The registry's expiry (certification date, qualification expiry, contract end) was edited.
   * `cadenceChange`: the date moved because the obligation's period changed (校验 by bed count), not
   * because it was renewed: always a correction of the same cycle, later or earlier, past due or not.
   */
  | { type: 'edit_expiry'; newDueDate: LocalDate; cadenceChange?: boolean }
  /** The obligation no longer applies. */
  | { type: 'drop' };

export type RefusalCode = 'closed' | 'acknowledged' | 'invalid';

/** What happens to the stages of the cycle when the action is applied. */
export type StageEffect =
  /** Planned-but-unsent mails are dropped at send time; nothing further is planned for this cycle. */
  | 'stop'
  /** Nothing is planned or sent before `snoozedUntil`; on it the most severe due stage is planned. */
  | 'hold'
  /** Planning resumes at the next tick with the most severe due stage not yet planned. */
  | 'resume'
  /** The cycle closes; a new cycle (a new row) opens with the full ladder and nothing planned. */
  | 'renew'
  /** The same cycle moves to the new date: stages planned stay, later ones follow the new date. */
  | 'move';

export type CycleDecision =
  | { kind: 'unchanged' }
  | { kind: 'refused'; code: RefusalCode; field: string; rule: string }
  | {
      kind: 'changed';
      state: CycleState;
      snoozedUntil: LocalDate | null;
      /** The acknowledgement (who, when) is cleared. */
      clearAcknowledgement: boolean;
      stages: StageEffect;
      /** For `edit_expiry`: the cycle's new due date (`move`) or the next cycle's (`renew`). */
      dueDate?: LocalDate;
      /** For `edit_expiry`: whether it was taken as a renewal or a correction of a mistyped date. */
      reason?: 'renewal' | 'correction';
    };

export function isLiveCycle(state: CycleState): boolean {
  return LIVE_CYCLE_STATES.includes(state);
}

/** Whether reminders of the cycle may be planned or sent on the organization's local date `today`. */
export function cycleEscalatesOn(
  cycle: Pick<CycleSnapshot, 'state' | 'snoozedUntil'>,
  today: LocalDate,
): boolean {
  switch (cycle.state) {
    case 'open':
      return true;
    case 'snoozed':
      // The snooze ends by itself on its date; one without a date cannot hold reminders back for ever.
      return cycle.snoozedUntil === null || compareLocalDates(today, cycle.snoozedUntil) >= 0;
    case 'acknowledged':
    case 'completed':
    case 'cancelled':
      return false;
  }
}

/**
 * A changed expiry is a renewal when it is later than the live cycle's due date, or when the cycle is
 * already past due (whatever the new date, the old one was missed or met); otherwise it corrects a
 * mistyped date of the same cycle.
 */
export function expiryChangeKind(
  dueDate: LocalDate,
  newDueDate: LocalDate,
  today: LocalDate,
): 'renewal' | 'correction' | 'same' {
  if (newDueDate === dueDate) return 'same';
  if (compareLocalDates(newDueDate, dueDate) > 0 || compareLocalDates(today, dueDate) > 0) return 'renewal';
  return 'correction';
}

const CLOSED = (state: CycleState): CycleDecision => ({
  kind: 'refused',
  code: 'closed',
  field: 'state',
  rule: `the deadline is ${state}; act on its current cycle instead`,
});

/** What `action` does to a cycle in `cycle`'s state, on the organization's local date `today`. */
export function decideCycle(cycle: CycleSnapshot, action: CycleAction, today: LocalDate): CycleDecision {
  const { state } = cycle;
  // A snooze that has run out is, for every rule, an open cycle.
  const escalating = state === 'snoozed' && cycleEscalatesOn(cycle, today) ? 'open' : state;
  switch (action.type) {
    case 'acknowledge':
      if (state === 'acknowledged') return { kind: 'unchanged' };
      if (!isLiveCycle(state)) return CLOSED(state);
      return change('acknowledged', null, false, 'stop');
    case 'snooze': {
      if (!isLiveCycle(state)) return CLOSED(state);
      if (state === 'acknowledged' && !action.overrideAcknowledgement) {
        return {
          kind: 'refused',
          code: 'acknowledged',
          field: 'overrideAcknowledgement',
          rule: 'the deadline is acknowledged, so no reminder will come; snoozing would start them again on the date: set overrideAcknowledgement to true to ask for that',
        };
      }
      if (state === 'snoozed' && cycle.snoozedUntil === action.until) return { kind: 'unchanged' };
      const problem = validateSnooze(action.until, cycle, today);
      if (problem) return { kind: 'refused', code: 'invalid', field: 'until', rule: problem };
      return change('snoozed', action.until, state === 'acknowledged', 'hold');
    }
    case 'reopen':
      if (escalating === 'open') return { kind: 'unchanged' };
      if (!isLiveCycle(state)) return CLOSED(state);
      return change('open', null, true, 'resume');
    case 'complete':
      if (state === 'completed') return { kind: 'unchanged' };
      if (state === 'cancelled') {
        return {
          kind: 'refused',
          code: 'closed',
          field: 'state',
          rule: 'the deadline was cancelled: the obligation no longer applies',
        };
      }
      return change('completed', null, false, 'renew');
    case 'edit_expiry': {
      if (!isLiveCycle(state)) return CLOSED(state);
      const kind =
        action.cadenceChange === true && action.newDueDate !== cycle.dueDate
          ? 'correction'
          : expiryChangeKind(cycle.dueDate, action.newDueDate, today);
      if (kind === 'same') return { kind: 'unchanged' };
      if (kind === 'renewal') {
        return { ...change('completed', null, false, 'renew'), dueDate: action.newDueDate, reason: kind };
      }
      // A snooze past the corrected due date would hide the due stage: it ends.
      const snoozeKept =
        state === 'snoozed' &&
        cycle.snoozedUntil !== null &&
        compareLocalDates(cycle.snoozedUntil, action.newDueDate) <= 0;
      const next: CycleState = state === 'snoozed' && !snoozeKept ? 'open' : state;
      return {
        ...change(next, snoozeKept ? cycle.snoozedUntil : null, false, 'move'),
        dueDate: action.newDueDate,
        reason: kind,
      };
    }
    case 'drop':
      if (state === 'cancelled') return { kind: 'unchanged' };
      if (!isLiveCycle(state)) return CLOSED(state);
      return change('cancelled', null, false, 'stop');
  }
}

function change(
  state: CycleState,
  snoozedUntil: LocalDate | null,
  clearAcknowledgement: boolean,
  stages: StageEffect,
): Extract<CycleDecision, { kind: 'changed' }> {
  return { kind: 'changed', state, snoozedUntil, clearAcknowledgement, stages };
}
