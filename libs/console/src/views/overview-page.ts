import type { DeadlineOverview, DeadlineResponse } from '../../../deadlines/src/deadline.response.js';
import type { SignedInRequest } from '../console-context.js';
import type { ComplianceGap, FailedDelivery, UnavailableVendor } from '../console-queries.service.js';
import { html } from '../html.js';
import { daysLeftText, formatInstant, label, stageLabel, urgencyTag } from './format.js';
import { layout } from './layout.js';
import { dataTable } from './table.js';

export interface OverviewModel {
  overview: DeadlineOverview;
  next: (DeadlineResponse & { whoMustAct: string })[];
  gaps: { gaps: ComplianceGap[]; total: number };
  vendors: UnavailableVendor[];
  failed: FailedDelivery[];
}

export function overviewPage(c: SignedInRequest, m: OverviewModel): string {
  const t = c.t;
  const tz = c.session.organization.timeZone;
  const counts: [
    'overdue' | 'due_7' | 'due_30' | 'due_90',
    'overview.overdue' | 'overview.due7' | 'overview.due30' | 'overview.due90',
  ][] = [
    ['overdue', 'overview.overdue'],
    ['due_7', 'overview.due7'],
    ['due_30', 'overview.due30'],
    ['due_90', 'overview.due90'],
  ];
  return layout(
    { c, title: t('overview.title'), section: 'overview' },
    html`<h1>${t('overview.title')}</h1>
      <p class="muted">${t('overview.today', { today: m.overview.today, zone: m.overview.timeZone })}</p>
      <h2>${t('overview.counts')}</h2>
      <ul class="cards">
        ${counts.map(
          ([u, key]) =>
            html`<li>
              <a href="/console/deadlines?urgency=${u}"
                ><span class="n">${m.overview.byUrgency[u]}</span>${t(key)}</a
              >
            </li>`,
        )}
      </ul>
      <h2>${t('overview.next')}</h2>
      ${
        m.next.length
          ? html`<div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">${t('deadlines.item')}</th>
                      <th scope="col">${t('deadlines.miniProgram')}</th>
                      <th scope="col">${t('deadlines.actBy')}</th>
                      <th scope="col">${t('deadlines.dueOn')}</th>
                      <th scope="col">${t('deadlines.whoMustAct')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${m.next.map(
                      (d) =>
                        html`<tr>
                          <td>
                            <a href="/console/deadlines/${d.id}">${d.requirementName}</a>
                            ${urgencyTag(t, d.urgency)}
                          </td>
                          <td>
                            ${d.miniProgram ? d.miniProgram.name : d.vendor ? d.vendor.name : t('deadlines.organizationLevel')}
                          </td>
                          <td>${d.actBy}</td>
                          <td>${d.dueOn}<br /><span class="muted">${daysLeftText(t, d.daysLeft)}</span></td>
                          <td>
                            ${d.whoMustAct}${d.vendor && d.vendor.status !== 'active' ? html` <span class="tag danger">${t('common.vendorUnavailable')}</span>` : ''}
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              <p><a href="/console/deadlines">${t('overview.seeAll')}</a></p>`
          : html`<p>${t('overview.noNext')}</p>`
      }
      <h2>${t('overview.gaps')}</h2>
      ${
        m.gaps.gaps.length
          ? html`<ul>
              ${m.gaps.gaps.map(
                (g) =>
                  html`<li>
                    <a href="/console/mini-programs/${g.id}">${g.name}</a>
                    <span class="muted">${g.appId}</span>
                    ${g.missing ? html` <span class="tag danger">${t('overview.gapMissing', { n: g.missing })}</span>` : ''}${g.expired ? html` <span class="tag danger">${t('overview.gapExpired', { n: g.expired })}</span>` : ''}
                  </li>`,
              )}
            </ul>`
          : html`<p>${t('overview.gapsNone')}</p>`
      }
      ${m.gaps.total > m.gaps.gaps.length ? html`<p class="muted">${t('overview.gapsTotal', { n: m.gaps.total, shown: m.gaps.gaps.length })}</p>` : ''}
      <h2>${t('overview.vendors')}</h2>
      ${
        m.vendors.length
          ? html`<ul>
              ${m.vendors.map(
                (v) =>
                  html`<li>
                    <a href="/console/mini-programs?vendorId=${v.id}">${v.name}</a>
                    <span class="tag danger">${label(t, 'vendorStatus', v.status)}</span>
                    <span class="muted">${formatInstant(v.status_since, tz)}</span>
                  </li>`,
              )}
            </ul>`
          : html`<p>${t('overview.vendorsNone')}</p>`
      }
      <h2>${t('overview.failed')}</h2>
      ${dataTable(
        [t('deadlines.recipient'), t('deadlines.stage'), t('deadlines.sentAt'), t('deadlines.smtp')],
        m.failed,
        (f) =>
          html`<tr>
            <td>${f.name} &lt;${f.email}&gt;</td>
            <td>
              ${f.deadline_id ? html`<a href="/console/deadlines/${f.deadline_id}">${stageLabel(t, f.kind, f.stage)}</a>` : stageLabel(t, f.kind, f.stage)}
            </td>
            <td>${formatInstant(f.updated_at, tz)}</td>
            <td>${f.last_error ?? ''}</td>
          </tr>`,
        t('overview.failedNone'),
      )}`,
  );
}
