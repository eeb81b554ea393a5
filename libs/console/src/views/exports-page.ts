import { CHECKLIST_FORMATS } from '../../../exports/src/checklist.service.js';
import type { SignedInRequest } from '../console-context.js';
import { type Html, html } from '../html.js';
import { alert, errorSummary, type FieldErrors, field, select } from './forms.js';
import { formatInstant } from './format.js';
import { csrfField, layout } from './layout.js';

export interface FeedRow {
  id: string;
  miniProgramName: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ExportsModel {
  miniPrograms: { id: string; name: string; appId: string }[];
  filters: Record<string, string | undefined>;
  errors?: FieldErrors;
  /** Null for people who may not manage feeds (only admins may). */
  feeds: FeedRow[] | null;
  /** A feed address just issued: shown this once, never stored. */
  issuedUrl?: string | null;
  flash?: string | null;
  alertText?: string | null;
}

/** The checklist in every format with its filters, and the calendar feeds (admins). */
export function exportsPage(c: SignedInRequest, m: ExportsModel): string {
  const t = c.t;
  const f = m.filters;
  const tz = c.session.organization.timeZone;
  const scopeOptions: [string, string][] = [
    ['', t('exports.allMiniPrograms')],
    ...m.miniPrograms.map((p): [string, string] => [p.id, `${p.name} (${p.appId})`]),
  ];
  const feeds: Html = m.feeds
    ? html`${
          m.issuedUrl
            ? html`<div class="issued" role="status">
                <p>${m.flash}</p>
                <label for="feed-url">${t('feeds.url')}</label>
                <span class="hint" id="feed-url-hint">${t('feeds.urlHint')}</span>
                <input
                  type="text"
                  id="feed-url"
                  class="secret"
                  readonly
                  value="${m.issuedUrl}"
                  aria-describedby="feed-url-hint"
                />
              </div>`
            : ''
        }
        <form method="post" action="/console/calendar-feeds" class="stack">
          ${csrfField(c)}
          ${select({ name: 'feedMiniProgramId', label: t('feeds.scope'), value: f.feedMiniProgramId, options: scopeOptions, errors: m.errors })}
          <div><button type="submit">${t('feeds.create')}</button></div>
        </form>
        ${
          m.feeds.length
            ? html`<div class="table-wrap">
                <table class="stacked">
                  <thead>
                    <tr>
                      <th scope="col">${t('feeds.scope')}</th>
                      <th scope="col">${t('feeds.created')}</th>
                      <th scope="col">${t('feeds.status')}</th>
                      <th scope="col">${t('common.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${m.feeds.map(
                      (feed) =>
                        html`<tr>
                          <td data-label="${t('feeds.scope')}">
                            ${feed.miniProgramName ?? t('exports.allMiniPrograms')}
                          </td>
                          <td data-label="${t('feeds.created')}">${formatInstant(feed.createdAt, tz)}</td>
                          <td data-label="${t('feeds.status')}">
                            ${
                              feed.revokedAt
                                ? t('feeds.revokedAt', { at: formatInstant(feed.revokedAt, tz) })
                                : html`<span class="tag ok">${t('feeds.active')}</span>`
                            }
                          </td>
                          <td data-label="${t('common.actions')}">
                            ${
                              feed.revokedAt
                                ? ''
                                : html`<div class="row-actions">
                                    <form method="post" action="/console/calendar-feeds/${feed.id}/rotate">
                                      ${csrfField(c)}<button type="submit" class="secondary">
                                        ${t('feeds.rotate')}
                                      </button>
                                    </form>
                                    <form method="post" action="/console/calendar-feeds/${feed.id}/revoke">
                                      ${csrfField(c)}<button type="submit" class="secondary">
                                        ${t('feeds.revoke')}
                                      </button>
                                    </form>
                                  </div>`
                            }
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
            : html`<p>${t('feeds.none')}</p>`
        }`
    : html`<p class="muted">${t('feeds.adminOnly')}</p>`;
  return layout(
    { c, title: t('exports.title'), section: 'exports', flash: m.issuedUrl ? null : m.flash },
    html`<h1>${t('exports.title')}</h1>
      ${alert(m.alertText)}
      <h2>${t('exports.checklist')}</h2>
      <p>${t('exports.checklistIntro')}</p>
      ${errorSummary(m.errors, t('common.errorsAbove'))}
      <form method="get" action="/console/exports/download" class="stack">
        ${select({ name: 'miniProgramId', label: t('exports.miniProgram'), value: f.miniProgramId, options: scopeOptions, errors: m.errors })}
        <div class="pair">
          ${field({ name: 'dueFrom', label: t('exports.dueFrom'), type: 'date', value: f.dueFrom, errors: m.errors, hint: t('common.dateHint') })}
          ${field({ name: 'dueTo', label: t('exports.dueTo'), type: 'date', value: f.dueTo, errors: m.errors, hint: t('common.dateHint') })}
        </div>
        ${select({
          name: 'locale',
          label: t('exports.locale'),
          value: f.locale ?? c.locale,
          options: [
            ['zh-CN', t('locale.zh-CN')],
            ['en', t('locale.en')],
          ],
          errors: m.errors,
        })}
        <fieldset class="formats">
          <legend>${t('exports.formats')}</legend>
          ${CHECKLIST_FORMATS.map(
            (format) =>
              html`<button type="submit" name="format" value="${format}">
                ${t('exports.download', { format: t(`exports.format.${format}`) })}
              </button>`,
          )}
        </fieldset>
      </form>
      <h2 id="feeds">${t('feeds.title')}</h2>
      <p>${t('feeds.intro')}</p>
      ${feeds}`,
  );
}
