import { ROLES } from '../../../people/src/roles.js';
import type { SignedInRequest } from '../console-context.js';
import { html } from '../html.js';
import { alert, errorSummary, type FieldErrors, field, select } from './forms.js';
import { formatInstant, label } from './format.js';
import { csrfField, layout } from './layout.js';

export interface PeopleModel {
  members: { id: string; email: string; name: string; role: string }[];
  pending: { id: string; email: string; role: string; expires_at: Date; invited_by: string }[];
  values?: Record<string, string | undefined>;
  errors?: FieldErrors;
  flash?: string | null;
  /** A refusal about a member (the last administrator), shown above the table. */
  alertText?: string | null;
}

export function peoplePage(c: SignedInRequest, m: PeopleModel): string {
  const t = c.t;
  const tz = c.session.organization.timeZone;
  return layout(
    { c, title: t('people.title'), section: 'people', flash: m.flash },
    html`<h1>${t('people.title')}</h1>
      ${alert(m.alertText)}
      <h2>${t('people.members')}</h2>
      <div class="table-wrap">
        <table class="stacked">
          <thead>
            <tr>
              <th scope="col">${t('people.name')}</th>
              <th scope="col">${t('people.email')}</th>
              <th scope="col">${t('people.role')}</th>
              <th scope="col">${t('people.actions')}</th>
            </tr>
          </thead>
          <tbody>
            ${m.members.map(
              (p) =>
                html`<tr>
                  <td data-label="${t('people.name')}">
                    ${p.name} ${p.id === c.session.person.id ? t('people.you') : ''}
                  </td>
                  <td data-label="${t('people.email')}">${p.email}</td>
                  <td data-label="${t('people.role')}">${label(t, 'role', p.role)}</td>
                  <td data-label="${t('people.actions')}">
                    <div class="row-actions">
                      <form method="post" action="/console/people/${p.id}/role" class="inline">
                        ${csrfField(c)}
                        <label for="role-${p.id}" class="skip">${t('people.roleOf', { name: p.name })}</label>
                        <select id="role-${p.id}" name="role">
                          ${[...ROLES]
                            .reverse()
                            .map(
                              (r) =>
                                html`<option value="${r}" ${r === p.role ? html` selected` : ''}>
                                  ${label(t, 'role', r)}
                                </option>`,
                            )}
                        </select>
                        <button type="submit" class="secondary">${t('people.changeRole')}</button>
                      </form>
                      <form method="post" action="/console/people/${p.id}/remove" class="inline">
                        ${csrfField(c)}
                        <button type="submit" class="secondary danger">${t('people.remove')}</button>
                      </form>
                    </div>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h2>${t('people.invite')}</h2>
      ${errorSummary(m.errors, t('common.errorsAbove'))}
      <form method="post" action="/console/people/invitations" class="stack">
        ${csrfField(c)}
        ${field({ name: 'email', label: t('people.email'), type: 'email', value: m.values?.email, errors: m.errors, required: true })}
        ${select({ name: 'role', label: t('people.role'), value: m.values?.role ?? 'operator', errors: m.errors, options: [...ROLES].reverse().map((r): [string, string] => [r, label(t, 'role', r)]) })}
        <button type="submit">${t('people.inviteSubmit')}</button>
      </form>
      <h2>${t('people.pending')}</h2>
      ${
        m.pending.length
          ? html`<div class="table-wrap">
              <table class="stacked">
                <thead>
                  <tr>
                    <th scope="col">${t('people.email')}</th>
                    <th scope="col">${t('people.role')}</th>
                    <th scope="col">${t('people.expires')}</th>
                    <th scope="col">${t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${m.pending.map(
                    (i) =>
                      html`<tr>
                        <td data-label="${t('people.email')}">${i.email}</td>
                        <td data-label="${t('people.role')}">${label(t, 'role', i.role)}</td>
                        <td data-label="${t('people.expires')}">${formatInstant(i.expires_at, tz)}</td>
                        <td data-label="${t('common.actions')}">
                          <form method="post" action="/console/people/invitations/${i.id}/revoke">
                            ${csrfField(c)}<button type="submit" class="secondary">
                              ${t('people.revoke')}
                            </button>
                          </form>
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${t('people.pendingNone')}</p>`
      }`,
  );
}
