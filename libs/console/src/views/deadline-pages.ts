import type { LocalizedRequirement } from '../../../catalogue/src/index.js';
import { DEADLINES_COUNTED_UP_TO, type DeadlineResponse } from '../../../deadlines/src/deadline.response.js';
import { DEADLINE_KINDS, URGENCIES } from '../../../deadlines/src/dto/deadline.dto.js';
import { roleAllows } from '../../../people/src/roles.js';
import type { SignedInRequest } from '../console-context.js';
import type { HistoryRow } from '../console-queries.service.js';
import { html, type SafeHtml } from '../html.js';
import { stageName } from '../i18n/messages.js';
import { errorSummary, type FieldErrors, field, select } from './forms.js';
import { daysLeftText, formatInstant, label, pager, query, urgencyTag } from './format.js';
import { csrfField, layout } from './layout.js';
import { anyOf, dataTable, filterForm } from './table.js';

export type DeadlineRow = DeadlineResponse & { whoMustAct: string };

export interface DeadlineListModel {
  filters: Record<string, string | undefined>;
  items: DeadlineRow[];
  page: { total: number; limit: number; offset: number; totalIsExact?: boolean };
  vendors: { id: string; name: string }[];
  miniProgramName: string | null;
}

const STATES = ['open', 'acknowledged', 'snoozed', 'completed'] as const;

export function deadlineListPage(c: SignedInRequest, m: DeadlineListModel): string {
  const t = c.t;
  const f = m.filters;
  const any: [string, string] = ['', t('common.any')];
  return layout(
    { c, title: t('deadlines.title'), section: 'deadlines' },
    html`<h1>${t('deadlines.title')}${m.miniProgramName ? html` · ${m.miniProgramName}` : ''}</h1>
      ${filterForm(
        t,
        '/console/deadlines',
        html`${select({ name: 'urgency', label: t('deadlines.urgency'), value: f.urgency, options: anyOf(t, URGENCIES, (u) => label(t, 'urgency', u)) })}
        ${select({ name: 'state', label: t('deadlines.state'), value: f.state, options: anyOf(t, STATES, (s) => label(t, 'state', s)) })}
        ${select({ name: 'kind', label: t('deadlines.kind'), value: f.kind, options: anyOf(t, DEADLINE_KINDS, (k) => label(t, 'kind', k)) })}
        ${select({ name: 'vendorId', label: t('deadlines.vendor'), value: f.vendorId, options: [any, ...m.vendors.map((v): [string, string] => [v.id, v.name])] })}`,
        {
          hidden: f.miniProgramId
            ? html`<input type="hidden" name="miniProgramId" value="${f.miniProgramId}" />`
            : '',
        },
      )}
      ${dataTable(
        [
          t('deadlines.item'),
          t('deadlines.miniProgram'),
          t('deadlines.actBy'),
          t('deadlines.dueOn'),
          t('deadlines.state'),
          t('deadlines.whoMustAct'),
        ],
        m.items,
        (d) =>
          html`<tr>
            <td>
              <a href="/console/deadlines/${d.id}">${d.requirementName}</a><br />${urgencyTag(t, d.urgency)}
              <span class="muted">${label(t, 'kind', d.kind)}</span>
            </td>
            <td>
              ${d.miniProgram ? html`<a href="/console/mini-programs/${d.miniProgram.id}">${d.miniProgram.name}</a>` : d.vendor ? d.vendor.name : t('deadlines.organizationLevel')}
            </td>
            <td>${d.actBy}</td>
            <td>${d.dueOn}<br /><span class="muted">${daysLeftText(t, d.daysLeft)}</span></td>
            <td>${label(t, 'state', d.state)}</td>
            <td>
              ${d.whoMustAct}${d.vendor && d.vendor.status !== 'active' ? html` <span class="tag danger">${t('common.vendorUnavailable')}</span>` : ''}
            </td>
          </tr>`,
        t('deadlines.none'),
      )}
      ${pager(t, { ...m.page, exact: m.page.totalIsExact }, (offset) => `/console/deadlines${query({ ...f, offset })}`, m.items.length)}
      ${m.page.totalIsExact === false ? html`<p class="muted">${t('deadlines.countCapped', { cap: DEADLINES_COUNTED_UP_TO.toLocaleString('en') })}</p>` : ''}`,
  );
}

export interface DeadlineDetailModel {
  deadline: DeadlineRow;
  requirement: LocalizedRequirement | null;
  history: HistoryRow[];
  nextCycle: { id: string; due_on: string } | null;
  flash?: string | null;
  /** Errors of the form that was just submitted, by form. */
  form?: { name: 'complete' | 'acknowledge' | 'snooze'; errors: FieldErrors; values: Record<string, string> };
}

