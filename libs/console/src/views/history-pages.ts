import { type FieldChange, type Leaf, recordDiff } from '../../../domain/src/audit/record-diff.js';
import { roleAllows } from '../../../people/src/roles.js';
import type { SignedInRequest } from '../console-context.js';
import type { AuditRow, DeliveryRow } from '../history-queries.service.js';
import { DELIVERY_FILTER_STATUSES } from '../history-queries.service.js';
import { type Html, html, type SafeHtml } from '../html.js';
import { isMessageKey, type Translate } from '../i18n/messages.js';
import { errorSummary, type FieldErrors, field, select } from './forms.js';
import { formatInstant, label, pager, query, stageLabel } from './format.js';
import { layout } from './layout.js';
import { anyOf, dataTable, filterForm } from './table.js';

export type HistoryTab = 'audit' | 'deliveries' | 'inbox';

/** The three history pages link to each other; the inbox only for an administrator. */
export function historyTabs(c: SignedInRequest, current: HistoryTab): SafeHtml {
  const t = c.t;
  const tabs: [HistoryTab, string, string][] = [
    ['audit', '/console/history', t('history.title')],
    ['deliveries', '/console/deliveries', t('history.deliveries')],
  ];
  if (c.session.role === 'admin') tabs.push(['inbox', '/console/inbox', t('history.inbox')]);
  return html`<nav class="tabs" aria-label="${t('history.tabs')}">
    ${tabs
      .filter(([tab]) => tab !== 'audit' || roleAllows(c.session.role, 'manager'))
      .map(
        ([tab, href, text]) =>
          html`<a href="${href}" ${tab === current ? html` aria-current="page"` : ''}>${text}</a>`,
      )}
  </nav>`;
}

/** Every action the catalogue has words for, for the "what" filter. */
export const KNOWN_ACTIONS = [
  'mini_program.created',
  'mini_program.updated',
  'mini_program.deleted',
  'mini_program.imported',
  'vendor.created',
  'vendor.updated',
  'vendor.status_changed',
  'vendor.deleted',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'qualification.created',
  'qualification.updated',
  'qualification.deleted',
  'asset.created',
  'asset.updated',
  'asset.deleted',
  'asset.imported',
  'deadline.created',
  'deadline.completed',
  'deadline.acknowledged',
  'deadline.snoozed',
  'deadline.reopened',
  'deadline.corrected',
  'deadline.cancelled',
  'deadline.deleted',
  'deadline.ladder_changed',
  'organization.ladder_changed',
  'organization.reminder_settings_changed',
  'organization.catalogue_overrides_changed',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  'password.reset',
  'credential.stored',
  'credential.replaced',
  'credential.deleted',
  'calendar_feed.created',
  'calendar_feed.rotated',
  'calendar_feed.revoked',
] as const;

export const ENTITY_TYPES = [
  'mini_program',
  'vendor',
  'contact',
  'deadline',
  'qualification',
  'asset',
  'organization',
  'invitation',
  'user',
  'calendar_feed',
  'api_key',
] as const;

/** Where a record lives in the console, when it has a page of its own. */
const RECORD_PAGES: Record<string, string> = {
  mini_program: '/console/mini-programs/',
  deadline: '/console/deadlines/',
  vendor: '/console/vendors/',
};

export function entityName(t: Translate, type: string): string {
  return label(t, 'auditEntity', type);
}

/** What was done, in words: the catalogue's sentence, or the kind of record and the code when it has none. */
export function actionText(t: Translate, action: string, entityType: string): string {
  const key = `audit.action.${action}`;
  return isMessageKey(key)
    ? t(key)
    : t('audit.action.other', { entity: entityName(t, entityType), code: action });
}

/** Who did it: a person by name (and e-mail), an API key by its label, the CLI, the system or a mail link. */
export function actorText(t: Translate, type: string, actorLabel: string): string {
  const key = `auditActor.${type}`;
  return isMessageKey(key) ? t(key, { label: actorLabel }) : actorLabel;
}

function fieldName(t: Translate, path: string[]): string {
  return path
    .map((part, i) => {
      if (/^\d+$/.test(part)) return `#${part}`;
      for (const key of [`auditField.${part}`, `mp.field.${part}`]) if (isMessageKey(key)) return t(key);
      return i === 0 ? part : part;
    })
    .join(' › ');
}

