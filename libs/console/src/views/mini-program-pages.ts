import type { DeadlineResponse } from '../../../deadlines/src/deadline.response.js';
import type { ComplianceItem } from '../../../domain/src/compliance/index.js';
import { roleAllows } from '../../../people/src/roles.js';
import { MINI_PROGRAM_SORTS } from '../../../registry/src/dto/list-mini-programs.query.js';
import type { MiniProgramResponse, QualificationResponse } from '../../../registry/src/responses.js';
import { VENDOR_STATUSES } from '../../../registry/src/vendor.entity.js';
import type { SignedInRequest } from '../console-context.js';
import { html, type SafeHtml } from '../html.js';
import { type ImportProblemRow, importProblems, importUploadForm } from './csv-import.js';
import { errorSummary, type FieldErrors, field, select } from './forms.js';
import { daysLeftText, label, pager, query, urgencyTag } from './format.js';
import { csrfField, layout } from './layout.js';
import { anyOf, dataTable, filterForm } from './table.js';
import { type WechatStatus, wechatSection } from './wechat-section.js';

export interface MiniProgramListModel {
  filters: Record<string, string | undefined>;
  items: MiniProgramResponse[];
  page: { total: number; limit: number; offset: number; totalIsExact?: boolean };
  vendors: { id: string; name: string }[];
}

export function miniProgramListPage(c: SignedInRequest, m: MiniProgramListModel): string {
  const t = c.t;
  const f = m.filters;
  const any: [string, string] = ['', t('common.any')];
  const canWrite = roleAllows(c.session.role, 'operator');
  return layout(
    { c, title: t('mp.title'), section: 'miniPrograms' },
    html`<h1>${t('mp.title')}</h1>
      ${canWrite ? html`<p class="actions"><a class="button" href="/console/mini-programs/new">${t('mp.new')}</a> <a class="button secondary" href="/console/mini-programs/import">${t('mp.import')}</a></p>` : ''}
      ${filterForm(
        t,
        '/console/mini-programs',
        html`${field({ name: 'q', label: t('mp.search'), type: 'search', value: f.q })}
        ${select({ name: 'vendorStatus', label: t('mp.vendorStatus'), value: f.vendorStatus, options: anyOf(t, VENDOR_STATUSES, (s) => label(t, 'vendorStatus', s)) })}
        ${select({ name: 'vendorId', label: t('deadlines.vendor'), value: f.vendorId, options: [any, ...m.vendors.map((v): [string, string] => [v.id, v.name])] })}
        ${field({ name: 'serviceCategory', label: t('mp.serviceCategory'), value: f.serviceCategory })}
        ${select({ name: 'sort', label: t('mp.sort'), value: f.sort ?? 'name', options: MINI_PROGRAM_SORTS.map((s): [string, string] => [s, t(`mp.sort.${s}`)]) })}`,
        { search: true },
      )}
      ${dataTable(
        [
          t('mp.field.name'),
          t('mp.field.appId'),
          t('mp.field.ownerName'),
          t('mp.field.vendorId'),
          t('mp.field.certificationExpiresOn'),
        ],
        m.items,
        (p) =>
          html`<tr>
            <td><a href="/console/mini-programs/${p.id}">${p.name}</a></td>
            <td>${p.appId}</td>
            <td>${p.ownerName}</td>
            <td>
              ${p.vendor ? html`${p.vendor.name}${p.vendor.status !== 'active' ? html` <span class="tag danger">${label(t, 'vendorStatus', p.vendor.status)}</span>` : ''}` : ''}
            </td>
            <td>${p.certificationExpiresOn ?? ''}</td>
          </tr>`,
        t('mp.none'),
      )}
      ${pager(t, { ...m.page, exact: m.page.totalIsExact }, (offset) => `/console/mini-programs${query({ ...f, offset })}`, m.items.length)}`,
  );
}

export const MINI_PROGRAM_FIELDS = [
  'appId',
  'name',
  'ownerName',
  'ownerCreditCode',
  'serviceCategories',
  'vendorId',
  'certificationExpiresOn',
  'icpFilingNumber',
  'serverDomains',
  'notes',
] as const;

export interface MiniProgramFormModel {
  id?: string;
  title: string;
  values: Record<string, string | undefined>;
  features: string[];
  errors?: FieldErrors;
  vendors: { id: string; name: string }[];
  knownFeatures: { code: string; name: string }[];
}

