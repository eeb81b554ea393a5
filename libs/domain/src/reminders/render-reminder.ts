import type { Locale } from '../../../catalogue/src/index.js';
import { addDays, compareLocalDates } from '../time/index.js';
import type { ReminderChecklist } from './checklist.js';
import { headerSafe } from './message-id.js';
import { REMINDER_TEMPLATES, type ChecklistSection, type ReminderMailInput } from './templates/index.js';
import { windowPhase } from './templates/window-phase.js';

export type { ReminderMailInput } from './templates/index.js';

export interface RenderedReminder {
  subject: string;
  text: string;
  html: string;
}

type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'list'; heading: string; items: string[] }
  | { kind: 'links'; links: { label: string; url: string }[] }
  | { kind: 'footer'; text: string };

const SECTIONS: readonly ChecklistSection[] = [
  'documents',
  'ownerSteps',
  'adminBindingSteps',
  'thirdPartySteps',
  'vendorSteps',
] satisfies (keyof ReminderChecklist)[];

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function requireWebLink(url: string): string {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) throw new RangeError(`not an http(s) link: ${JSON.stringify(url)}`);
  return url;
}

function blocksOf(input: ReminderMailInput, locale: Locale): Block[] {
  const t = REMINDER_TEMPLATES[locale];
  const { deadline } = input;
  const today = addDays(deadline.dueOn, -deadline.daysLeft);
  const overdue = deadline.daysLeft < 0;
  const blocks: Block[] = [
    { kind: 'paragraph', text: t.greeting(input.organizationName) },
    { kind: 'paragraph', text: t.summary(input) },
  ];
  switch (windowPhase(deadline)) {
    case 'open':
      blocks.push({
        kind: 'paragraph',
        text: t.applyBy(
          deadline.actBy,
          deadline.workingDaysToActBy ?? 0,
          deadline.dueOn,
          deadline.lateApplicationRefused === true,
        ),
      });
      break;
    case 'closed': {
      const refused = deadline.lateApplicationRefused === true;
      blocks.push({ kind: 'paragraph', text: t.windowClosed(deadline.actBy, deadline.dueOn, refused) });
      if (refused) blocks.push({ kind: 'paragraph', text: t.stillPossible(input.afterWindowCloses ?? null) });
      break;
    }
    case 'none':
      blocks.push({
        kind: 'paragraph',
        text: t.actBy(deadline.actBy, compareLocalDates(deadline.actBy, today) < 0),
      });
  }
  if (input.consequence !== null && input.consequence.trim() !== '') {
    blocks.push({ kind: 'paragraph', text: t.consequence(input.consequence, overdue) });
  }
  const { checklist } = input;
  const lists =
    checklist === null
      ? []
      : SECTIONS.filter((section) => checklist[section].length > 0).map((section): Block => ({
          kind: 'list',
          heading:
            section === 'vendorSteps' && input.vendorUnavailable
              ? t.vendorStepsWhileUnavailable
              : t.checklistSections[section],
          items: checklist[section],
        }));
  if (input.vendorUnavailable) {
    blocks.push({ kind: 'paragraph', text: t.vendorUnavailable(input.vendorName, lists.length > 0) });
  }
  if (lists.length > 0) blocks.push({ kind: 'heading', text: t.checklistHeading }, ...lists);
  blocks.push(
    { kind: 'heading', text: t.actionsHeading },
    {
      kind: 'links',
      links: [
        { label: t.links.acknowledge, url: requireWebLink(input.links.acknowledge) },
        { label: t.links.snooze, url: requireWebLink(input.links.snooze) },
        { label: t.links.deadline, url: requireWebLink(input.links.deadline) },
      ],
    },
    { kind: 'footer', text: t.footer(input.stage.code) },
  );
  return blocks;
}

function toText(blocks: Block[], labelEnd: string): string {
  const parts = blocks.map((block) => {
    switch (block.kind) {
      case 'paragraph':
      case 'footer':
        return block.text;
      case 'heading':
        return `== ${block.text} ==`;
      case 'list':
        return [`${block.heading}${labelEnd}`, ...block.items.map((item) => `- ${item}`)].join('\n');
      case 'links':
        return block.links.map((link) => `${link.label}${labelEnd}\n${link.url}`).join('\n\n');
    }
  });
  return `${parts.join('\n\n')}\n`;
}

function toHtml(blocks: Block[], subject: string, locale: Locale): string {
  const body = blocks.map((block) => {
    switch (block.kind) {
      case 'paragraph':
        return `<p>${escapeHtml(block.text)}</p>`;
      case 'heading':
        return `<h3 style="margin:24px 0 8px">${escapeHtml(block.text)}</h3>`;
      case 'list':
        return [
          `<p style="margin:12px 0 4px"><strong>${escapeHtml(block.heading)}</strong></p>`,
          '<ul style="margin:0;padding-left:20px">',
          ...block.items.map((item) => `<li>${escapeHtml(item)}</li>`),
          '</ul>',
        ].join('\n');
      case 'links':
        return block.links
          .map((link) => `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`)
          .join('\n');
      case 'footer':
        return `<p style="color:#888;font-size:12px;margin-top:32px">${escapeHtml(block.text)}</p>`;
    }
  });
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head>`,
    "<body style=\"font-family:-apple-system,'PingFang SC','Microsoft YaHei',Arial,sans-serif;line-height:1.6;color:#222\">",
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * The reminder mail in one language. The subject goes through `headerSafe` (no CR/LF from any name can
 * reach a header); every value in the HTML is escaped; links must be http(s).
 */
export function renderReminder(input: ReminderMailInput, locale: Locale): RenderedReminder {
  const template = REMINDER_TEMPLATES[locale];
  if (!Number.isInteger(input.deadline.daysLeft)) {
    throw new RangeError(`daysLeft must be a whole number, got ${input.deadline.daysLeft}`);
  }
  const subject = headerSafe(template.subject(input));
  const blocks = blocksOf(input, locale);
  return { subject, text: toText(blocks, template.labelEnd), html: toHtml(blocks, subject, locale) };
}
