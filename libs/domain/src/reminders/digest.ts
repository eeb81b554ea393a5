import type { Locale } from '../../../catalogue/src/index.js';
import { daysBetween, type LocalDate } from '../time/index.js';
import type { Role } from './ladder.js';
import { escapeHtml } from './render-reminder.js';

/** How a contact receives reminders: one mail per stage (the default), or one digest per local day. */
export const REMINDER_MODES = ['immediate', 'digest'] as const;
export type ReminderMode = (typeof REMINDER_MODES)[number];

/**
 * The digest's groups, most urgent first. Measured against the last day to act while it is still ahead
 * (a renewal filed after it is lost, DOMAIN.md), else against the due date; past the due date: overdue.
 */
export const DIGEST_GROUPS = ['overdue', 'due_today', 'due_7', 'due_30', 'later'] as const;
export type DigestGroup = (typeof DIGEST_GROUPS)[number];

/** One stage of one deadline in a digest: what a digest mail (or, later, a channel digest) lists. */
export interface DigestItem {
  /** The held delivery this item stands for; its signed link acknowledges this deadline only. */
  deliveryId: string;
  deadlineId: string;
  stage: string;
  /** The requirement's name in the recipient's language (never a code). */
  title: string;
  /** The mini-program (or vendor) it concerns, with its AppID when there is one. */
  subjectName: string | null;
  appId: string | null;
  dueOn: LocalDate;
  /** The last day to act: the due date itself unless the renewal must be filed earlier. */
  actBy: LocalDate;
  /** The roles this stage goes to: who must act. */
  mustAct: readonly Role[];
  links: { acknowledge: string; deadline: string };
}

export interface DigestGroupView {
  group: DigestGroup;
  items: DigestItem[];
}

/** The day a digest item counts down to: the last day to act while it is ahead, else the due date. */
export function countdownDateOf(item: Pick<DigestItem, 'dueOn' | 'actBy'>, today: LocalDate): LocalDate {
  return item.actBy < item.dueOn && today <= item.actBy ? item.actBy : item.dueOn;
}

export function digestGroupOf(item: Pick<DigestItem, 'dueOn' | 'actBy'>, today: LocalDate): DigestGroup {
  if (today > item.dueOn) return 'overdue';
  const days = daysBetween(today, countdownDateOf(item, today));
  if (days === 0) return 'due_today';
  if (days <= 7) return 'due_7';
  if (days <= 30) return 'due_30';
  return 'later';
}

/**
 * The items of a day grouped by urgency, most urgent group first, empty groups left out; within a group
 * by countdown date, then title, then deadline and stage, so the same items always read the same way.
 */
export function groupDigest(items: readonly DigestItem[], today: LocalDate): DigestGroupView[] {
  const sorted = [...items].sort(
    (a, b) =>
      countdownDateOf(a, today).localeCompare(countdownDateOf(b, today)) ||
      a.title.localeCompare(b.title) ||
      a.deadlineId.localeCompare(b.deadlineId) ||
      a.stage.localeCompare(b.stage),
  );
  return DIGEST_GROUPS.map((group) => ({
    group,
    items: sorted.filter((i) => digestGroupOf(i, today) === group),
  })).filter((g) => g.items.length > 0);
}

export interface DigestMailInput {
  organizationName: string;
  /** The organization's local date the digest is for. */
  localDate: LocalDate;
  recipientName: string;
  items: readonly DigestItem[];
  consoleUrl: string;
}

export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
}

const ROLE_NAMES: Record<Locale, Record<Role, string>> = {
  'zh-CN': { operator: '经办人', manager: '经理', executive: '高管', legal: '法务' },
  en: { operator: 'operator', manager: 'manager', executive: 'executive', legal: 'legal' },
};

