import type { SignedInRequest } from '../console-context.js';
import { type Html, html, type SafeHtml } from '../html.js';
import { field } from './forms.js';
import { formatInstant, pager, query, stageLabel } from './format.js';
import { historyTabs } from './history-pages.js';
import { layout } from './layout.js';
import { dataTable, filterForm } from './table.js';

/** One captured mail as the inbox lists it: from the file (subject, date) and from its delivery. */
export interface InboxMail {
  id: string;
  subject: string;
  sentAt: Date | null;
  to: string;
  kind: string;
  stage: string;
  /** The day the reminder was planned for (its stage's trigger date, in the organization's zone). */
  plannedDay: string;
  deadlineId: string | null;
}

export interface InboxListModel {
  filters: Record<string, string | undefined>;
  /** null: mail goes to an SMTP server, there is no local inbox; then its address (no credentials). */
  notLocal: string | null;
  folder: string;
  mails: InboxMail[];
  page: { total: number; limit: number; offset: number };
}

export function inboxListPage(c: SignedInRequest, m: InboxListModel): string {
  const t = c.t;
  const tz = c.session.organization.timeZone;
  const body: Html =
    m.notLocal !== null
      ? html`<p>${t('inbox.notLocal', { target: m.notLocal })}</p>`
      : html`<p>${t('inbox.intro', { org: c.session.organization.name, folder: m.folder })}</p>
          ${filterForm(
            t,
            '/console/inbox',
            field({
              name: 'recipient',
              label: t('inbox.recipient'),
              type: 'search',
              value: m.filters.recipient,
              hint: t('inbox.recipientHint'),
            }),
            { search: true },
          )}
          ${dataTable(
            [
              t('inbox.plannedDay'),
              t('inbox.sentAt'),
              t('inbox.recipient'),
              t('inbox.subject'),
              t('deadlines.stage'),
            ],
            m.mails,
            (mail) =>
              html`<tr>
                <td>${mail.plannedDay}</td>
                <td>${formatInstant(mail.sentAt, tz)}</td>
                <td>${mail.to}</td>
                <td><a href="/console/inbox/${mail.id}">${mail.subject || t('inbox.noSubject')}</a></td>
                <td>${stageLabel(t, mail.kind, mail.stage)}</td>
              </tr>`,
            t('inbox.none'),
          )}
          ${pager(t, m.page, (offset) => `/console/inbox${query({ ...m.filters, offset })}`, m.mails.length)}`;
  return layout(
    { c, title: t('inbox.title'), section: 'history' },
    html`<h1>${t('inbox.title')}</h1>
      ${historyTabs(c, 'inbox')} ${body}`,
  );
}

/** Web addresses in a mail's text become links (http and https only); everything else stays text. */
function linkified(text: string): SafeHtml {
  const parts = text.split(/(https?:\/\/[^\s<>"']+)/g);
  return html`${parts.map((part, i) => (i % 2 === 1 ? html`<a href="${part}">${part}</a>` : part))}`;
}

export function inboxMailPage(c: SignedInRequest, mail: InboxMail & { text: string }): string {
  const t = c.t;
  const tz = c.session.organization.timeZone;
  return layout(
    { c, title: mail.subject || t('inbox.noSubject'), section: 'history' },
    html`<p><a href="/console/inbox">${t('inbox.back')}</a></p>
      <h1>${mail.subject || t('inbox.noSubject')}</h1>
      <dl class="facts">
        <dt>${t('inbox.recipient')}</dt>
        <dd>${mail.to}</dd>
        <dt>${t('inbox.plannedDay')}</dt>
        <dd>${mail.plannedDay}</dd>
        <dt>${t('inbox.sentAt')}</dt>
        <dd>${formatInstant(mail.sentAt, tz)}</dd>
        <dt>${t('deadlines.stage')}</dt>
        <dd>
          ${mail.deadlineId ? html`<a href="/console/deadlines/${mail.deadlineId}">${stageLabel(t, mail.kind, mail.stage)}</a>` : stageLabel(t, mail.kind, mail.stage)}
        </dd>
      </dl>
      <h2>${t('inbox.body')}</h2>
      <pre class="mail">${linkified(mail.text)}</pre>`,
  );
}
