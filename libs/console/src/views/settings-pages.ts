import { ROLES as LADDER_ROLES } from '../../../domain/src/reminders/index.js';
import type { SignedInRequest } from '../console-context.js';
import { type Html, html } from '../html.js';
import { stageName } from '../i18n/messages.js';
import { alert, errorSummary, type FieldErrors, field, select } from './forms.js';
import { formatInstant, label } from './format.js';
import { csrfField, layout } from './layout.js';

/** The settings home: one link per admin page. */
export function settingsIndexPage(c: SignedInRequest): string {
  const t = c.t;
  const entries = [
    ['/console/people', 'settings.people', 'settings.peopleIntro'],
    ['/console/settings/api-keys', 'settings.apiKeys', 'settings.apiKeysIntro'],
    ['/console/settings/reminders', 'settings.reminders', 'settings.remindersIntro'],
    ['/console/settings/organization', 'settings.organization', 'settings.organizationIntro'],
    ['/console/settings/catalogue', 'settings.catalogue', 'settings.catalogueIntro'],
    ['/console/exports#feeds', 'feeds.title', 'feeds.intro'],
  ] as const;
  return layout(
    { c, title: t('settings.title'), section: 'settings' },
    html`<h1>${t('settings.title')}</h1>
      <p class="muted">${t('settings.intro')}</p>
      <ul class="cards settings">
        ${entries.map(
          ([href, title, intro]) =>
            html`<li>
              <a href="${href}"><strong>${t(title)}</strong></a>
              <span class="hint">${t(intro)}</span>
            </li>`,
        )}
      </ul>`,
  );
}

function back(c: SignedInRequest): Html {
  return html`<p><a href="/console/settings">← ${c.t('settings.title')}</a></p>`;
}

export interface ApiKeysModel {
  keys: {
    id: string;
    name: string;
    prefix: string;
    createdAt: Date;
    lastUsedAt: Date | null;
    revokedAt: Date | null;
  }[];
  issued?: { name: string; key: string } | null;
  values?: Record<string, string | undefined>;
  errors?: FieldErrors;
  flash?: string | null;
}