/** Fields whose values are codes with names in the catalogue, by kind of record ('*': any). */
const VALUE_NAMES: Record<string, Record<string, string>> = {
  '*': { state: 'state', urgency: 'urgency', vendorStatus: 'vendorStatus' },
  deadline: { kind: 'kind' },
  vendor: { status: 'vendorStatus' },
  contact: { role: 'contactRole' },
  invitation: { role: 'role' },
  user: { role: 'role' },
};

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function leafText(t: Translate, tz: string, entityType: string, path: string[], value: Leaf): Html {
  if (value === null || value === '') return html`<span class="muted">${t('history.empty')}</span>`;
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  if (typeof value === 'string' && INSTANT.test(value)) return formatInstant(value, tz);
  const last = path.at(-1) ?? '';
  const prefix = VALUE_NAMES[entityType]?.[last] ?? VALUE_NAMES['*'][last];
  return prefix && typeof value === 'string' ? label(t, prefix, value) : String(value);
}

const MAX_ROWS = 30;

function changesTable(t: Translate, tz: string, entityType: string, changes: FieldChange[]): SafeHtml {
  if (!changes.length) return html`<p class="muted">${t('history.noChanges')}</p>`;
  const shown = changes.slice(0, MAX_ROWS);
  return html`${dataTable(
    [t('history.field'), t('history.before'), t('history.after')],
    shown,
    (ch) =>
      html`<tr>
        <th scope="row">${fieldName(t, ch.path)}</th>
        <td class="was">${leafText(t, tz, entityType, ch.path, ch.before)}</td>
        <td class="now">${leafText(t, tz, entityType, ch.path, ch.after)}</td>
      </tr>`,
    '',
  )}${changes.length > MAX_ROWS ? html`<p class="muted">${t('history.more', { n: changes.length - MAX_ROWS })}</p>` : ''}`;
}

export interface AuditLogModel {
  filters: Record<string, string | undefined>;
  errors?: FieldErrors;
  rows: AuditRow[];
  page: { total: number; limit: number; offset: number };
}

export function auditLogPage(c: SignedInRequest, m: AuditLogModel): string {
  const t = c.t;
  const f = m.filters;
  const tz = c.session.organization.timeZone;
  const actions = [...KNOWN_ACTIONS].sort((a, b) =>
    actionText(t, a, '').localeCompare(actionText(t, b, ''), c.locale),
  );
  return layout(
    { c, title: t('history.title'), section: 'history' },
    html`<h1>${t('history.title')}</h1>
      ${historyTabs(c, 'audit')} ${errorSummary(m.errors, t('common.errorsAbove'))}
      ${filterForm(
        t,
        '/console/history',
        html`${field({ name: 'who', label: t('history.who'), type: 'search', value: f.who, hint: t('history.whoHint'), errors: m.errors })}
        ${select({ name: 'action', label: t('history.what'), value: f.action, errors: m.errors, options: anyOf(t, actions, (a) => actionText(t, a, '')) })}
        ${select({ name: 'entityType', label: t('history.entityType'), value: f.entityType, errors: m.errors, options: anyOf(t, ENTITY_TYPES, (e) => entityName(t, e)) })}
        ${field({ name: 'entityId', label: t('history.record'), value: f.entityId, hint: t('history.recordHint'), errors: m.errors })}
        ${field({ name: 'from', label: t('history.from'), type: 'date', value: f.from, errors: m.errors })}
        ${field({ name: 'to', label: t('history.to'), type: 'date', value: f.to, errors: m.errors })}`,
        { search: true },
      )}
      <p class="muted">${t('history.zone', { zone: tz })}</p>
      ${
        m.rows.length
          ? html`<ol class="events">
              ${m.rows.map((e) => {
                const page = e.entity_id ? RECORD_PAGES[e.entity_type] : undefined;
                return html`<li>
                  <article aria-labelledby="ev-${e.id}">
                    <h2 id="ev-${e.id}" class="event-title">
                      ${actorText(t, e.actor_type, e.actor_label)} · ${actionText(t, e.action, e.entity_type)}
                    </h2>
                    <p class="muted">
                      <time datetime="${new Date(e.occurred_at).toISOString()}"
                        >${formatInstant(e.occurred_at, tz)}</time
                      >
                      · ${entityName(t, e.entity_type)}
                      ${page ? html` · <a href="${page}${e.entity_id}">${t('history.openRecord')}</a>` : ''}
                      ${e.entity_id ? html` · <a href="/console/history${query({ entityId: e.entity_id })}">${t('history.recordHistory')}</a>` : ''}
                    </p>
                    ${changesTable(t, tz, e.entity_type, recordDiff(e.before, e.after))}
                  </article>
                </li>`;
              })}
            </ol>`
          : html`<p>${t('history.none')}</p>`
      }
      ${pager(t, m.page, (offset) => `/console/history${query({ ...f, offset })}`, m.rows.length)}`,
  );
}

