import type { CertificateView } from '../../../certificates/src/certificates.controller.js';
import type { AssetView } from '../../../continuity/src/asset.service.js';
import type { AlertRecipient } from '../../../continuity/src/continuity-alert.service.js';
import {
  ASSET_HOLDERS,
  ASSET_KIND_NAMES,
  ASSET_KINDS,
  type RiskFactor,
} from '../../../domain/src/continuity/index.js';
import type { Role } from '../../../domain/src/reminders/ladder.js';
import { roleAllows } from '../../../people/src/roles.js';
import { CONTACT_ROLES, LOCALES, REMINDER_MODES } from '../../../registry/src/contact.entity.js';
import type { VendorResponse } from '../../../registry/src/responses.js';
import { VENDOR_STATUSES } from '../../../registry/src/vendor.entity.js';
import type { SignedInRequest } from '../console-context.js';
import { type Html, html, type SafeHtml } from '../html.js';
import { stageName, type Translate } from '../i18n/messages.js';
import { type ImportProblemRow, importProblems, importUploadForm } from './csv-import.js';
import { errorSummary, type FieldErrors, field, select } from './forms.js';
import { formatInstant, label, pager, query } from './format.js';
import { csrfField, layout } from './layout.js';

const canWrite = (c: SignedInRequest) => roleAllows(c.session.role, 'operator');

function vendorStatusTag(t: Translate, status: string): SafeHtml {
  return html`<span class="tag ${status === 'active' ? 'ok' : 'danger'}"
    >${label(t, 'vendorStatus', status)}</span
  >`;
}