export function miniProgramFormPage(c: SignedInRequest, m: MiniProgramFormModel): string {
  const t = c.t;
  const v = m.values;
  const e = m.errors;
  // Errors on list items ("serverDomains[1]") are shown beside their list.
  const errors: FieldErrors = {};
  for (const [key, list] of Object.entries(e ?? {}))
    (errors[key.replace(/\[\d+\]$/, '')] ??= []).push(...list);
  return layout(
    { c, title: m.title, section: 'miniPrograms' },
    html`<h1>${m.title}</h1>
      ${errorSummary(e, t('common.errorsAbove'))}
      <form
        method="post"
        action="${m.id ? `/console/mini-programs/${m.id}` : '/console/mini-programs'}"
        class="stack"
        novalidate
      >
        ${csrfField(c)}
        ${field({ name: 'appId', label: t('mp.field.appId'), hint: t('mp.field.appId.hint'), value: v.appId, errors, required: true })}
        ${field({ name: 'name', label: t('mp.field.name'), value: v.name, errors, required: true })}
        ${field({ name: 'ownerName', label: t('mp.field.ownerName'), value: v.ownerName, errors, required: true })}
        ${field({ name: 'ownerCreditCode', label: t('mp.field.ownerCreditCode'), hint: t('mp.field.ownerCreditCode.hint'), value: v.ownerCreditCode, errors, required: true })}
        ${field({ name: 'serviceCategories', label: `${t('mp.field.serviceCategories')} ${t('common.optional')}`, hint: t('mp.field.serviceCategories.hint'), value: v.serviceCategories, errors, multiline: true })}
        <fieldset class="field">
          <legend>${t('mp.field.features')} ${t('common.optional')}</legend>
          ${m.knownFeatures.map(
            (feature) =>
              html`<label
                ><input
                  type="checkbox"
                  name="features"
                  value="${feature.code}"
                  ${m.features.includes(feature.code) ? html` checked` : ''}
                />
                ${feature.name}</label
              >`,
          )}${errors.features ? html`<span class="error">${errors.features.join(' ')}</span>` : ''}
        </fieldset>
        ${select({ name: 'vendorId', label: t('mp.field.vendorId'), value: v.vendorId, errors, options: [['', t('mp.noVendor')], ...m.vendors.map((x): [string, string] => [x.id, x.name])] })}
        ${field({ name: 'certificationExpiresOn', label: `${t('mp.field.certificationExpiresOn')} ${t('common.optional')}`, type: 'date', hint: t('common.dateHint'), value: v.certificationExpiresOn, errors })}
        ${field({ name: 'icpFilingNumber', label: `${t('mp.field.icpFilingNumber')} ${t('common.optional')}`, value: v.icpFilingNumber, errors })}
        ${field({ name: 'serverDomains', label: `${t('mp.field.serverDomains')} ${t('common.optional')}`, hint: t('mp.field.serverDomains.hint'), value: v.serverDomains, errors, multiline: true })}
        ${field({ name: 'notes', label: `${t('mp.field.notes')} ${t('common.optional')}`, value: v.notes, errors, multiline: true })}
        <button type="submit">${m.id ? t('common.save') : t('mp.create')}</button>
        <a href="${m.id ? `/console/mini-programs/${m.id}` : '/console/mini-programs'}"
          >${t('common.cancel')}</a
        >
      </form>`,
  );
}

export interface MiniProgramDetailModel {
  mp: MiniProgramResponse;
  compliance: (ComplianceItem & { name: string; documents: string[]; steps: string[] })[];
  deadlines: DeadlineResponse[];
  requirementName: (code: string) => string;
  flash?: string | null;
  wechat?: WechatStatus;
}

/** Accepted, but said plainly: a category the catalogue does not know leaves its qualifications unjudged. */
function unknownCategoryWarnings(
  c: SignedInRequest,
  warnings: readonly { value: string; nearMatches: string[] }[],
): SafeHtml | string {
  if (!warnings.length) return '';
  const t = c.t;
  return html`<div class="alert" role="status" data-warning="unknown_service_category">
    ${warnings.map(
      (w) =>
        html`<p>
          ${t('catalogue.unknownCategory', { category: w.value })}
          ${w.nearMatches.length ? t('catalogue.unknownCategory.near', { paths: w.nearMatches.join('、') }) : ''}
        </p>`,
    )}
    <p>${t('catalogue.unknownCategory.advice')}</p>
  </div>`;
}

