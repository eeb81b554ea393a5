import { findRequirement, type Catalogue } from '../../../catalogue/src/index.js';
import { compareLocalDates, localDateParts, type LocalDate } from '../time/index.js';
import type { DeadlineCycle } from './deadline-cycle.js';
import { ENTERPRISE_ANNUAL_REPORT_CODE, enterpriseAnnualReportCycle } from './derive-deadlines.js';

/**
 * Obligations of the owner entity (主体), identified by its unified social credit code, rather than of one
 * of its mini-programs: the enterprise annual report is filed once per company, however many mini-programs
 * it owns. Their deadlines are scoped 'owner:<credit code>:<subject>' and belong to no mini-program.
 */
export function ownerSubjectKey(creditCode: string): string {
  return `owner:${creditCode}:${ENTERPRISE_ANNUAL_REPORT_CODE}`;
}

/** The credit code of an owner-scoped subject key, or null for any other subject. */
export function ownerCreditCodeOf(subjectKey: string): string | null {
  const match = /^owner:([^:]+):/.exec(subjectKey);
  return match ? match[1] : null;
}

export interface OwnedMiniProgram {
  id: string;
  ownerCreditCode: string;
  ownerName: string;
  createdAt: Date;
}

export interface Owner {
  creditCode: string;
  /** As registered on the owner's earliest mini-program (two spellings of one company give one name). */
  name: string;
  miniProgramIds: string[];
}

/** The distinct owners of `miniPrograms`, by credit code (sorted), each with the name it is shown under. */
export function ownersOf(miniPrograms: readonly OwnedMiniProgram[]): Owner[] {
  const byCode = new Map<string, OwnedMiniProgram[]>();
  for (const mp of miniPrograms) {
    const list = byCode.get(mp.ownerCreditCode) ?? [];
    list.push(mp);
    byCode.set(mp.ownerCreditCode, list);
  }
  return [...byCode.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([creditCode, list]) => {
      const sorted = [...list].sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
      return { creditCode, name: sorted[0].ownerName, miniProgramIds: sorted.map((m) => m.id) };
    });
}

/**
 * The current cycle of every obligation of one owner: the enterprise annual report of this year's window
 * until it closes on 30 June, then next year's. The owner's name is the cycle's title. None when the
 * catalogue has no such entry.
 */
export function deriveOwnerDeadlines(
  owner: Pick<Owner, 'creditCode' | 'name'>,
  catalogue: Catalogue,
  today: LocalDate,
): DeadlineCycle[] {
  if (!findRequirement(catalogue, ENTERPRISE_ANNUAL_REPORT_CODE)) return [];
  const { year } = localDateParts(today);
  const thisYear = enterpriseAnnualReportCycle(year, catalogue);
  const cycle =
    compareLocalDates(today, thisYear.dueDate) > 0
      ? enterpriseAnnualReportCycle(year + 1, catalogue)
      : thisYear;
  return [{ ...cycle, subjectKey: ownerSubjectKey(owner.creditCode), title: owner.name }];
}

/**
 * What a deadline is called wherever it is shown (API, console, mails, robots, exports, calendar): the
 * requirement's name, and for an owner's obligation the owner too, since two owners each have one.
 */
export function deadlineDisplayName(
  requirementName: string | null | undefined,
  deadline: { kind: string; title: string | null },
  locale: 'zh-CN' | 'en',
): string {
  if (deadline.kind === 'enterprise_annual_report' && requirementName && deadline.title) {
    return locale === 'zh-CN'
      ? `${requirementName}（${deadline.title}）`
      : `${requirementName} — ${deadline.title}`;
  }
  return requirementName ?? deadline.title ?? deadline.kind;
}

/** The owner an owner-level obligation is about (kept as its title), or null for any other deadline. */
export function ownerNameOf(deadline: { kind: string; title: string | null }): string | null {
  return deadline.kind === 'enterprise_annual_report' ? deadline.title : null;
}

export type MergeState = 'open' | 'acknowledged' | 'snoozed' | 'completed' | 'cancelled';

/** One per-mini-program annual-report cycle as it was before the report became the owner's. */
export interface AnnualReportDuplicate {
  id: string;
  ownerCreditCode: string;
  cycleKey: string;
  state: MergeState;
  createdAt: Date;
  /** `status` 'sent' when any recipient was sent it, even if others are still pending. */
  notifications: readonly { id: string; stage: string; status: string }[];
}