export interface DeliveriesModel {
  filters: Record<string, string | undefined>;
  errors?: FieldErrors;
  rows: (DeliveryRow & { deadlineName: string | null })[];
  page: { total: number; limit: number; offset: number };
}

function deliveryStatus(t: Translate, d: DeliveryRow, tz: string): SafeHtml {
  const retrying = d.status === 'pending' && d.attempts > 0;
  const code = retrying ? 'retrying' : d.status;
  const tone = d.status === 'failed' ? 'danger' : retrying ? 'warn' : d.status === 'sent' ? 'ok' : '';
  return html`<span class="tag ${tone}">${label(t, 'deliveries.status', code)}</span>
    ${retrying || d.status === 'pending' ? html`<br /><span class="muted">${t('deliveries.nextAttempt', { at: formatInstant(d.next_attempt_at, tz), n: d.attempts })}</span>` : ''}`;
}

export function deliveriesPage(c: SignedInRequest, m: DeliveriesModel): string {
  const t = c.t;
  const f = m.filters;
  const tz = c.session.organization.timeZone;
  return layout(
    { c, title: t('deliveries.title'), section: 'history' },
    html`<h1>${t('deliveries.title')}</h1>
      ${historyTabs(c, 'deliveries')} ${errorSummary(m.errors, t('common.errorsAbove'))}
      ${filterForm(
        t,
        '/console/deliveries',
        html`${select({ name: 'status', label: t('deliveries.status'), value: f.status, errors: m.errors, options: anyOf(t, DELIVERY_FILTER_STATUSES, (s) => label(t, 'deliveries.status', s)) })}
        ${field({ name: 'from', label: t('history.from'), type: 'date', value: f.from, hint: t('deliveries.dateHint'), errors: m.errors })}
        ${field({ name: 'to', label: t('history.to'), type: 'date', value: f.to, errors: m.errors })}`,
      )}
      <p class="muted">${t('history.zone', { zone: tz })}</p>
      ${dataTable(
        [
          t('deliveries.status'),
          t('deadlines.recipient'),
          t('deadlines.stage'),
          t('deliveries.deadline'),
          t('deliveries.answer'),
          t('deliveries.activity'),
        ],
        m.rows,
        (d) =>
          html`<tr>
            <td>${deliveryStatus(t, d, tz)}</td>
            <td>
              ${d.name} &lt;${d.email}&gt;<br /><span class="muted">${label(t, 'contactRole', d.role)}</span>
            </td>
            <td>
              ${stageLabel(t, d.kind, d.stage)}<br /><span class="muted"
                >${t('inbox.plannedDay')}: ${d.trigger_on}</span
              >
            </td>
            <td>
              ${d.deadline_id ? html`<a href="/console/deadlines/${d.deadline_id}">${d.deadlineName ?? ''}</a>${d.mini_program_name ? html`<br /><span class="muted">${d.mini_program_name}</span>` : ''}${d.due_on ? html`<br /><span class="muted">${t('deadlines.dueOn')}: ${d.due_on}</span>` : ''}` : ''}
            </td>
            <td class="answer">${d.status === 'sent' ? (d.smtp_response ?? '') : (d.last_error ?? '')}</td>
            <td>${formatInstant(d.sent_at ?? d.updated_at, tz)}</td>
          </tr>`,
        t('deliveries.none'),
      )}
      ${pager(t, m.page, (offset) => `/console/deliveries${query({ ...f, offset })}`, m.rows.length)}`,
  );
}
