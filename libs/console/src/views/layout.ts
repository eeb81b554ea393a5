import { STYLESHEET } from '../assets.js';
import type { ConsoleRequest } from '../console-context.js';
import { type Html, html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { roleAllows } from '../../../people/src/roles.js';

export type Section =
  | 'overview'
  | 'deadlines'
  | 'miniPrograms'
  | 'people'
  // vendor continuity (issue 16, items 1-4)
  | 'vendors'
  | 'contacts'
  | 'risk'
  | 'history'
  // exports and settings (issue 16, items 5-6)
  | 'exports'
  | 'settings'
  // chat channels (issue 17)
  | 'channels';

export interface LayoutModel {
  c: ConsoleRequest;
  title: string;
  section?: Section;
  flash?: string | null;
}

const NAV: [Section, string, MessageKey][] = [
  ['overview', '/console', 'nav.overview'],
  ['deadlines', '/console/deadlines', 'nav.deadlines'],
  ['miniPrograms', '/console/mini-programs', 'nav.miniPrograms'],
  ['vendors', '/console/vendors', 'nav.vendors'],
  ['contacts', '/console/contacts', 'nav.contacts'],
  ['risk', '/console/risk', 'nav.risk'],
  ['people', '/console/people', 'nav.people'],
  ['history', '/console/history', 'nav.history'],
  ['exports', '/console/exports', 'nav.exports'],
  ['settings', '/console/settings', 'nav.settings'],
  ['channels', '/console/channels', 'nav.channels'],
];

/** Sections only an administrator sees (the server refuses their routes to anyone else as well). */
const ADMIN_SECTIONS: readonly Section[] = ['people', 'settings'];

export function csrfField(c: ConsoleRequest): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${c.csrf}" />`;
}

/** The one layout of every console page. */
export function layout(m: LayoutModel, body: SafeHtml): string {
  const { c } = m;
  const t = c.t;
  const other = c.locale === 'zh-CN' ? 'en' : 'zh-CN';
  const languageLink = `/console/language?to=${other}&next=${encodeURIComponent(c.path)}`;
  const s = c.session;
  const header: Html = s
    ? html`<span>${t('nav.signedInAs', { name: s.person.name, role: t(`role.${s.role}`) })}</span>
        ${
          c.memberships.length > 1
            ? html`<form method="post" action="/console/organization">
                ${csrfField(c)}
                <label for="org-switch" class="skip">${t('nav.organization')}</label>
                <select id="org-switch" name="organizationId">
                  ${c.memberships.map(
                    (o) =>
                      html`<option
                        value="${o.organizationId}"
                        ${o.organizationId === s.organization.id ? html` selected` : ''}
                      >
                        ${o.organizationName}
                      </option>`,
                  )}
                </select>
                <button type="submit" class="secondary">${t('nav.switch')}</button>
              </form>`
            : html`<span>${s.organization.name}</span>`
        }
        <a href="${languageLink}" lang="${other}">${t('nav.language')}</a>
        <form method="post" action="/console/sign-out">
          ${csrfField(c)}<button type="submit" class="link">${t('nav.signOut')}</button>
        </form>
        <form method="post" action="/console/sign-out-everywhere">
          ${csrfField(c)}<button type="submit" class="link">${t('nav.signOutEverywhere')}</button>
        </form>`
    : html`<a href="${languageLink}" lang="${other}">${t('nav.language')}</a>`;
  const nav = s
    ? html`<nav class="main" aria-label="${t('nav.main')}">
        ${NAV.filter(
          ([section]) =>
            (!ADMIN_SECTIONS.includes(section) || s.role === 'admin') &&
            (section !== 'channels' || roleAllows(s.role, 'manager')),
        ).map(
          ([section, href, key]) =>
            html`<a
              href="${section === 'history' && !roleAllows(s.role, 'manager') ? '/console/deliveries' : href}"
              ${section === m.section ? html` aria-current="page"` : ''}
              >${t(key)}</a
            >`,
        )}
      </nav>`
    : '';
  return html`<!doctype html>
    <html lang="${c.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${m.title} · ${t('app.name')}</title>
        <link rel="stylesheet" href="/console/assets/${STYLESHEET.name}" />
      </head>
      <body>
        <a class="skip" href="#main">${t('app.skip')}</a>
        <header class="top"><a class="brand" href="/console">${t('app.name')}</a>${header}</header>
        ${nav}
        <main id="main">${m.flash ? html`<p class="flash" role="status">${m.flash}</p>` : ''} ${body}</main>
      </body>
    </html>`.value;
}