export function apiKeysPage(c: SignedInRequest, m: ApiKeysModel): string {
  const t = c.t;
  const tz = c.session.organization.timeZone;
  return layout(
    { c, title: t('keys.title'), section: 'settings', flash: m.flash },
    html`${back(c)}
      <h1>${t('keys.title')}</h1>
      ${
        m.issued
          ? html`<div class="issued" role="status">
              <p>${t('keys.issued', { name: m.issued.name })}</p>
              <label for="issued-key">${t('keys.key')}</label>
              <span class="hint" id="issued-key-hint">${t('keys.usage')}</span>
              <input
                type="text"
                id="issued-key"
                class="secret"
                readonly
                value="${m.issued.key}"
                aria-describedby="issued-key-hint"
              />
            </div>`
          : ''
      }
      ${errorSummary(m.errors, t('common.errorsAbove'))}
      <form method="post" action="/console/settings/api-keys" class="stack">
        ${csrfField(c)}
        ${field({ name: 'name', label: t('keys.name'), hint: t('keys.nameHint'), value: m.values?.name, errors: m.errors, required: true })}
        <div><button type="submit">${t('keys.create')}</button></div>
      </form>
      ${
        m.keys.length
          ? html`<div class="table-wrap">
              <table class="stacked">
                <thead>
                  <tr>
                    <th scope="col">${t('keys.name')}</th>
                    <th scope="col">${t('keys.prefix')}</th>
                    <th scope="col">${t('keys.created')}</th>
                    <th scope="col">${t('keys.lastUsed')}</th>
                    <th scope="col">${t('keys.status')}</th>
                    <th scope="col">${t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${m.keys.map(
                    (k) =>
                      html`<tr>
                        <td data-label="${t('keys.name')}">${k.name}</td>
                        <td data-label="${t('keys.prefix')}"><code>mpg_${k.prefix}_…</code></td>
                        <td data-label="${t('keys.created')}">${formatInstant(k.createdAt, tz)}</td>
                        <td data-label="${t('keys.lastUsed')}">
                          ${k.lastUsedAt ? formatInstant(k.lastUsedAt, tz) : t('keys.never')}
                        </td>
                        <td data-label="${t('keys.status')}">
                          ${
                            k.revokedAt
                              ? t('keys.revokedAt', { at: formatInstant(k.revokedAt, tz) })
                              : html`<span class="tag ok">${t('keys.active')}</span>`
                          }
                        </td>
                        <td data-label="${t('common.actions')}">
                          ${
                            k.revokedAt
                              ? ''
                              : html`<form method="post" action="/console/settings/api-keys/${k.id}/revoke">
                                  ${csrfField(c)}<button type="submit" class="secondary">
                                    ${t('keys.revoke')}
                                  </button>
                                </form>`
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${t('keys.none')}</p>`
      }`,
  );
}

export interface LadderRowModel {
  code: string;
  offset: string;
  roles: string[];
  repeat: string;
}

export interface LadderModel {
  rows: LadderRowModel[];
  isDefault: boolean;
  effective: { code: string; offsetDays: number; roles: string[]; repeatEveryDays?: number }[];
  leadDays: number;
  errors?: FieldErrors;
  flash?: string | null;
}

function ladderCell(
  name: string,
  labelText: string,
  value: string,
  errors: FieldErrors | undefined,
  kind: 'code' | 'number',
): Html {
  const id = `f-${name}`;
  const errs = errors?.[name] ?? [];
  return html`<label for="${id}" class="skip">${labelText}</label
    ><input
      type="text"
      id="${id}"
      name="${name}"
      value="${value}"
      ${kind === 'number' ? html` inputmode="numeric" class="num"` : html` class="code"`}
      ${errs.length ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}
    />${errs.length ? html`<span class="error" id="${id}-error">${errs.join(' ')}</span>` : ''}`;
}

export function ladderPage(c: SignedInRequest, m: LadderModel): string {
  const t = c.t;
  const roleCell = (i: number, row: LadderRowModel) => {
    const name = `roles_${i}`;
    const errs = m.errors?.[name] ?? [];
    return html`<fieldset class="roles" ${errs.length ? html` aria-describedby="f-${name}-error"` : ''}>
      <legend class="skip">${t('ladder.roles')} · ${t('ladder.stage')} ${i + 1}</legend>
      ${LADDER_ROLES.map(
        (role) =>
          html`<label class="check"
            ><input
              type="checkbox"
              name="${name}"
              value="${role}"
              ${row.roles.includes(role) ? html` checked` : ''}
            />
            ${label(t, 'contactRole', role)}</label
          >`,
      )}
      ${errs.length ? html`<span class="error" id="f-${name}-error">${errs.join(' ')}</span>` : ''}
    </fieldset>`;
  };
  return layout(
    { c, title: t('ladder.title'), section: 'settings', flash: m.flash },
    html`${back(c)}
      <h1>${t('ladder.title')}</h1>
      <p>${t('ladder.intro')}</p>
      <p class="muted">${m.isDefault ? t('ladder.isDefault') : t('ladder.isCustom')}</p>
      ${errorSummary(m.errors, t('common.errorsAbove'))} ${alert(m.errors?.stages?.join(' '))}
      <form method="post" action="/console/settings/reminders/ladder">
        ${csrfField(c)}
        <input type="hidden" name="rows" value="${m.rows.length}" />
        <div class="table-wrap">
          <table class="ladder">
            <thead>
              <tr>
                <th scope="col">${t('ladder.stage')}</th>
                <th scope="col">${t('ladder.code')}<span class="hint">${t('ladder.codeHint')}</span></th>
                <th scope="col">${t('ladder.offset')}<span class="hint">${t('ladder.offsetHint')}</span></th>
                <th scope="col">${t('ladder.roles')}</th>
                <th scope="col">${t('ladder.repeatColumn')}<span class="hint">${t('ladder.repeatHint')}</span></th>
              </tr>
            </thead>
            <tbody>
              ${m.rows.map(
                (row, i) =>
                  html`<tr>
                    <th scope="row">${i + 1}</th>
                    <td>
                      ${ladderCell(`code_${i}`, `${t('ladder.code')} · ${t('ladder.stage')} ${i + 1}`, row.code, m.errors, 'code')}
                    </td>
                    <td>
                      ${ladderCell(`offset_${i}`, `${t('ladder.offset')} · ${t('ladder.stage')} ${i + 1}`, row.offset, m.errors, 'number')}
                    </td>
                    <td>${roleCell(i, row)}</td>
                    <td>
                      ${ladderCell(`repeat_${i}`, `${t('ladder.repeatColumn')} · ${t('ladder.stage')} ${i + 1}`, row.repeat, m.errors, 'number')}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
        <p class="hint">${t('ladder.blankRows')}</p>
        <button type="submit">${t('ladder.save')}</button>
      </form>
      <h2>${t('ladder.effective')}</h2>
      <p>${t('ladder.effectiveIntro', { n: m.leadDays })}</p>
      <div class="table-wrap">
        <table class="stacked">
          <thead>
            <tr>
              <th scope="col">${t('ladder.name')}</th>
              <th scope="col">${t('ladder.offset')}</th>
              <th scope="col">${t('ladder.roles')}</th>
            </tr>
          </thead>
          <tbody>
            ${m.effective.map(
              (s) =>
                html`<tr>
                  <td data-label="${t('ladder.name')}">${stageName(s.code, t)} <code>${s.code}</code></td>
                  <td data-label="${t('ladder.offset')}">
                    ${s.offsetDays}${
                      s.repeatEveryDays ? html` · ${t('ladder.repeatEvery', { n: s.repeatEveryDays })}` : ''
                    }
                  </td>
                  <td data-label="${t('ladder.roles')}">
                    ${s.roles.map((r) => label(t, 'contactRole', r)).join('、')}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`,
  );
}

export interface OrganizationModel {
  values: { timeZone: string; locale: string };
  errors?: FieldErrors;
  flash?: string | null;
}

export function organizationPage(c: SignedInRequest, m: OrganizationModel): string {
  const t = c.t;
  return layout(
    { c, title: t('org.title'), section: 'settings', flash: m.flash },
    html`${back(c)}
      <h1>${t('org.title')}</h1>
      ${errorSummary(m.errors, t('common.errorsAbove'))}
      <form method="post" action="/console/settings/organization" class="stack">
        ${csrfField(c)}
        ${field({ name: 'timeZone', label: t('org.timeZone'), hint: t('org.timeZoneHint'), value: m.values.timeZone, errors: m.errors, required: true })}
        ${select({
          name: 'locale',
          label: t('org.locale'),
          hint: t('org.localeHint'),
          value: m.values.locale,
          errors: m.errors,
          options: [
            ['zh-CN', t('locale.zh-CN')],
            ['en', t('locale.en')],
          ],
        })}
        <button type="submit">${t('org.save')}</button>
      </form>`,
  );
}

export interface OffsetFact {
  amount: number;
  unit: string;
  overridden?: boolean;
}

export interface OverrideRow {
  code: string;
  name: string;
  confidence: string;
  windowOpensBefore?: { now: OffsetFact; base: OffsetFact };
  applyBy?: { now: OffsetFact; base: OffsetFact };
  validity?: { nowYears: number | null; baseYears: number | null; overridden: boolean };
}

export interface OverridesModel {
  rows: OverrideRow[];
  values?: Record<string, string | undefined>;
  errors?: FieldErrors;
  flash?: string | null;
}

const UNITS = ['days', 'working_days', 'months'] as const;

/** One input of the overrides table: a hidden label naming requirement and fact, its error beside it. */
function overrideInput(
  name: string,
  labelText: string,
  value: string,
  errors: FieldErrors | undefined,
  options?: [string, string][],
): Html {
  const id = `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const errs = errors?.[name] ?? [];
  const invalid = errs.length ? html` aria-invalid="true" aria-describedby="${id}-error"` : '';
  return html`<label for="${id}" class="skip">${labelText}</label>${
      options
        ? html`<select id="${id}" name="${name}" ${invalid}>
            ${options.map(
              ([v, text]) =>
                html`<option value="${v}" ${v === value ? html` selected` : ''}>${text}</option>`,
            )}
          </select>`
        : html`<input
            type="text"
            inputmode="numeric"
            class="num"
            id="${id}"
            name="${name}"
            value="${value}"
            ${invalid}
          />`
    }${errs.length ? html`<span class="error" id="${id}-error">${errs.join(' ')}</span>` : ''}`;
}

export function overridesPage(c: SignedInRequest, m: OverridesModel): string {
  const t = c.t;
  const v = (name: string, fallback: string) => m.values?.[name] ?? fallback;
  const tag = (on: boolean | undefined) =>
    on ? html` <span class="tag warn">${t('overrides.overridden')}</span>` : '';
  const offset = (row: OverrideRow, fact: 'windowOpensBefore' | 'applyBy'): Html => {
    const f = row[fact];
    if (!f) return html`<span class="muted">—</span>`;
    const base = `${f.base.amount} ${label(t, 'unit', f.base.unit)}`;
    const what = `${row.name} · ${t(`overrides.${fact}`)}`;
    return html`<span class="hint"
        >${t('overrides.catalogueValue', { value: base })}${tag(f.now.overridden)}</span
      >
      <span class="inline-inputs">
        ${overrideInput(`${row.code}.${fact}.amount`, `${what} · ${t('overrides.amount')}`, v(`${row.code}.${fact}.amount`, String(f.now.amount)), m.errors)}
        ${overrideInput(
          `${row.code}.${fact}.unit`,
          `${what} · ${t('overrides.unit')}`,
          v(`${row.code}.${fact}.unit`, f.now.unit),
          m.errors,
          UNITS.map((u): [string, string] => [u, label(t, 'unit', u)]),
        )}
      </span>`;
  };
  const validity = (row: OverrideRow): Html => {
    const f = row.validity;
    if (!f) return html`<span class="muted">—</span>`;
    const base = f.baseYears === null ? t('overrides.issuerDefined') : String(f.baseYears);
    return html`<span class="hint"
        >${t('overrides.catalogueValue', { value: base })}${tag(f.overridden)}</span
      >
      ${overrideInput(`${row.code}.validity.years`, `${row.name} · ${t('overrides.validity')}`, v(`${row.code}.validity.years`, f.nowYears === null ? '' : String(f.nowYears)), m.errors)}`;
  };
  return layout(
    { c, title: t('overrides.title'), section: 'settings', flash: m.flash },
    html`${back(c)}
      <h1>${t('overrides.title')}</h1>
      <p>${t('overrides.intro')}</p>
      ${errorSummary(m.errors, t('common.errorsAbove'))}
      ${
        m.rows.length
          ? html`<form method="post" action="/console/settings/catalogue">
              ${csrfField(c)}
              <div class="table-wrap">
                <table class="stacked overrides">
                  <thead>
                    <tr>
                      <th scope="col">${t('overrides.requirement')}</th>
                      <th scope="col">${t('overrides.windowOpensBefore')}</th>
                      <th scope="col">${t('overrides.applyBy')}</th>
                      <th scope="col">${t('overrides.validity')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${m.rows.map(
                      (row) =>
                        html`<tr>
                          <td>
                            <strong>${row.name}</strong>
                            <span class="hint"
                              ><code>${row.code}</code> · ${t('overrides.confidence')}:
                              ${label(t, 'confidence', row.confidence)}</span
                            >
                          </td>
                          <td data-label="${t('overrides.windowOpensBefore')}">
                            ${offset(row, 'windowOpensBefore')}
                          </td>
                          <td data-label="${t('overrides.applyBy')}">${offset(row, 'applyBy')}</td>
                          <td data-label="${t('overrides.validity')}">${validity(row)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              <p><button type="submit">${t('overrides.save')}</button></p>
            </form>`
          : html`<p>${t('overrides.none')}</p>`
      }`,
  );
}