export function deadlineDetailPage(c: SignedInRequest, m: DeadlineDetailModel): string {
  const t = c.t;
  const d = m.deadline;
  const tz = c.session.organization.timeZone;
  const canWrite = roleAllows(c.session.role, 'operator');
  const live = d.state === 'open' || d.state === 'acknowledged' || d.state === 'snoozed';
  const errorsOf = (name: string) => (m.form?.name === name ? m.form.errors : undefined);
  const valueOf = (name: string, key: string) => (m.form?.name === name ? m.form.values[key] : undefined);
  const action = (path: string, body: SafeHtml) =>
    html`<form method="post" action="/console/deadlines/${d.id}/${path}" class="stack">
      ${csrfField(c)}${body}
    </form>`;
  const r = m.requirement;
  return layout(
    { c, title: d.requirementName, section: 'deadlines', flash: m.flash },
    html`<h1>${d.requirementName}</h1>
      <p>
        ${d.miniProgram ? html`<a href="/console/mini-programs/${d.miniProgram.id}">${d.miniProgram.name}</a> <span class="muted">${d.miniProgram.appId}</span>` : d.vendor ? d.vendor.name : t('deadlines.organizationLevel')}
        ${urgencyTag(t, d.urgency)}
        <span class="tag">${label(t, 'state', d.state)}</span>
        ${d.vendor && d.vendor.status !== 'active' ? html` <span class="tag danger">${t('common.vendorUnavailable')}</span>` : ''}
      </p>
      ${d.state === 'snoozed' && d.snoozedUntil ? html`<p>${t('deadlines.snoozedUntil', { date: d.snoozedUntil })}</p>` : ''}
      ${d.state === 'acknowledged' && d.acknowledgedBy ? html`<p>${t('deadlines.acknowledgedBy', { who: d.acknowledgedBy })}</p>` : ''}
      ${d.state === 'completed' && d.completedAt ? html`<p>${t('deadlines.completedAt', { date: formatInstant(d.completedAt, tz) })}</p>` : ''}
      ${m.nextCycle ? html`<p><a href="/console/deadlines/${m.nextCycle.id}">${t('deadlines.nextCycle')}: ${m.nextCycle.due_on}</a></p>` : ''}
      <h2>${t('deadlines.dates')}</h2>
      <dl class="facts">
        <dt>${t('deadlines.actBy')}</dt>
        <dd><strong>${d.actBy}</strong></dd>
        <dt>${t('deadlines.dueOn')}</dt>
        <dd>${d.dueOn} (${daysLeftText(t, d.daysLeft)})</dd>
        <dt>${t('deadlines.applyBy')}</dt>
        <dd>${d.applyBy}</dd>
        <dt>${t('deadlines.windowOpens')}</dt>
        <dd>${d.windowOpensOn}</dd>
        <dt>${t('deadlines.whoMustAct')}</dt>
        <dd>${d.whoMustAct}</dd>
        <dt>${t('deadlines.kind')}</dt>
        <dd>${label(t, 'kind', d.kind)}</dd>
      </dl>
      ${
        canWrite && live
          ? html`<h2>${t('deadlines.actions')}</h2>
              ${errorSummary(m.form?.errors, t('common.errorsAbove'))}
              <div class="actions">
                ${action(
                  'complete',
                  html`${field({ name: 'newExpiry', label: t('deadlines.newExpiry'), type: 'date', hint: t('deadlines.newExpiryHint'), value: valueOf('complete', 'newExpiry'), errors: errorsOf('complete') })}
                    ${field({ name: 'note', label: `${t('deadlines.note')} ${t('common.optional')}`, value: valueOf('complete', 'note'), errors: errorsOf('complete') })}
                    <button type="submit">${t('deadlines.complete')}</button>`,
                )}
                ${d.state !== 'acknowledged' ? action('acknowledge', html`${field({ name: 'note', label: `${t('deadlines.note')} ${t('common.optional')}`, value: valueOf('acknowledge', 'note'), errors: errorsOf('acknowledge') })}<button type="submit" class="secondary">${t('deadlines.acknowledge')}</button>`) : ''}
                ${action('snooze', html`${field({ name: 'until', label: t('deadlines.snooze'), type: 'date', required: true, value: valueOf('snooze', 'until'), errors: errorsOf('snooze') })}<button type="submit" class="secondary">${t('deadlines.snoozeSubmit')}</button>`)}
                ${d.state !== 'open' ? action('reopen', html`<button type="submit" class="secondary">${t('deadlines.reopen')}</button>`) : ''}
              </div>`
          : ''
      }
      <h2>${t('deadlines.checklist')}</h2>
      ${
        r
          ? html`<h3>${t('deadlines.documents')}</h3>
              <ul>
                ${r.documents.map((doc) => html`<li>${doc.name}${doc.note ? html` <span class="muted">${doc.note}</span>` : ''}</li>`)}
              </ul>
              <h3>${t('deadlines.steps')}</h3>
              <ol>
                ${r.steps.map((s) => html`<li>${s.text}</li>`)}
              </ol>
              ${
                r.consequences.length
                  ? html`<h3>${t('deadlines.consequence')}</h3>
                      <ul>
                        ${r.consequences.map((x) => html`<li>${x.text}</li>`)}
                      </ul>`
                  : ''
              }`
          : html`<p>${t('deadlines.noChecklist')}</p>`
      }
      <h2>${t('deadlines.history')}</h2>
      ${dataTable(
        [
          t('deadlines.stage'),
          t('deadlines.recipient'),
          t('deadlines.sentAt'),
          t('deadlines.delivery'),
          t('deadlines.smtp'),
        ],
        m.history,
        (h) =>
          html`<tr>
            <td>
              ${h.kind === 'reminder' ? stageName(h.stage, t) : label(t, 'mailKind', h.kind) === h.kind ? stageName(h.stage, t) : label(t, 'mailKind', h.kind)}
            </td>
            <td>
              ${h.name} &lt;${h.email}&gt;<br /><span class="muted">${label(t, 'contactRole', h.role)}</span>
            </td>
            <td>${formatInstant(h.sent_at ?? h.updated_at, tz)}</td>
            <td>${label(t, 'delivery', h.status)}</td>
            <td>${h.smtp_response ?? h.last_error ?? ''}</td>
          </tr>`,
        t('deadlines.historyNone'),
      )}`,
  );
}
