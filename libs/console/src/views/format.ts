import { html, type SafeHtml } from '../html.js';
import { isMessageKey, stageName, type Translate } from '../i18n/messages.js';

/** The name of an enum value from the catalogue (`state.open` → 待办); a value it does not know yet as is. */
export function label(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}

/** An instant as local date and time in the organization's zone. */
export function formatInstant(value: Date | string | null, timeZone: string): string {
  if (!value) return '';
  const date = value instanceof Date ? value : new Date(value);
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

export function daysLeftText(t: Translate, daysLeft: number): string {
  if (daysLeft < 0) return t('common.daysOverdue', { n: -daysLeft });
  if (daysLeft === 0) return t('common.dueToday');
  return t('common.daysLeft', { n: daysLeft });
}

export function urgencyTag(t: Translate, urgency: string): SafeHtml {
  const tone = urgency === 'overdue' ? 'danger' : urgency === 'due_7' || urgency === 'due_30' ? 'warn' : 'ok';
  return html`<span class="tag ${tone}">${label(t, 'urgency', urgency)}</span>`;
}

export function pager(
  t: Translate,
  page: { total: number; limit: number; offset: number; exact?: boolean },
  href: (offset: number) => string,
  shown: number,
): SafeHtml {
  const from = shown ? page.offset + 1 : 0;
  const to = page.offset + shown;
  const prev = page.offset > 0 ? Math.max(0, page.offset - page.limit) : null;
  const next = to < page.total ? page.offset + page.limit : null;
  return html`<nav class="pager" aria-label="${t('common.pages')}">
    <span
      >${
        // An inexact total is a lower bound (at least that many): "more than" the one before it.
        page.exact === false
          ? t('common.showingAtLeast', { from, to, total: page.total - 1 })
          : t('common.showing', { from, to, total: page.total })
      }</span
    >
    ${prev !== null ? html`<a href="${href(prev)}" rel="prev">${t('common.previous')}</a>` : ''}
    ${next !== null ? html`<a href="${href(next)}" rel="next">${t('common.next')}</a>` : ''}
  </nav>`;
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A notification's stage as a name: a reminder stage, or the kind of mail it is. */
export function stageLabel(t: Translate, kind: string, stage: string): string {
  if (kind === 'reminder' || kind === 'failure_report') return stageName(stage, t);
  return label(t, 'mailKind', kind);
}
