import type { ChannelResponse } from '../../../channels/src/channel.service.js';
import { CHANNEL_KINDS, type ChannelKind } from '../../../domain/src/channels/index.js';
import { ROLES } from '../../../domain/src/reminders/ladder.js';
import type { SignedInRequest } from '../console-context.js';
import { type Html, html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { errorSummary, type FieldErrors, field, select } from './forms.js';
import { formatInstant, label } from './format.js';
import { csrfField, layout } from './layout.js';

// chat channels (issue 17): the organization's robots and webhooks, written by administrators only.

const canWrite = (c: SignedInRequest) => c.session.role === 'admin';

/** The platform's own name, as people know it (企业微信, 钉钉, 飞书) or "Webhook". */
export const kindName = (c: SignedInRequest, kind: string): string =>
  c.t(`channels.kind.${kind}` as MessageKey);

export interface TestAnswer {
  channelId: string;
  outcome: string;
  message: string;
}

export interface ChannelListModel {
  items: ChannelResponse[];
  vendors: Map<string, string>;
  flash?: string | null;
  tested?: TestAnswer | null;
}

function statusCell(c: SignedInRequest, ch: ChannelResponse): SafeHtml {
  const t = c.t;
  if (ch.status === 'active') return html`<span class="tag ok">${t('channels.status.active')}</span>`;
  const why =
    ch.pausedKind === 'invalid_credentials' ? t('channels.paused.invalid') : (ch.pausedReason ?? '');
  return html`<span class="tag warn">${t('channels.status.paused')}</span>
    <span class="muted"
      >${why}${ch.pausedAt ? ` · ${formatInstant(ch.pausedAt, c.ctx.timeZone)}` : ''}</span
    >`;
}

function testAnswer(c: SignedInRequest, a: TestAnswer | null | undefined, ch: ChannelResponse): Html {
  if (!a || a.channelId !== ch.id) return '';
  const t = c.t;
  const outcome = (
    [
      'ok',
      'rate_limited',
      'transient',
      'invalid_credentials',
      'permanent',
      'unreachable',
      'deferred',
    ] as const
  ).find((o) => o === a.outcome);
  if (!outcome) return '';
  const text = t(`channels.test.${outcome}`);
  return html`<p class="${outcome === 'ok' ? 'flash' : 'alert'}" role="status" id="test-answer">
    ${text} ${t('channels.test.answer', { message: a.message })}
  </p>`;
}

export function channelsPage(c: SignedInRequest, m: ChannelListModel): string {
  const t = c.t;
  const write = canWrite(c);
  const rolesText = (roles: readonly string[]) =>
    roles.map((r) => label(t, 'contactRole', r)).join(t('list.sep'));
  return layout(
    { c, title: t('channels.title'), section: 'channels', flash: m.flash },
    html`<h1>${t('channels.title')}</h1>
      <p class="muted">${t('channels.intro')}</p>
      ${
        write
          ? html`<p class="actions">
              ${CHANNEL_KINDS.map(
                (k) =>
                  html`<a class="button secondary" href="/console/channels/new?kind=${k}"
                    >${t('channels.addKind', { kind: kindName(c, k) })}</a
                  >`,
              )}
            </p>`
          : ''
      }
      ${
        m.items.length
          ? html`<div class="table-wrap">
                <table class="stack-sm" aria-label="${t('channels.title')}">
                  <thead>
                    <tr>
                      <th scope="col">${t('channels.name')}</th>
                      <th scope="col">${t('channels.kind')}</th>
                      <th scope="col">${t('channels.roles')}</th>
                      <th scope="col">${t('channels.scope')}</th>
                      <th scope="col">${t('channels.status')}</th>
                      <th scope="col">${t('channels.target')}</th>
                      ${write ? html`<th scope="col">${t('common.actions')}</th>` : ''}
                    </tr>
                  </thead>
                  <tbody>
                    ${m.items.map(
                      (ch) =>
                        html`<tr id="channel-${ch.id}">
                          <td data-label="${t('channels.name')}">${ch.name}</td>
                          <td data-label="${t('channels.kind')}">${kindName(c, ch.kind)}</td>
                          <td data-label="${t('channels.roles')}">${rolesText(ch.roles)}</td>
                          <td data-label="${t('channels.scope')}">
                            ${
                              ch.vendorId
                                ? t('channels.scope.vendor', { vendor: m.vendors.get(ch.vendorId) ?? '—' })
                                : t('channels.scope.organization')
                            }
                          </td>
                          <td data-label="${t('channels.status')}">${statusCell(c, ch)}</td>
                          <td data-label="${t('channels.target')}">
                            <code class="target">${ch.target}</code>
                          </td>
                          ${
                            write
                              ? html`<td class="row-actions">
                                  <form method="post" action="/console/channels/${ch.id}/test">
                                    ${csrfField(c)}
                                    <button type="submit" class="link">${t('channels.test')}</button>
                                  </form>
                                  ${
                                    ch.status === 'active'
                                      ? html`<form method="post" action="/console/channels/${ch.id}/pause">
                                          ${csrfField(c)}
                                          <button type="submit" class="link">${t('channels.pause')}</button>
                                        </form>`
                                      : html`<form method="post" action="/console/channels/${ch.id}/resume">
                                          ${csrfField(c)}
                                          <button type="submit" class="link">${t('channels.resume')}</button>
                                        </form>`
                                  }
                                  <a href="/console/channels/${ch.id}/delete">${t('channels.remove')}</a>
                                </td>`
                              : ''
                          }
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              ${m.items.map((ch) => testAnswer(c, m.tested, ch))}`
          : html`<p>${t('channels.none')}</p>`
      }`,
  );
}

export const CHANNEL_FIELDS = ['kind', 'name', 'url', 'secret', 'vendorId'] as const;

export interface ChannelFormModel {
  kind: ChannelKind;
  values: Record<string, string | undefined>;
  roles: string[];
  errors?: FieldErrors;
  vendors: { id: string; name: string }[];
}

export function channelFormPage(c: SignedInRequest, m: ChannelFormModel): string {
  const t = c.t;
  const v = m.values;
  const e = m.errors;
  const title = t('channels.addKind', { kind: kindName(c, m.kind) });
  return layout(
    { c, title, section: 'channels' },
    html`<h1>${title}</h1>
      ${errorSummary(e, t('common.errorsAbove'))}
      <p class="muted">${t('channels.writeOnly')}</p>
      <form method="post" action="/console/channels" class="stack" novalidate>
        ${csrfField(c)}
        <input type="hidden" name="kind" value="${m.kind}" />
        ${e?.kind ? html`<p class="alert">${e.kind.join(' ')}</p>` : ''}
        ${field({ name: 'name', label: t('channels.name'), hint: t('channels.name.hint'), value: v.name, errors: e, required: true })}
        ${field({ name: 'url', label: t('channels.url'), hint: t(`channels.url.hint.${m.kind}`), value: v.url, errors: e, required: true, autocomplete: 'off' })}
        ${
          m.kind === 'wecom'
            ? ''
            : field({
                name: 'secret',
                label: t('channels.secret'),
                hint: t(`channels.secret.hint.${m.kind}`),
                type: 'password',
                value: '',
                errors: e,
                required: true,
                autocomplete: 'new-password',
              })
        }
        <fieldset class="field">
          <legend>${t('channels.roles')}</legend>
          <span class="hint">${t('channels.roles.hint')}</span>
          ${ROLES.map(
            (r) =>
              html`<label
                ><input
                  type="checkbox"
                  name="roles"
                  value="${r}"
                  ${m.roles.includes(r) ? html` checked` : ''}
                />
                ${label(t, 'contactRole', r)}</label
              >`,
          )}${e?.roles ? html`<span class="error">${e.roles.join(' ')}</span>` : ''}
        </fieldset>
        ${select({ name: 'vendorId', label: t('channels.scope'), value: v.vendorId ?? '', errors: e, options: [['', t('channels.scope.organization')], ...m.vendors.map((x): [string, string] => [x.id, t('channels.scope.vendor', { vendor: x.name })])] })}
        <button type="submit">${t('channels.create')}</button>
        <a href="/console/channels">${t('common.cancel')}</a>
      </form>`,
  );
}

export function channelDeletePage(c: SignedInRequest, ch: ChannelResponse): string {
  const t = c.t;
  const title = t('channels.removeTitle', { name: ch.name });
  return layout(
    { c, title, section: 'channels' },
    html`<h1>${title}</h1>
      <p>${t('channels.removeConfirm', { kind: kindName(c, ch.kind), pending: ch.pending ?? 0 })}</p>
      <form method="post" action="/console/channels/${ch.id}/delete" class="stack">
        ${csrfField(c)}
        <button type="submit">${t('channels.removeYes')}</button>
        <a href="/console/channels">${t('common.cancel')}</a>
      </form>`,
  );
}