export interface AnnualReportMergePlan {
  /** Rows that become the owner's cycle of their year (subject re-keyed, no mini-program). */
  survivors: { id: string; ownerCreditCode: string; cycleKey: string }[];
  /** Rows closed as cancelled: their stages now live on the survivor. */
  retired: string[];
  /** Notifications re-attached to the survivor: a stage it had not had, sent or planned by a duplicate. */
  moved: { notificationId: string; toDeadlineId: string }[];
  /** Planned notifications of retired rows whose stage the survivor already has: never to be sent. */
  cancelled: string[];
}

const STATE_RANK: Record<MergeState, number> = {
  cancelled: 0,
  open: 1,
  snoozed: 2,
  acknowledged: 3,
  completed: 4,
};
const LIVE = new Set<MergeState>(['open', 'acknowledged', 'snoozed']);

/**
 * How per-mini-program cycles of the annual report merge into one per owner and year. The survivor of a
 * year is the row whose state went furthest (completed, then acknowledged, then snoozed, then open: a
 * person's decision on any duplicate was a decision on the one obligation), then the one with most stages
 * sent, then the oldest; it keeps its id, so its links still work. Every stage any duplicate sent or
 * planned counts for the survivor (moved onto it when it lacks that stage), so the planner never sends a
 * stage twice. At most one cycle per owner stays live: the earliest year's (an overdue report is still
 * owed); later live years are retired. Cancelled rows are history and are left alone.
 */
export function planAnnualReportMerge(rows: readonly AnnualReportDuplicate[]): AnnualReportMergePlan {
  const plan: AnnualReportMergePlan = { survivors: [], retired: [], moved: [], cancelled: [] };
  const groups = new Map<string, Map<string, AnnualReportDuplicate[]>>();
  for (const row of rows) {
    if (row.state === 'cancelled') continue;
    const years = groups.get(row.ownerCreditCode) ?? new Map<string, AnnualReportDuplicate[]>();
    years.set(row.cycleKey, [...(years.get(row.cycleKey) ?? []), row]);
    groups.set(row.ownerCreditCode, years);
  }
  const sent = (r: AnnualReportDuplicate) => r.notifications.filter((n) => n.status === 'sent').length;
  for (const [code, years] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let liveKept = false;
    for (const [cycleKey, group] of [...years.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const ranked = [...group].sort(
        (a, b) =>
          STATE_RANK[b.state] - STATE_RANK[a.state] ||
          sent(b) - sent(a) ||
          a.createdAt.getTime() - b.createdAt.getTime() ||
          (a.id < b.id ? -1 : 1),
      );
      const [survivor, ...others] = ranked;
      if (LIVE.has(survivor.state)) {
        if (liveKept) {
          // A later year while an earlier one is still owed: the earlier one stays the live cycle.
          for (const r of group) {
            plan.retired.push(r.id);
            for (const n of r.notifications) if (n.status === 'pending') plan.cancelled.push(n.id);
          }
          continue;
        }
        liveKept = true;
      }
      plan.survivors.push({ id: survivor.id, ownerCreditCode: code, cycleKey });
      const sentStages = new Set(
        group.flatMap((r) => r.notifications.filter((n) => n.status === 'sent').map((n) => n.stage)),
      );
      // The survivor's own planned stage that a duplicate already sent: planned no more.
      for (const n of survivor.notifications) {
        if (n.status === 'pending' && sentStages.has(n.stage)) plan.cancelled.push(n.id);
      }
      const stages = new Set(survivor.notifications.map((n) => n.stage));
      // Sent first, so a stage one duplicate sent and another only planned moves as sent.
      const theirs = others
        .flatMap((r) => r.notifications)
        .sort((a, b) => Number(b.status === 'sent') - Number(a.status === 'sent'));
      for (const n of theirs) {
        if (!stages.has(n.stage)) {
          stages.add(n.stage);
          plan.moved.push({ notificationId: n.id, toDeadlineId: survivor.id });
        } else if (n.status === 'pending') {
          plan.cancelled.push(n.id);
        }
      }
      plan.retired.push(...others.map((r) => r.id));
    }
  }
  return plan;
}