/** An asset kind's name from the domain's one label table, as a table cell reads it. */
export function assetKindName(c: SignedInRequest, kind: string): string {
  const names = ASSET_KIND_NAMES[kind as keyof typeof ASSET_KIND_NAMES];
  if (!names) return kind;
  const name = names[c.locale];
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** When a stage goes out, in words: before the last day to act, on the due date, or after it. */
export function stageWhen(t: Translate, offsetDays: number, repeatEveryDays?: number): string {
  const when =
    offsetDays < 0
      ? t('ladder.before', { n: -offsetDays })
      : offsetDays === 0
        ? t('ladder.onDue')
        : t('ladder.after', { n: offsetDays });
  return repeatEveryDays ? `${when}${t('ladder.repeat', { n: repeatEveryDays })}` : when;
}

function rolesText(t: Translate, roles: readonly string[]): string {
  return roles.map((r) => label(t, 'contactRole', r)).join(t('list.sep'));
}

// ---------------------------------------------------------------- vendors

export interface VendorListModel {
  items: VendorResponse[];
  miniPrograms: Map<string, { id: string; name: string }[]>;
  page: { total: number; limit: number; offset: number };
  filters: { status?: string };
  flash?: string | null;
}

export function vendorListPage(c: SignedInRequest, m: VendorListModel): string {
  const t = c.t;
  const any: [string, string] = ['', t('common.any')];
  return layout(
    { c, title: t('vendors.title'), section: 'vendors', flash: m.flash },
    html`<h1>${t('vendors.title')}</h1>
      <p class="muted">${t('vendors.intro')}</p>
      <form method="get" action="/console/vendors" class="filters">
        ${select({ name: 'status', label: t('vendors.status'), value: m.filters.status, options: [any, ...VENDOR_STATUSES.map((s): [string, string] => [s, label(t, 'vendorStatus', s)])] })}
        <div>
          <button type="submit">${t('common.apply')}</button>
          <a href="/console/vendors">${t('common.clear')}</a>
        </div>
      </form>
      ${
        m.items.length
          ? html`<div class="table-wrap">
              <table class="stack-sm">
                <thead>
                  <tr>
                    <th scope="col">${t('vendors.name')}</th>
                    <th scope="col">${t('vendors.status')}</th>
                    <th scope="col">${t('vendors.statusSince')}</th>
                    <th scope="col">${t('vendors.serves')}</th>
                    <th scope="col">${t('vendors.contractEndsOn')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${m.items.map((v) => {
                    const served = m.miniPrograms.get(v.id) ?? [];
                    return html`<tr>
                      <td data-label="${t('vendors.name')}">
                        <a href="/console/vendors/${v.id}">${v.name}</a>
                      </td>
                      <td data-label="${t('vendors.status')}">${vendorStatusTag(t, v.status)}</td>
                      <td data-label="${t('vendors.statusSince')}">
                        ${formatInstant(v.statusSince, c.ctx.timeZone)}
                      </td>
                      <td data-label="${t('vendors.serves')}">
                        ${
                          served.length
                            ? html`<ul class="plain">
                                ${served.map(
                                  (p) =>
                                    html`<li>
                                      <a href="/console/mini-programs/${p.id}/continuity">${p.name}</a>
                                    </li>`,
                                )}
                                ${v.miniProgramCount > served.length ? html`<li class="muted">${t('vendors.more', { n: v.miniProgramCount - served.length })}</li>` : ''}
                              </ul>`
                            : html`<span class="muted">${t('common.none')}</span>`
                        }
                      </td>
                      <td data-label="${t('vendors.contractEndsOn')}">${v.contractEndsOn ?? ''}</td>
                    </tr>`;
                  })}
                </tbody>
              </table>
            </div>`
          : html`<p>${t('vendors.none')}</p>`
      }
      ${pager(t, m.page, (offset) => `/console/vendors${query({ ...m.filters, offset })}`, m.items.length)}`,
  );
}

export const STATUS_FIELDS = ['status', 'statusReason', 'statusEvidence'] as const;

export interface VendorDetailModel {
  vendor: VendorResponse;
  miniPrograms: { id: string; name: string; appId: string }[];
  values: Record<string, string | undefined>;
  errors?: FieldErrors;
  flash?: string | null;
}

export function vendorDetailPage(c: SignedInRequest, m: VendorDetailModel): string {
  const t = c.t;
  const v = m.vendor;
  return layout(
    { c, title: v.name, section: 'vendors', flash: m.flash },
    html`<h1>${v.name}</h1>
      <p><a href="/console/vendors">${t('vendors.back')}</a></p>
      ${errorSummary(m.errors, t('common.errorsAbove'))}
      <dl class="facts">
        <dt>${t('vendors.status')}</dt>
        <dd>${vendorStatusTag(t, v.status)}</dd>
        <dt>${t('vendors.statusSince')}</dt>
        <dd>${formatInstant(v.statusSince, c.ctx.timeZone)}</dd>
        <dt>${t('vendors.statusReason')}</dt>
        <dd>${v.statusReason ?? t('common.none')}</dd>
        <dt>${t('vendors.statusEvidence')}</dt>
        <dd>${v.statusEvidence ?? t('common.none')}</dd>
        <dt>${t('vendors.creditCode')}</dt>
        <dd>${v.creditCode ?? t('common.none')}</dd>
        <dt>${t('vendors.contractEndsOn')}</dt>
        <dd>${v.contractEndsOn ?? t('common.none')}</dd>
      </dl>
      <h2>${t('vendors.serves')}</h2>
      ${
        m.miniPrograms.length
          ? html`<ul>
              ${m.miniPrograms.map(
                (p) =>
                  html`<li>
                    <a href="/console/mini-programs/${p.id}/continuity">${p.name}</a>
                    <span class="muted">${p.appId}</span>
                  </li>`,
              )}
            </ul>`
          : html`<p>${t('common.none')}</p>`
      }
      <h2>${t('vendors.people')}</h2>
      ${
        v.contacts.length
          ? html`<ul>
              ${v.contacts.map(
                (p) => html`<li>${p.name} · ${p.email} · ${label(t, 'contactRole', p.role)}</li>`,
              )}
            </ul>`
          : html`<p>${t('vendors.noPeople')}</p>`
      }
      <p><a href="/console/contacts">${t('contacts.title')}</a></p>
      ${
        canWrite(c)
          ? html`<h2>${t('vendors.changeStatus')}</h2>
              <p class="muted">${t('vendors.changeStatus.intro')}</p>
              <form method="post" action="/console/vendors/${v.id}/status" class="stack" novalidate>
                ${csrfField(c)}
                ${select({ name: 'status', label: t('vendors.newStatus'), value: m.values.status ?? v.status, errors: m.errors, options: VENDOR_STATUSES.map((s): [string, string] => [s, label(t, 'vendorStatus', s)]) })}
                ${field({ name: 'statusReason', label: t('vendors.statusReason'), hint: t('vendors.statusReason.hint'), value: m.values.statusReason, errors: m.errors, multiline: true })}
                ${field({ name: 'statusEvidence', label: `${t('vendors.statusEvidence')} ${t('common.optional')}`, hint: t('vendors.statusEvidence.hint'), value: m.values.statusEvidence, errors: m.errors, multiline: true })}
                <button type="submit">${t('vendors.preview')}</button>
              </form>`
          : ''
      }`,
  );
}

export interface StageRow {
  code: string;
  offsetDays: number;
  repeatEveryDays?: number;
  roles: Role[];
  recipients: { name: string; email: string; vendorName?: string | null }[];
}

export interface StatusPreviewModel {
  vendor: VendorResponse;
  values: { status: string; statusReason?: string; statusEvidence?: string };
  sendsAlert: boolean;
  alertRecipients: AlertRecipient[];
  miniPrograms: { id: string; name: string; appId: string }[];
  earlierByDays: number;
  stages: StageRow[];
  notice?: string | null;
}

function stageTable(t: Translate, stages: StageRow[], caption: string, id: string): SafeHtml {
  return html`<h3 id="${id}">${caption}</h3>
    <div class="table-wrap">
      <table class="stack-sm" aria-labelledby="${id}">
        <thead>
          <tr>
            <th scope="col">${t('ladder.stage')}</th>
            <th scope="col">${t('ladder.when')}</th>
            <th scope="col">${t('ladder.roles')}</th>
            <th scope="col">${t('ladder.recipients')}</th>
          </tr>
        </thead>
        <tbody>
          ${stages.map(
            (s) =>
              html`<tr>
                <td data-label="${t('ladder.stage')}">${stageName(s.code, t)}</td>
                <td data-label="${t('ladder.when')}">${stageWhen(t, s.offsetDays, s.repeatEveryDays)}</td>
                <td data-label="${t('ladder.roles')}">${rolesText(t, s.roles)}</td>
                <td data-label="${t('ladder.recipients')}">
                  ${
                    s.recipients.length
                      ? s.recipients
                          .map((r) => (r.vendorName ? `${r.name}（${r.vendorName}）` : r.name))
                          .join(t('list.sep'))
                      : html`<span class="tag danger">${t('ladder.nobody')}</span>`
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

/** What saving a vendor's new status will set off, shown before anything is written. */
export function statusPreviewPage(c: SignedInRequest, m: StatusPreviewModel): string {
  const t = c.t;
  const v = m.vendor;
  const to = m.values.status;
  const unavailable = to !== 'active';
  return layout(
    { c, title: t('preview.title', { name: v.name }), section: 'vendors' },
    html`<h1>${t('preview.title', { name: v.name })}</h1>
      ${m.notice ? html`<p class="alert" role="alert">${m.notice}</p>` : ''}
      <dl class="facts">
        <dt>${t('preview.from')}</dt>
        <dd>${vendorStatusTag(t, v.status)}</dd>
        <dt>${t('preview.to')}</dt>
        <dd>${vendorStatusTag(t, to)}</dd>
        <dt>${t('vendors.statusReason')}</dt>
        <dd>${m.values.statusReason ?? t('common.none')}</dd>
        <dt>${t('vendors.statusEvidence')}</dt>
        <dd>${m.values.statusEvidence ?? t('common.none')}</dd>
      </dl>
      <h2>${t('preview.whatFollows')}</h2>
      ${
        m.sendsAlert
          ? html`<section aria-labelledby="alert-heading">
              <h3 id="alert-heading">${t('preview.alert')}</h3>
              ${
                m.alertRecipients.length
                  ? html`<p>${t('preview.alert.intro')}</p>
                      <ul data-testid="alert-recipients">
                        ${m.alertRecipients.map(
                          (r) =>
                            html`<li>
                              ${r.name} · ${r.email} · ${label(t, 'contactRole', r.role)} ·
                              ${label(t, 'locale', r.locale)}
                            </li>`,
                        )}
                      </ul>`
                  : html`<p class="alert" role="alert">${t('preview.alert.nobody')}</p>`
              }
            </section>`
          : html`<p>${t('preview.noAlert')}</p>`
      }
      <h3>${t('preview.reminders')}</h3>
      ${
        unavailable
          ? html`<ul>
              <li>${t('preview.ownPeople')}</li>
              <li>${t('preview.earlier', { n: m.earlierByDays })}</li>
              <li>${t('preview.checklist')}</li>
            </ul>`
          : html`<p>${t('preview.backToVendor')}</p>`
      }
      <p>${t('preview.affected', { n: m.miniPrograms.length })}</p>
      ${
        m.miniPrograms.length
          ? html`<ul>
              ${m.miniPrograms.map((p) => html`<li>${p.name} <span class="muted">${p.appId}</span></li>`)}
            </ul>`
          : ''
      }
      ${stageTable(t, m.stages, t('preview.stagesCaption'), 'stages-after')}
      <form method="post" action="/console/vendors/${v.id}/status/confirm" class="stack">
        ${csrfField(c)}
        <input type="hidden" name="from" value="${v.status}" />
        <input type="hidden" name="status" value="${to}" />
        ${m.values.statusReason !== undefined ? html`<input type="hidden" name="statusReason" value="${m.values.statusReason}" />` : ''}
        ${m.values.statusEvidence !== undefined ? html`<input type="hidden" name="statusEvidence" value="${m.values.statusEvidence}" />` : ''}
        <button type="submit">${t('preview.confirm')}</button>
        <a href="/console/vendors/${v.id}">${t('common.cancel')}</a>
      </form>`,
  );
}

// ---------------------------------------------------------------- contacts

export interface ContactRow {
  id: string;
  name: string;
  email: string;
  role: string;
  locale: string;
  phone: string | null;
  reminderMode: string;
  digestHour: number | null;
}

/** How a contact gets reminder mails: one per stage, or the daily digest at their hour. */
function reminderText(t: Translate, p: ContactRow): string {
  if (p.reminderMode !== 'digest') return label(t, 'reminderMode', p.reminderMode);
  const hour =
    p.digestHour === null ? t('contacts.digestHour.default') : `${String(p.digestHour).padStart(2, '0')}:00`;
  return t('contacts.digestAt', { hour });
}

const HOURS = Array.from({ length: 24 }, (_, h): [string, string] => [
  String(h),
  `${String(h).padStart(2, '0')}:00`,
]);

export interface ContactsModel {
  own: ContactRow[];
  vendors: { vendor: { id: string; name: string; status: string }; contacts: ContactRow[] }[];
  answering: StageRow[];
  unavailable: StageRow[];
  earlierByDays: number;
  truncated: boolean;
  flash?: string | null;
}

function contactTable(c: SignedInRequest, contacts: ContactRow[], caption: string): Html {
  const t = c.t;
  if (!contacts.length) return html`<p>${caption}: ${t('common.none')}</p>`;
  return html`<div class="table-wrap">
    <table class="stack-sm" aria-label="${caption}">
      <thead>
        <tr>
          <th scope="col">${t('contacts.name')}</th>
          <th scope="col">${t('contacts.email')}</th>
          <th scope="col">${t('contacts.role')}</th>
          <th scope="col">${t('contacts.locale')}</th>
          <th scope="col">${t('contacts.phone')}</th>
          <th scope="col">${t('contacts.reminders')}</th>
          ${canWrite(c) ? html`<th scope="col">${t('common.actions')}</th>` : ''}
        </tr>
      </thead>
      <tbody>
        ${contacts.map(
          (p) =>
            html`<tr>
              <td data-label="${t('contacts.name')}">${p.name}</td>
              <td data-label="${t('contacts.email')}">${p.email}</td>
              <td data-label="${t('contacts.role')}">${label(t, 'contactRole', p.role)}</td>
              <td data-label="${t('contacts.locale')}">${label(t, 'locale', p.locale)}</td>
              <td data-label="${t('contacts.phone')}">${p.phone ?? ''}</td>
              <td data-label="${t('contacts.reminders')}">${reminderText(t, p)}</td>
              ${
                canWrite(c)
                  ? html`<td class="row-actions">
                      <a href="/console/contacts/${p.id}/edit">${t('contacts.edit')}</a>
                      <form method="post" action="/console/contacts/${p.id}/delete">
                        ${csrfField(c)}
                        <button type="submit" class="link">${t('contacts.remove')}</button>
                      </form>
                    </td>`
                  : ''
              }
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function contactsPage(c: SignedInRequest, m: ContactsModel): string {
  const t = c.t;
  return layout(
    { c, title: t('contacts.title'), section: 'contacts', flash: m.flash },
    html`<h1>${t('contacts.title')}</h1>
      <p class="muted">${t('contacts.intro')}</p>
      ${canWrite(c) ? html`<p class="actions"><a class="button" href="/console/contacts/new">${t('contacts.add')}</a></p>` : ''}
      ${m.truncated ? html`<p class="alert">${t('contacts.truncated')}</p>` : ''}
      <h2>${t('contacts.own')}</h2>
      ${contactTable(c, m.own, t('contacts.own'))}
      <h2>${t('contacts.vendorPeople')}</h2>
      ${
        m.vendors.length
          ? m.vendors.map(
              (g) =>
                html`<h3>
                    <a href="/console/vendors/${g.vendor.id}">${g.vendor.name}</a>
                    ${vendorStatusTag(t, g.vendor.status)}
                  </h3>
                  ${contactTable(c, g.contacts, g.vendor.name)}`,
            )
          : html`<p>${t('common.none')}</p>`
      }
      <h2 id="ladder">${t('contacts.ladder')}</h2>
      <p class="muted">${t('contacts.ladder.intro')}</p>
      ${stageTable(t, m.answering, t('contacts.ladder.answering'), 'ladder-answering')}
      ${stageTable(t, m.unavailable, t('contacts.ladder.unavailable', { n: m.earlierByDays }), 'ladder-unavailable')}`,
  );
}

export const CONTACT_FIELDS = [
  'name',
  'email',
  'role',
  'locale',
  'phone',
  'vendorId',
  'reminderMode',
  'digestHour',
] as const;

export interface ContactFormModel {
  id?: string;
  title: string;
  values: Record<string, string | undefined>;
  errors?: FieldErrors;
  vendors: { id: string; name: string }[];
}

export function contactFormPage(c: SignedInRequest, m: ContactFormModel): string {
  const t = c.t;
  const v = m.values;
  const e = m.errors;
  return layout(
    { c, title: m.title, section: 'contacts' },
    html`<h1>${m.title}</h1>
      ${errorSummary(e, t('common.errorsAbove'))}
      <form
        method="post"
        action="${m.id ? `/console/contacts/${m.id}` : '/console/contacts'}"
        class="stack"
        novalidate
      >
        ${csrfField(c)}
        ${field({ name: 'name', label: t('contacts.name'), value: v.name, errors: e, required: true })}
        ${field({ name: 'email', label: t('contacts.email'), type: 'email', value: v.email, errors: e, required: true })}
        ${select({ name: 'role', label: t('contacts.role'), hint: t('contacts.role.hint'), value: v.role ?? 'operator', errors: e, options: CONTACT_ROLES.map((r): [string, string] => [r, label(t, 'contactRole', r)]) })}
        ${select({ name: 'locale', label: t('contacts.locale'), value: v.locale ?? c.ctx.locale, errors: e, options: LOCALES.map((l): [string, string] => [l, label(t, 'locale', l)]) })}
        ${field({ name: 'phone', label: `${t('contacts.phone')} ${t('common.optional')}`, value: v.phone, errors: e })}
        ${select({ name: 'vendorId', label: t('contacts.worksFor'), value: v.vendorId ?? '', errors: e, options: [['', t('contacts.worksForOwner')], ...m.vendors.map((x): [string, string] => [x.id, x.name])] })}
        ${select({ name: 'reminderMode', label: t('contacts.reminderMode'), hint: t('contacts.reminderMode.hint'), value: v.reminderMode ?? 'immediate', errors: e, options: REMINDER_MODES.map((r): [string, string] => [r, label(t, 'reminderMode', r)]) })}
        ${select({ name: 'digestHour', label: t('contacts.digestHour'), hint: t('contacts.digestHour.hint'), value: v.digestHour ?? '', errors: e, options: [['', t('contacts.digestHour.default')], ...HOURS] })}
        <button type="submit">${t('common.save')}</button>
        <a href="/console/contacts">${t('common.cancel')}</a>
      </form>`,
  );
}

// ---------------------------------------------------------------- one mini-program's continuity

export interface ContinuityModel {
  mp: {
    id: string;
    name: string;
    appId: string;
    vendor: { id: string; name: string; status: string } | null;
  };
  risk: { score: number; factors: RiskFactor[] };
  assets: AssetView[];
  certificates: CertificateView[];
  flash?: string | null;
}

function findingTag(t: Translate, finding: string | null, checked: boolean): SafeHtml {
  if (!checked) return html`<span class="tag warn">${t('cert.unchecked')}</span>`;
  if (!finding) return html`<span class="tag ok">${t('cert.ok')}</span>`;
  return html`<span class="tag danger">${label(t, 'certFinding', finding)}</span>`;
}

export function continuityPage(c: SignedInRequest, m: ContinuityModel): string {
  const t = c.t;
  const p = m.mp;
  const tz = c.ctx.timeZone;
  const write = canWrite(c);
  return layout(
    { c, title: t('continuity.title', { name: p.name }), section: 'risk', flash: m.flash },
    html`<h1>${t('continuity.title', { name: p.name })}</h1>
      <p>
        <a href="/console/mini-programs/${p.id}">${p.name}</a> · ${p.appId} ·
        ${
          p.vendor
            ? html`<a href="/console/vendors/${p.vendor.id}">${p.vendor.name}</a>
                ${vendorStatusTag(t, p.vendor.status)}`
            : t('mp.noVendor')
        }
      </p>
      <h2>${t('risk.score')}</h2>
      <p class="score" data-testid="risk-score"><strong>${m.risk.score}</strong> / 100</p>
      ${
        m.risk.factors.length
          ? html`<div class="table-wrap">
              <table class="stack-sm">
                <caption>
                  ${t('risk.factors')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">${t('risk.factor')}</th>
                    <th scope="col">${t('risk.points')}</th>
                    <th scope="col">${t('risk.why')}</th>
                    <th scope="col">${t('risk.action')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${m.risk.factors.map(
                    (f) =>
                      html`<tr>
                        <td data-label="${t('risk.factor')}">${label(t, 'riskFactor', f.code)}</td>
                        <td data-label="${t('risk.points')}">${f.points}</td>
                        <td data-label="${t('risk.why')}">${f.why[c.locale]}</td>
                        <td data-label="${t('risk.action')}">${f.action[c.locale]}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${t('risk.noFactors')}</p>`
      }
      <h2>${t('custody.title')}</h2>
      <p class="muted">${t('custody.intro')}</p>
      ${
        write
          ? html`<p class="actions">
              <a class="button" href="/console/mini-programs/${p.id}/assets/new">${t('custody.add')}</a>
              <a class="button secondary" href="/console/custody/import">${t('custody.import')}</a>
            </p>`
          : ''
      }
      ${
        m.assets.length
          ? html`<div class="table-wrap">
              <table class="stack-sm">
                <thead>
                  <tr>
                    <th scope="col">${t('custody.kind')}</th>
                    <th scope="col">${t('custody.holder')}</th>
                    <th scope="col">${t('custody.location')}</th>
                    <th scope="col">${t('custody.notes')}</th>
                    <th scope="col">${t('custody.lastVerifiedOn')}</th>
                    ${write ? html`<th scope="col">${t('common.actions')}</th>` : ''}
                  </tr>
                </thead>
                <tbody>
                  ${m.assets.map(
                    (a) =>
                      html`<tr>
                        <td data-label="${t('custody.kind')}">${assetKindName(c, a.kind)}</td>
                        <td data-label="${t('custody.holder')}">${label(t, 'holder', a.holder)}</td>
                        <td class="wrap" data-label="${t('custody.location')}">${a.location ?? ''}</td>
                        <td class="wrap" data-label="${t('custody.notes')}">${a.notes ?? ''}</td>
                        <td data-label="${t('custody.lastVerifiedOn')}">
                          ${a.lastVerifiedOn ?? html`<span class="tag warn">${t('custody.unverified')}</span>`}
                        </td>
                        ${
                          write
                            ? html`<td class="row-actions">
                                <a href="/console/mini-programs/${p.id}/assets/${a.id}/edit"
                                  >${t('custody.edit')}</a
                                >
                                <form
                                  method="post"
                                  action="/console/mini-programs/${p.id}/assets/${a.id}/delete"
                                >
                                  ${csrfField(c)}
                                  <button type="submit" class="link">${t('custody.remove')}</button>
                                </form>
                              </td>`
                            : ''
                        }
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${t('custody.none')}</p>`
      }
      <h2>${t('handover.title')}</h2>
      <p class="muted">${t('handover.intro')}</p>
      <p class="actions">
        <a class="button secondary" href="/console/mini-programs/${p.id}/handover.md" download
          >${t('handover.md')}</a
        >
        <a class="button secondary" href="/console/mini-programs/${p.id}/handover.pdf" download
          >${t('handover.pdf')}</a
        >
      </p>
      <h2>${t('cert.title')}</h2>
      ${
        m.certificates.length
          ? html`<div class="table-wrap">
              <table class="stack-sm">
                <thead>
                  <tr>
                    <th scope="col">${t('cert.domain')}</th>
                    <th scope="col">${t('cert.finding')}</th>
                    <th scope="col">${t('cert.notAfter')}</th>
                    <th scope="col">${t('cert.checkedAt')}</th>
                    <th scope="col">${t('cert.issuer')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${m.certificates.map(
                    (d) =>
                      html`<tr>
                        <td data-label="${t('cert.domain')}">${d.domain}</td>
                        <td data-label="${t('cert.finding')}">
                          ${findingTag(t, d.finding, d.checkedAt !== null)}
                          ${
                            d.findings.length > 1
                              ? html` <span class="muted"
                                  >${d.findings
                                    .slice(1)
                                    .map((f) => label(t, 'certFinding', f))
                                    .join(t('list.sep'))}</span
                                >`
                              : ''
                          }
                          ${d.error ? html`<span class="hint">${d.error}</span>` : ''}
                        </td>
                        <td data-label="${t('cert.notAfter')}">${formatInstant(d.notAfter, tz)}</td>
                        <td data-label="${t('cert.checkedAt')}">${formatInstant(d.checkedAt, tz)}</td>
                        <td class="wrap" data-label="${t('cert.issuer')}">${d.issuer ?? ''}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${t('cert.none')}</p>`
      }`,
  );
}

export const ASSET_FIELDS = ['kind', 'holder', 'location', 'notes', 'lastVerifiedOn'] as const;

export interface AssetFormModel {
  mp: { id: string; name: string };
  assetId?: string;
  title: string;
  values: Record<string, string | undefined>;
  errors?: FieldErrors;
}

export function assetFormPage(c: SignedInRequest, m: AssetFormModel): string {
  const t = c.t;
  const v = m.values;
  const e = m.errors;
  const back = `/console/mini-programs/${m.mp.id}/continuity`;
  return layout(
    { c, title: m.title, section: 'risk' },
    html`<h1>${m.title}</h1>
      <p><a href="${back}">${t('continuity.title', { name: m.mp.name })}</a></p>
      ${errorSummary(e, t('common.errorsAbove'))}
      <p class="muted">${t('custody.neverSecrets')}</p>
      <form
        method="post"
        action="/console/mini-programs/${m.mp.id}/assets${m.assetId ? `/${m.assetId}` : ''}"
        class="stack"
        novalidate
      >
        ${csrfField(c)}
        ${select({ name: 'kind', label: t('custody.kind'), value: v.kind, errors: e, options: ASSET_KINDS.map((k): [string, string] => [k, assetKindName(c, k)]) })}
        ${select({ name: 'holder', label: t('custody.holder'), value: v.holder ?? 'vendor', errors: e, options: ASSET_HOLDERS.map((h): [string, string] => [h, label(t, 'holder', h)]) })}
        ${field({ name: 'location', label: `${t('custody.location')} ${t('common.optional')}`, hint: t('custody.location.hint'), value: v.location, errors: e })}
        ${field({ name: 'notes', label: `${t('custody.notes')} ${t('common.optional')}`, value: v.notes, errors: e, multiline: true })}
        ${field({ name: 'lastVerifiedOn', label: `${t('custody.lastVerifiedOn')} ${t('common.optional')}`, type: 'date', hint: t('common.dateHint'), value: v.lastVerifiedOn, errors: e })}
        <button type="submit">${t('common.save')}</button>
        <a href="${back}">${t('common.cancel')}</a>
      </form>`,
  );
}

export interface CustodyImportModel {
  result?: { imported: number; created: number; updated: number; unchanged: number } | null;
  rows?: ImportProblemRow[];
  error?: string | null;
}

export function custodyImportPage(c: SignedInRequest, m: CustodyImportModel): string {
  const t = c.t;
  return layout(
    {
      c,
      title: t('custodyImport.title'),
      section: 'risk',
      flash: m.result ? t('custodyImport.done', { ...m.result }) : null,
    },
    html`<h1>${t('custodyImport.title')}</h1>
      <p>${t('custodyImport.intro')}</p>
      <p class="muted">${t('custodyImport.columns')}</p>
      ${importProblems(c, m)} ${importUploadForm(c, '/console/custody/import')}
      <p><a href="/console/risk">${t('risk.title')}</a></p>`,
  );
}

// ---------------------------------------------------------------- risk ranking

export interface RiskRankingModel {
  organizationScore: number;
  items: {
    miniProgram: { id: string; name: string; appId: string };
    score: number;
    factors: RiskFactor[];
  }[];
  page: { total: number; limit: number; offset: number };
}

export function riskRankingPage(c: SignedInRequest, m: RiskRankingModel): string {
  const t = c.t;
  return layout(
    { c, title: t('risk.title'), section: 'risk' },
    html`<h1>${t('risk.title')}</h1>
      <p class="muted">${t('risk.intro')}</p>
      <p>
        ${t('risk.organization')}: <strong data-testid="organization-score">${m.organizationScore}</strong> /
        100
      </p>
      ${
        m.items.length
          ? html`<div class="table-wrap">
              <table class="stack-sm">
                <thead>
                  <tr>
                    <th scope="col">${t('risk.rank')}</th>
                    <th scope="col">${t('deadlines.miniProgram')}</th>
                    <th scope="col">${t('risk.score')}</th>
                    <th scope="col">${t('risk.factors')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${m.items.map(
                    (r, i) =>
                      html`<tr>
                        <td data-label="${t('risk.rank')}">${m.page.offset + i + 1}</td>
                        <td data-label="${t('deadlines.miniProgram')}">
                          <a href="/console/mini-programs/${r.miniProgram.id}/continuity"
                            >${r.miniProgram.name}</a
                          >
                          <span class="muted">${r.miniProgram.appId}</span>
                        </td>
                        <td class="score-cell" data-label="${t('risk.score')}">${r.score}</td>
                        <td data-label="${t('risk.factors')}">
                          ${r.factors.map((f) => `${label(t, 'riskFactor', f.code)} +${f.points}`).join(t('list.sep'))}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${t('risk.none')}</p>`
      }
      ${pager(t, m.page, (offset) => `/console/risk${query({ offset })}`, m.items.length)}`,
  );
}
