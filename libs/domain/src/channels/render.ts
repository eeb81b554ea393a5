import type { Role } from '../reminders/ladder.js';
import { type ChannelKind, PLATFORM_LIMITS } from './platforms.js';
import { fitLines, utf8Bytes } from './truncate.js';

export type ChannelLocale = 'zh-CN' | 'en';

export interface ChannelMessageInput {
  organizationName: string;
  deadlineId: string;
  /** The mini-program (or vendor) the deadline belongs to. */
  subjectName: string;
  /** The requirement's name in the organization's language, never a code. */
  title: string;
  stage: string;
  dueOn: string;
  actBy: string;
  /** Days from the organization's today to the due date (negative: overdue). */
  daysLeft: number;
  /** Who must act at this stage. */
  roles: readonly Role[];
  /** Lines that may be left out when the platform's limit is reached (consequence, checklist). */
  details: readonly string[];
  links: { deadline: string; acknowledge: string };
}

const ROLE_LABELS: Record<ChannelLocale, Record<Role, string>> = {
  'zh-CN': { operator: '运营负责人', manager: '主管', executive: '高管', legal: '法务' },
  en: { operator: 'operator', manager: 'manager', executive: 'executive', legal: 'legal' },
};

const T = {
  'zh-CN': {
    heading: (title: string, subject: string) => `【合规提醒】${subject}：${title}`,
    org: (o: string) => `组织：${o}`,
    due: (d: string) => `到期日：${d}`,
    left: (n: number) => (n > 0 ? `剩余天数：${n} 天` : n === 0 ? '剩余天数：今天到期' : `已逾期：${-n} 天`),
    actBy: (d: string) => `最晚办理日：${d}`,
    who: (r: string) => `需处理：${r}`,
    open: '查看事项',
    ack: '确认收到（打开后需再次确认）',
    sep: '、',
    testTitle: 'mp-guard 测试消息',
    test: (o: string) => `这是 mp-guard 为「${o}」发送的测试消息：此渠道可以接收合规提醒。`,
  },
  en: {
    heading: (title: string, subject: string) => `[Compliance reminder] ${subject}: ${title}`,
    org: (o: string) => `Organization: ${o}`,
    due: (d: string) => `Due date: ${d}`,
    left: (n: number) =>
      n > 0 ? `Days left: ${n}` : n === 0 ? 'Days left: due today' : `Overdue by ${-n} days`,
    actBy: (d: string) => `Last day to act: ${d}`,
    who: (r: string) => `Who must act: ${r}`,
    open: 'Open the deadline',
    ack: 'Acknowledge (asks you to confirm)',
    sep: ', ',
    testTitle: 'mp-guard test message',
    test: (o: string) =>
      `This is a test message from mp-guard for "${o}": this channel can receive compliance reminders.`,
  },
} as const;

/** Markdown link text cannot hold brackets; URLs cannot hold spaces or parentheses unescaped. */
const mdText = (s: string) => s.replace(/[[\]<>]/g, ' ').replace(/\r?\n/g, ' ');
const mdUrl = (u: string) => u.replace(/[()\s]/g, encodeURIComponent);

interface Parts {
  heading: string;
  facts: string[];
  details: string[];
  links: { label: string; url: string }[];
}

function partsOf(input: ChannelMessageInput, locale: ChannelLocale): Parts {
  const t = T[locale];
  return {
    heading: mdText(t.heading(input.title, input.subjectName)),
    facts: [
      t.org(mdText(input.organizationName)),
      t.due(input.dueOn),
      t.left(input.daysLeft),
      t.actBy(input.actBy),
      t.who(input.roles.map((r) => ROLE_LABELS[locale][r]).join(t.sep)),
    ],
    details: input.details.map(mdText),
    links: [
      { label: t.open, url: input.links.deadline },
      { label: t.ack, url: input.links.acknowledge },
    ],
  };
}

/** Markdown within `maxBytes`: heading, facts and links always; details while they fit, then "…". */
function markdownOf(p: Parts, maxBytes: number, quote: string): string {
  const links = p.links.map((l) => `[${l.label}](${mdUrl(l.url)})`).join('  \n');
  const head = [`**${p.heading}**`, ...p.facts.map((f) => `${quote}${f}`)];
  const budget = maxBytes - utf8Bytes(links) - 1;
  return `${fitLines([...head, ...p.details], budget).text}\n${links}`;
}

export type ChannelPayload = Record<string, unknown>;

/**
 * The message body of a reminder for a platform, in the organization's language, within its limits:
 * WeCom `markdown` (content ≤ 4,096 bytes), DingTalk `markdown` (title + text), Feishu `interactive`
 * card (markdown element and two link buttons; body ≤ 20 KB with the signature fields), a Standard
 * Webhooks JSON event. Links are plain URLs: the acknowledge page asks for a confirmation, so a link
 * preview fetched by the chat platform acknowledges nothing.
 */
export function renderChannelMessage(
  kind: ChannelKind,
  input: ChannelMessageInput,
  locale: ChannelLocale,
): ChannelPayload {
  const p = partsOf(input, locale);
  const limit = PLATFORM_LIMITS[kind].maxTextBytes;
  switch (kind) {
    case 'wecom':
      return { msgtype: 'markdown', markdown: { content: markdownOf(p, limit, '> ') } };
    case 'dingtalk':
      return {
        msgtype: 'markdown',
        markdown: { title: p.heading.slice(0, 60), text: markdownOf(p, limit, '- ') },
      };
    case 'feishu': {
      const body = fitLines([...p.facts, ...p.details], limit).text;
      return {
        msg_type: 'interactive',
        card: {
          config: { wide_screen_mode: true },
          header: {
            title: { tag: 'plain_text', content: p.heading },
            template: input.daysLeft < 0 ? 'red' : input.daysLeft <= 7 ? 'orange' : 'blue',
          },
          elements: [
            { tag: 'markdown', content: body },
            {
              tag: 'action',
              actions: p.links.map((l, i) => ({
                tag: 'button',
                text: { tag: 'plain_text', content: l.label },
                url: l.url,
                type: i === 0 ? 'primary' : 'default',
              })),
            },
          ],
        },
      };
    }
    case 'webhook':
      return {
        type: 'reminder.stage_due',
        data: {
          organization: input.organizationName,
          deadline: {
            id: input.deadlineId,
            title: input.title,
            subject: input.subjectName,
            dueOn: input.dueOn,
            actBy: input.actBy,
            daysLeft: input.daysLeft,
            stage: input.stage,
          },
          mustAct: [...input.roles],
          links: input.links,
          text: fitLines([p.heading, ...p.facts, ...p.details], limit).text,
        },
      };
  }
}

/** The "send a test message" body. */
export function renderTestMessage(
  kind: ChannelKind,
  organizationName: string,
  locale: ChannelLocale,
): ChannelPayload {
  const t = T[locale];
  const text = t.test(mdText(organizationName));
  switch (kind) {
    case 'wecom':
      return { msgtype: 'markdown', markdown: { content: `**${t.testTitle}**\n${text}` } };
    case 'dingtalk':
      return { msgtype: 'markdown', markdown: { title: t.testTitle, text: `**${t.testTitle}**\n\n${text}` } };
    case 'feishu':
      return { msg_type: 'text', content: { text: `${t.testTitle}\n${text}` } };
    case 'webhook':
      return { type: 'channel.test', data: { organization: organizationName, text } };
  }
}
