import { addDays, compareLocalDates, daysBetween, type LocalDate } from '../time/index.js';
import { WINDOW_CLOSED_STAGE_CODE, type Ladder, type LadderStage, type Role } from './ladder.js';

export type DeadlineState = 'open' | 'acknowledged' | 'snoozed' | 'completed' | 'cancelled';

/**
 * The two dates a ladder counts from. Stages before the due date (negative offsets) count back from
 * `leadFrom`, the last day the renewal can still be filed (`actBy`) when the requirement has an
 * application window; the due-date and overdue stages count from `dueOn`, where the capability is lost.
 * A bare due date stands for a cycle without an application window (both anchors on the due date).
 */
export interface StageAnchors {
  dueOn: LocalDate;
  leadFrom: LocalDate;
}

export type StageDates = LocalDate | StageAnchors;

/**
 * The anchors of a stored cycle. A catalogue requirement has an application window when its rule puts
 * `applyBy` before the due date (ICP/EDI licence: 90 days; medical-device licence: 30 working days); then
 * the pre-due stages count back from `actBy` (applyBy moved back to a working day). Without one (a custom
 * deadline, a yearly report due on the window's last day, a probed TLS certificate whose short ladder is
 * written in days before expiry) they count from the due date, as before.
 */
export function stageAnchorsOf(cycle: {
  dueOn: LocalDate;
  applyBy: LocalDate;
  actBy: LocalDate;
  requirementCode: string | null;
}): StageAnchors {
  const hasWindow = cycle.requirementCode !== null && compareLocalDates(cycle.applyBy, cycle.dueOn) < 0;
  return { dueOn: cycle.dueOn, leadFrom: hasWindow ? cycle.actBy : cycle.dueOn };
}

function anchorsOf(dates: StageDates): StageAnchors {
  return typeof dates === 'string' ? { dueOn: dates, leadFrom: dates } : dates;
}

/** Roles of the window-closed stage: losing the right to renew concerns everyone, legal included. */
const WINDOW_CLOSED_ROLES: readonly Role[] = Object.freeze(['operator', 'manager', 'executive', 'legal']);

/**
 * The stage the ladder gains when its pre-due stages end before the due date: on the day after the last
 * day to apply, one mail says the filing window has closed and what can still be done. Only when there is
 * such a gap (actBy + 1 before the due date) and the ladder has a stage before the due date.
 */
function windowClosedStage(
  ladder: Readonly<Ladder>,
  anchors: StageAnchors,
): { stage: LadderStage; firstOn: LocalDate } | null {
  const firstOn = addDays(anchors.leadFrom, 1);
  if (compareLocalDates(firstOn, anchors.dueOn) >= 0) return null;
  if (!ladder.some((stage) => stage.offsetDays < 0)) return null;
  if (ladder.some((stage) => stage.code === WINDOW_CLOSED_STAGE_CODE)) return null;
  return {
    stage: { code: WINDOW_CLOSED_STAGE_CODE, offsetDays: 0, roles: [...WINDOW_CLOSED_ROLES] },
    firstOn,
  };
}

/**
 * Every stage of the ladder with the date of its first occurrence, in the order the planner's SQL ranks
 * ties (`ord`): the stages before the due date, the window-closed stage, then the others.
 */
export function datedStages(
  ladder: Readonly<Ladder>,
  dates: StageDates,
): { stage: LadderStage; firstOn: LocalDate }[] {
  const anchors = anchorsOf(dates);
  const out: { stage: LadderStage; firstOn: LocalDate }[] = [];
  const closed = windowClosedStage(ladder, anchors);
  let closedAdded = closed === null;
  for (const stage of ladder) {
    if (!closedAdded && stage.offsetDays >= 0) {
      out.push(closed!);
      closedAdded = true;
    }
    const anchor = stage.offsetDays < 0 ? anchors.leadFrom : anchors.dueOn;
    out.push({ stage, firstOn: addDays(anchor, stage.offsetDays) });
  }
  if (!closedAdded) out.push(closed!);
  return out;
}