const T = {
  'zh-CN': {
    subject: (date: string, overdue: number, week: number, all: number) =>
      `【mp-guard 每日汇总】${date} · ${overdue} 项逾期 · ${week} 项 7 天内 · 共 ${all} 项`,
    greeting: (name: string) => `${name}，您好：`,
    intro: (org: string, date: string, all: number) =>
      `以下是${org}在 ${date} 需要处理的 ${all} 项合规提醒（每日汇总，代替逐条邮件）。每项的“确认收到”链接只停止该事项的提醒。`,
    groups: {
      overdue: '已逾期',
      due_today: '今天是最后一天',
      due_7: '7 天内',
      due_30: '30 天内',
      later: '更晚',
    } satisfies Record<DigestGroup, string>,
    days: (item: DigestItem, today: string) => {
      if (today > item.dueOn) return `已逾期 ${daysBetween(item.dueOn, today)} 天`;
      const n = daysBetween(today, countdownDateOf(item, today));
      return n === 0 ? '今天是最后一天' : `还剩 ${n} 天`;
    },
    line: (item: DigestItem) =>
      `到期日 ${item.dueOn}，最后办理日 ${item.actBy}，需办理：${item.mustAct.map((r) => ROLE_NAMES['zh-CN'][r]).join('、')}（阶段 ${item.stage}）`,
    ack: '确认收到（仅此事项）',
    view: '查看详情',
    console: '在 mp-guard 中查看全部事项',
    footer: '此邮件由 mp-guard 自动发送。改回逐条提醒：在联系人设置中把提醒方式改为“immediate”。',
  },
  en: {
    subject: (date: string, overdue: number, week: number, all: number) =>
      `[mp-guard daily digest] ${date} · ${overdue} overdue · ${week} within 7 days · ${all} in all`,
    greeting: (name: string) => `Hello ${name},`,
    intro: (org: string, date: string, all: number) =>
      `These are the ${all} compliance reminders of ${org} for ${date} (a daily digest instead of one mail each). Each item's acknowledge link stops the reminders of that item only.`,
    groups: {
      overdue: 'Overdue',
      due_today: 'Last day today',
      due_7: 'Within 7 days',
      due_30: 'Within 30 days',
      later: 'Later',
    } satisfies Record<DigestGroup, string>,
    days: (item: DigestItem, today: string) => {
      if (today > item.dueOn) {
        const n = daysBetween(item.dueOn, today);
        return `${n} day${n === 1 ? '' : 's'} overdue`;
      }
      const n = daysBetween(today, countdownDateOf(item, today));
      return n === 0 ? 'last day today' : `${n} day${n === 1 ? '' : 's'} left`;
    },
    line: (item: DigestItem) =>
      `due ${item.dueOn}, last day to act ${item.actBy}, must act: ${item.mustAct.map((r) => ROLE_NAMES.en[r]).join(', ')} (stage ${item.stage})`,
    ack: 'Acknowledge (this item only)',
    view: 'Details',
    console: 'See every deadline in mp-guard',
    footer:
      'Sent automatically by mp-guard. To get one mail per reminder again, set the reminder mode of your contact to "immediate".',
  },
} as const;

function nameOf(item: DigestItem): string {
  const subject = item.subjectName
    ? item.appId
      ? `${item.subjectName} (${item.appId})`
      : item.subjectName
    : null;
  return subject ? `${subject} · ${item.title}` : item.title;
}

/** Counts for the subject: overdue, and due within 7 days (today included). */
export function digestCounts(
  items: readonly Pick<DigestItem, 'dueOn' | 'actBy'>[],
  today: LocalDate,
): { overdue: number; within7: number; all: number } {
  let overdue = 0;
  let within7 = 0;
  for (const i of items) {
    const g = digestGroupOf(i, today);
    if (g === 'overdue') overdue++;
    else if (g === 'due_today' || g === 'due_7') within7++;
  }
  return { overdue, within7, all: items.length };
}

/** The digest mail of one recipient and one local day, in their language: subject, plain text and HTML. */
export function renderDigest(input: DigestMailInput, locale: Locale): RenderedDigest {
  if (!input.items.length) throw new RangeError('a digest needs at least one item');
  const t = T[locale];
  const today = input.localDate;
  const counts = digestCounts(input.items, today);
  const groups = groupDigest(input.items, today);
  const subject = t.subject(today, counts.overdue, counts.within7, counts.all);
  const text: string[] = [
    t.greeting(input.recipientName),
    '',
    t.intro(input.organizationName, today, counts.all),
  ];
  const html: string[] = [
    `<p>${escapeHtml(t.greeting(input.recipientName))}</p>`,
    `<p>${escapeHtml(t.intro(input.organizationName, today, counts.all))}</p>`,
  ];
  for (const g of groups) {
    const heading = `${t.groups[g.group]} (${g.items.length})`;
    text.push('', `== ${heading} ==`);
    html.push(`<h2>${escapeHtml(heading)}</h2>`, '<ul>');
    for (const item of g.items) {
      text.push(
        `- ${nameOf(item)}: ${t.days(item, today)}`,
        `  ${t.line(item)}`,
        `  ${t.ack}: ${item.links.acknowledge}`,
        `  ${t.view}: ${item.links.deadline}`,
      );
      html.push(
        `<li><strong>${escapeHtml(nameOf(item))}</strong>: ${escapeHtml(t.days(item, today))}<br>` +
          `${escapeHtml(t.line(item))}<br>` +
          `<a href="${escapeHtml(item.links.acknowledge)}">${escapeHtml(t.ack)}</a> · ` +
          `<a href="${escapeHtml(item.links.deadline)}">${escapeHtml(t.view)}</a></li>`,
      );
    }
    html.push('</ul>');
  }
  text.push('', `${t.console}: ${input.consoleUrl}`, '', t.footer);
  html.push(
    `<p><a href="${escapeHtml(input.consoleUrl)}">${escapeHtml(t.console)}</a></p>`,
    `<p style="color:#666">${escapeHtml(t.footer)}</p>`,
  );
  return {
    subject,
    text: text.join('\n') + '\n',
    html: `<!doctype html><html lang="${locale}"><body>${html.join('\n')}</body></html>`,
  };
}