export function miniProgramDetailPage(c: SignedInRequest, m: MiniProgramDetailModel): string {
  const t = c.t;
  const p = m.mp;
  const canWrite = roleAllows(c.session.role, 'operator');
  const tone = (s: string) => (s === 'valid' ? 'ok' : s === 'expiring' ? 'warn' : 'danger');
  return layout(
    { c, title: p.name, section: 'miniPrograms', flash: m.flash },
    html`<h1>${p.name}</h1>
      ${canWrite ? html`<p><a class="button secondary" href="/console/mini-programs/${p.id}/edit">${t('mp.edit')}</a></p>` : ''}
      <p><a href="/console/mini-programs/${p.id}/continuity">${t('continuity.link')}</a></p>
      ${unknownCategoryWarnings(c, p.warnings)}
      <h2>${t('mp.facts')}</h2>
      <dl class="facts">
        <dt>${t('mp.field.appId')}</dt>
        <dd>${p.appId}</dd>
        <dt>${t('mp.field.ownerName')}</dt>
        <dd>${p.ownerName}</dd>
        <dt>${t('mp.field.ownerCreditCode')}</dt>
        <dd>${p.ownerCreditCode}</dd>
        <dt>${t('mp.field.vendorId')}</dt>
        <dd>
          ${p.vendor ? html`${p.vendor.name} <span class="tag ${p.vendor.status === 'active' ? 'ok' : 'danger'}">${label(t, 'vendorStatus', p.vendor.status)}</span>` : t('mp.noVendor')}
        </dd>
        <dt>${t('mp.field.serviceCategories')}</dt>
        <dd>${p.serviceCategories.join('；') || t('common.none')}</dd>
        <dt>${t('mp.field.certificationExpiresOn')}</dt>
        <dd>${p.certificationExpiresOn ?? t('common.none')}</dd>
        <dt>${t('mp.field.icpFilingNumber')}</dt>
        <dd>${p.icpFilingNumber ?? t('common.none')}</dd>
        <dt>${t('mp.field.serverDomains')}</dt>
        <dd>${p.serverDomains.join(', ') || t('common.none')}</dd>
        ${
          p.notes
            ? html`<dt>${t('mp.field.notes')}</dt>
                <dd>${p.notes}</dd>`
            : ''
        }
      </dl>
      <h2>${t('mp.compliance')}</h2>
      ${
        m.compliance.length
          ? html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${t('mp.requirement')}</th>
                    <th scope="col">${t('mp.complianceState')}</th>
                    <th scope="col">${t('mp.expiresOn')}</th>
                    <th scope="col">${t('deadlines.checklist')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${m.compliance.map(
                    (i) =>
                      html`<tr>
                        <td>${i.name}</td>
                        <td><span class="tag ${tone(i.state)}">${label(t, 'compliance', i.state)}</span></td>
                        <td>${i.expiresOn ?? ''}</td>
                        <td>
                          ${
                            i.state === 'valid'
                              ? ''
                              : html`<details>
                                  <summary>${t('deadlines.documents')} / ${t('deadlines.steps')}</summary>
                                  <ul>
                                    ${i.documents.map((d) => html`<li>${d}</li>`)}
                                  </ul>
                                  <ol>
                                    ${i.steps.map((s) => html`<li>${s}</li>`)}
                                  </ol>
                                </details>`
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${t('mp.complianceNone')}</p>`
      }
      <h2>${t('mp.deadlines')}</h2>
      ${
        m.deadlines.length
          ? html`<ol class="timeline">
              ${m.deadlines.map(
                (d) =>
                  html`<li>
                    <strong>${d.dueOn}</strong>
                    <a href="/console/deadlines/${d.id}">${d.requirementName}</a> ${urgencyTag(t, d.urgency)}
                    <span class="muted"
                      >${t('deadlines.actBy')}: ${d.actBy} · ${daysLeftText(t, d.daysLeft)} ·
                      ${label(t, 'state', d.state)}</span
                    >
                  </li>`,
              )}
            </ol>`
          : html`<p>${t('deadlines.none')}</p>`
      }
      <p><a href="/console/deadlines?miniProgramId=${p.id}">${t('mp.viewDeadlines')}</a></p>
      ${m.wechat ? wechatSection(c, m.wechat, p.id) : ''}
      <h2>${t('mp.qualifications')}</h2>
      ${
        p.qualifications.length
          ? html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${t('q.field.requirementCode')}</th>
                    <th scope="col">${t('q.field.number')}</th>
                    <th scope="col">${t('q.field.expiresOn')}</th>
                    <th scope="col">${t('q.field.originalHeldBy')}</th>
                    ${canWrite ? html`<th scope="col">${t('common.actions')}</th>` : ''}
                  </tr>
                </thead>
                <tbody>
                  ${p.qualifications.map(
                    (q) =>
                      html`<tr>
                        <td>${m.requirementName(q.requirementCode)}</td>
                        <td>${q.number ?? ''}</td>
                        <td>${q.expiresOn ?? ''}</td>
                        <td>${label(t, 'holder', q.originalHeldBy)}</td>
                        ${canWrite ? html`<td><a href="/console/mini-programs/${p.id}/qualifications/${q.id}/edit">${t('q.edit')}</a></td>` : ''}
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${t('mp.qualificationsNone')}</p>`
      }
      ${canWrite ? html`<p><a class="button secondary" href="/console/mini-programs/${p.id}/qualifications/new">${t('q.add')}</a></p>` : ''}`,
  );
}

export const QUALIFICATION_FIELDS = [
  'requirementCode',
  'number',
  'issuer',
  'issuedOn',
  'expiresOn',
  'originalHeldBy',
] as const;

export interface QualificationFormModel {
  mp: Pick<MiniProgramResponse, 'id' | 'name'>;
  qualification?: QualificationResponse;
  title: string;
  values: Record<string, string | undefined>;
  errors?: FieldErrors;
  requirements: [string, string][];
}

export function qualificationFormPage(c: SignedInRequest, m: QualificationFormModel): string {
  const t = c.t;
  const v = m.values;
  const errors = m.errors;
  const action = m.qualification
    ? `/console/mini-programs/${m.mp.id}/qualifications/${m.qualification.id}`
    : `/console/mini-programs/${m.mp.id}/qualifications`;
  return layout(
    { c, title: m.title, section: 'miniPrograms' },
    html`<h1>${m.title}</h1>
      <p><a href="/console/mini-programs/${m.mp.id}">${m.mp.name}</a></p>
      ${errorSummary(errors, t('common.errorsAbove'))}
      ${m.qualification ? html`<p class="muted">${t('q.renewHint')}</p>` : ''}
      <form method="post" action="${action}" class="stack" novalidate>
        ${csrfField(c)}
        ${select({ name: 'requirementCode', label: t('q.field.requirementCode'), value: v.requirementCode, errors, options: m.requirements })}
        ${field({ name: 'number', label: `${t('q.field.number')} ${t('common.optional')}`, value: v.number, errors })}
        ${field({ name: 'issuer', label: `${t('q.field.issuer')} ${t('common.optional')}`, value: v.issuer, errors })}
        ${field({ name: 'issuedOn', label: `${t('q.field.issuedOn')} ${t('common.optional')}`, type: 'date', value: v.issuedOn, errors })}
        ${field({ name: 'expiresOn', label: `${t('q.field.expiresOn')} ${t('common.optional')}`, type: 'date', value: v.expiresOn, errors })}
        ${select({
          name: 'originalHeldBy',
          label: t('q.field.originalHeldBy'),
          value: v.originalHeldBy ?? 'owner',
          errors,
          options: [
            ['owner', t('holder.owner')],
            ['vendor', t('holder.vendor')],
          ],
        })} <button type="submit">${t('common.save')}</button>
        <a href="/console/mini-programs/${m.mp.id}">${t('common.cancel')}</a>
      </form>`,
  );
}

export interface ImportModel {
  result?: { imported: number; warnings?: { line: number; value: string; nearMatches: string[] }[] } | null;
  rows?: ImportProblemRow[];
  error?: string | null;
}

function importedWarnings(
  c: SignedInRequest,
  warnings: readonly { line: number; value: string; nearMatches: string[] }[],
): SafeHtml | string {
  if (!warnings.length) return '';
  const t = c.t;
  return html`<div class="alert" role="status" data-warning="unknown_service_category">
    <p>${t('catalogue.unknownCategory.import')}</p>
    <ul>
      ${warnings.map(
        (w) =>
          html`<li>
            ${t('import.line')} ${w.line} — ${w.value}
            ${w.nearMatches.length ? t('catalogue.unknownCategory.near', { paths: w.nearMatches.join('、') }) : ''}
          </li>`,
      )}
    </ul>
    <p>${t('catalogue.unknownCategory.advice')}</p>
  </div>`;
}

export function importPage(c: SignedInRequest, m: ImportModel): string {
  const t = c.t;
  return layout(
    {
      c,
      title: t('import.title'),
      section: 'miniPrograms',
      flash: m.result ? t('import.done', { n: m.result.imported }) : null,
    },
    html`<h1>${t('import.title')}</h1>
      <p>${t('import.intro')}</p>
      <p class="muted">${t('import.columns')}</p>
      ${importProblems(c, m)} ${importedWarnings(c, m.result?.warnings ?? [])}
      ${importUploadForm(c, '/console/mini-programs/import')}
      <p><a href="/console/mini-programs">${t('mp.title')}</a></p>`,
  );
}