/**
 * One occurrence of a stage for one deadline cycle. Every stage occurs once, except the repeating last
 * stage, which occurs every `repeatEveryDays` after its first trigger: keys 'overdue', 'overdue-2', ...
 * The key is what the notifications table is unique on, together with the deadline.
 */
export interface StageInstance {
  stageKey: string;
  stage: LadderStage;
  /** The anchor (actBy before the due date, dueOn from it on) + offsetDays (+ the repeats). */
  triggerOn: LocalDate;
  /** 1 for a stage's first occurrence, 2 for its first repeat, ... */
  occurrence: number;
}

export interface SelectStageInput {
  ladder: Readonly<Ladder>;
  /** The due date, or both anchors of a cycle with an application window (`stageAnchorsOf`). */
  dueOn: StageDates;
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
  dueOn: StageDates,
  today: LocalDate,
): StageInstance[] {
  const instances: StageInstance[] = [];
  for (const { stage, firstOn } of datedStages(ladder, dueOn)) {
    const daysSince = daysBetween(firstOn, today);
    if (daysSince < 0) continue;
    const occurrences = stage.repeatEveryDays ? Math.floor(daysSince / stage.repeatEveryDays) + 1 : 1;
    for (let occurrence = 1; occurrence <= occurrences; occurrence++) {
      instances.push({
        stageKey: stageKeyOf(stage.code, occurrence),
        stage,
        triggerOn: addDays(firstOn, (occurrence - 1) * (stage.repeatEveryDays ?? 0)),
        occurrence,
      });
    }
  }
  // Already in order for a valid ladder (increasing offsets, only the last stage repeats); sorting keeps
  // "later trigger = more severe" true for any ladder. The sort is stable: ties keep the ladder's order.
  return instances.sort((a, b) => compareLocalDates(a.triggerOn, b.triggerOn));
}

/** The first stage instance that becomes due after `today`, or null when the ladder has run out. */
export function nextStageInstanceAfter(
  ladder: Readonly<Ladder>,
  dueOn: StageDates,
  today: LocalDate,
): StageInstance | null {
  let next: StageInstance | null = null;
  for (const { stage, firstOn } of datedStages(ladder, dueOn)) {
    const daysSince = daysBetween(firstOn, today);
    let candidate: StageInstance | null = null;
    if (daysSince < 0) candidate = { stageKey: stage.code, stage, triggerOn: firstOn, occurrence: 1 };
    else if (stage.repeatEveryDays) {
      const occurrence = Math.floor(daysSince / stage.repeatEveryDays) + 2;
      candidate = {
        stageKey: stageKeyOf(stage.code, occurrence),
        stage,
        triggerOn: addDays(firstOn, (occurrence - 1) * stage.repeatEveryDays),
        occurrence,
      };
    }
    if (candidate && (next === null || compareLocalDates(candidate.triggerOn, next.triggerOn) < 0))
      next = candidate;
  }
  return next;
}

/** The instance a stored stage key stands for, or null when the ladder has no such stage. */
export function stageInstanceOf(
  ladder: Readonly<Ladder>,
  dueOn: StageDates,
  stageKey: string,
): StageInstance | null {
  for (const { stage, firstOn } of datedStages(ladder, dueOn)) {
    if (stageKey === stage.code) return { stageKey, stage, triggerOn: firstOn, occurrence: 1 };
    if (stage.repeatEveryDays && stageKey.startsWith(`${stage.code}-`)) {
      const suffix = stageKey.slice(stage.code.length + 1);
      if (!/^[1-9]\d{0,5}$/.test(suffix) || suffix === '1') continue;
      const occurrence = Number(suffix);
      return {
        stageKey,
        stage,
        triggerOn: addDays(firstOn, (occurrence - 1) * stage.repeatEveryDays),
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
export function isOverdueStage(stage: Pick<LadderStage, 'offsetDays' | 'code'>): boolean {
  return stage.offsetDays > 0 && stage.code !== WINDOW_CLOSED_STAGE_CODE;
}
