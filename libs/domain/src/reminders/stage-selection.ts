import { addDays, compareLocalDates, daysBetween, type LocalDate } from '../time/index.js';
import type { Ladder, LadderStage } from './ladder.js';

export type DeadlineState = 'open' | 'acknowledged' | 'snoozed' | 'completed' | 'cancelled';

/**
 * One occurrence of a stage for one deadline cycle. Every stage occurs once, except the repeating last
 * stage, which occurs every `repeatEveryDays` after its first trigger: keys 'overdue', 'overdue-2', ...
 * The key is what the notifications table is unique on, together with the deadline.
 */
export interface StageInstance {
  stageKey: string;
  stage: LadderStage;
  /** dueOn + offsetDays (+ the repeats): the local date the stage becomes due. */
  triggerOn: LocalDate;
  /** 1 for a stage's first occurrence, 2 for its first repeat, ... */
  occurrence: number;
}

export interface SelectStageInput {
  ladder: Readonly<Ladder>;
  dueOn: LocalDate;
  /** The organization's local date (`localDateOf(now, organization.timeZone)`). */
  today: LocalDate;
  state: DeadlineState;
  snoozedUntil: LocalDate | null;
  /** Stage keys of this cycle that already have a notification row (whatever its status). */
  alreadyPlanned: ReadonlySet<string>;
}

export interface StageSelection {
  send: { stageKey: string; stage: LadderStage; triggerOn: LocalDate } | null;
  /** Earlier due stages superseded by `send`, oldest first: recorded as skipped, never sent. */
  skip: { stageKey: string; triggerOn: LocalDate }[];
}

export function stageKeyOf(code: string, occurrence: number): string {
  if (!Number.isInteger(occurrence) || occurrence < 1) {
    throw new RangeError(`occurrence must be a whole number >= 1, got ${occurrence}`);
  }
  return occurrence === 1 ? code : `${code}-${occurrence}`;
}

/** Every stage instance of the cycle whose trigger date is on or before `today`, oldest first. */
export function stageInstancesDueBy(
  ladder: Readonly<Ladder>,
  dueOn: LocalDate,
  today: LocalDate,
): StageInstance[] {
  const instances: StageInstance[] = [];
  for (const stage of ladder) {
    const triggerOn = addDays(dueOn, stage.offsetDays);
    const daysSince = daysBetween(triggerOn, today);
    if (daysSince < 0) continue;
    const occurrences = stage.repeatEveryDays ? Math.floor(daysSince / stage.repeatEveryDays) + 1 : 1;
    for (let occurrence = 1; occurrence <= occurrences; occurrence++) {
      instances.push({
        stageKey: stageKeyOf(stage.code, occurrence),
        stage,
        triggerOn: addDays(triggerOn, (occurrence - 1) * (stage.repeatEveryDays ?? 0)),
        occurrence,
      });
    }
  }
  // Already in order for a valid ladder (increasing offsets, only the last stage repeats); sorting keeps
  // "later trigger = more severe" true for any ladder.
  return instances.sort((a, b) => compareLocalDates(a.triggerOn, b.triggerOn));
}

/** The first stage instance that becomes due after `today`, or null when the ladder has run out. */
export function nextStageInstanceAfter(
  ladder: Readonly<Ladder>,
  dueOn: LocalDate,
  today: LocalDate,
): StageInstance | null {
  for (const stage of ladder) {
    const triggerOn = addDays(dueOn, stage.offsetDays);
    const daysSince = daysBetween(triggerOn, today);
    if (daysSince < 0) return { stageKey: stage.code, stage, triggerOn, occurrence: 1 };
    if (stage.repeatEveryDays) {
      const occurrence = Math.floor(daysSince / stage.repeatEveryDays) + 2;
      return {
        stageKey: stageKeyOf(stage.code, occurrence),
        stage,
        triggerOn: addDays(triggerOn, (occurrence - 1) * stage.repeatEveryDays),
        occurrence,
      };
    }
  }
  return null;
}

/** The instance a stored stage key stands for, or null when the ladder has no such stage. */
export function stageInstanceOf(
  ladder: Readonly<Ladder>,
  dueOn: LocalDate,
  stageKey: string,
): StageInstance | null {
  for (const stage of ladder) {
    const triggerOn = addDays(dueOn, stage.offsetDays);
    if (stageKey === stage.code) return { stageKey, stage, triggerOn, occurrence: 1 };
    if (stage.repeatEveryDays && stageKey.startsWith(`${stage.code}-`)) {
      const suffix = stageKey.slice(stage.code.length + 1);
      if (!/^[1-9]\d{0,5}$/.test(suffix) || suffix === '1') continue;
      const occurrence = Number(suffix);
      return {
        stageKey,
        stage,
        triggerOn: addDays(triggerOn, (occurrence - 1) * stage.repeatEveryDays),
        occurrence,
      };
    }
  }
  return null;
}

/** Whether a deadline in this state may receive reminders today. */
export function isEscalating(
  state: DeadlineState,
  snoozedUntil: LocalDate | null,
  today: LocalDate,
): boolean {
  switch (state) {
    case 'acknowledged':
    case 'completed':
    case 'cancelled':
      return false;
    case 'open':
    case 'snoozed':
      // A snooze without an end date cannot hold reminders back for ever: it counts as open.
      return snoozedUntil === null || compareLocalDates(today, snoozedUntil) >= 0;
  }
}

/**
 * What the planner does for one deadline cycle on the organization's local date `today`: the reference
 * the set-based SQL planner is tested against.
 *
 * - Nothing for an acknowledged, completed or cancelled cycle, nor while a snooze runs (today < until).
 * - Of the stage instances due by today and not yet planned, only the most severe (latest trigger) is
 *   sent; the earlier ones are returned in `skip`, to be recorded as skipped (superseded). After downtime
 *   the owner gets one mail, the most urgent, not a burst.
 * - Instances already planned are neither sent nor skipped again, and an instance older than the most
 *   severe planned one is left alone: escalation never steps back (e.g. the `early` stage appearing when
 *   the vendor fails after d-30 was sent). Planned keys the ladder does not know (the ladder was replaced)
 *   are ignored.
 */
export function selectStage(input: SelectStageInput): StageSelection {
  const { ladder, dueOn, today, state, snoozedUntil, alreadyPlanned } = input;
  if (!isEscalating(state, snoozedUntil, today)) return { send: null, skip: [] };

  const due = stageInstancesDueBy(ladder, dueOn, today);
  let latestPlanned = -1;
  due.forEach((instance, i) => {
    if (alreadyPlanned.has(instance.stageKey)) latestPlanned = i;
  });
  const candidates = due.slice(latestPlanned + 1);
  const chosen = candidates.at(-1);
  if (!chosen) return { send: null, skip: [] };
  return {
    send: { stageKey: chosen.stageKey, stage: chosen.stage, triggerOn: chosen.triggerOn },
    skip: candidates.slice(0, -1).map(({ stageKey, triggerOn }) => ({ stageKey, triggerOn })),
  };
}

/** True once the stage is an overdue one (its trigger lies after the due date). */
export function isOverdueStage(stage: Pick<LadderStage, 'offsetDays'>): boolean {
  return stage.offsetDays > 0;
}
