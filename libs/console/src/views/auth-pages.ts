import type { ConsoleRequest } from '../console-context.js';
import { html } from '../html.js';
import { alert, type FieldErrors, field } from './forms.js';
import { csrfField, layout } from './layout.js';

export interface SignInModel {
  email?: string;
  next: string;
  error?: string | null;
  notice?: string | null;
}

export function signInPage(c: ConsoleRequest, m: SignInModel): string {
  const t = c.t;
  return layout(
    { c, title: t('signIn.title'), flash: m.notice },
    html`<div class="narrow">
      <h1>${t('signIn.title')}</h1>
      ${alert(m.error)}
      <form method="post" action="/console/sign-in" class="stack">
        ${csrfField(c)}
        <input type="hidden" name="next" value="${m.next}" />
        ${field({ name: 'email', label: t('signIn.email'), type: 'email', value: m.email, required: true, autocomplete: 'username' })}
        ${field({ name: 'password', label: t('signIn.password'), type: 'password', required: true, autocomplete: 'current-password' })}
        <button type="submit">${t('signIn.submit')}</button>
      </form>
      <p><a href="/console/reset">${t('signIn.forgot')}</a></p>
    </div>`,
  );
}

export interface InvitationModel {
  token: string;
  purpose: 'invite' | 'reset';
  inviter?: string;
  organizationName: string;
  email: string;
  role: string | null;
  existingUser: boolean;
  name?: string;
  errors?: FieldErrors;
}

export function invitationPage(c: ConsoleRequest, m: InvitationModel): string {
  const t = c.t;
  const invite = m.purpose === 'invite';
  const title = invite ? t('invite.title') : t('reset.title');
  const action = `/console/${invite ? 'invitations' : 'reset'}/${m.token}`;
  return layout(
    { c, title },
    html`<div class="narrow">
      <h1>${title}</h1>
      ${invite ? html`<p>${t('invite.intro', { inviter: m.inviter ?? '', org: m.organizationName, role: m.role ? t(`role.${m.role}` as never) : '' })}</p>` : ''}
      <p>${t('invite.email', { email: m.email })}</p>
      <form method="post" action="${action}" class="stack">
        ${csrfField(c)}
        ${
          invite && m.existingUser
            ? field({
                name: 'password',
                label: t('invite.existingPassword'),
                type: 'password',
                required: true,
                errors: m.errors,
                autocomplete: 'current-password',
              })
            : html`${invite ? field({ name: 'name', label: t('invite.name'), value: m.name, required: true, errors: m.errors, autocomplete: 'name' }) : ''}
              ${field({ name: 'password', label: invite ? t('invite.password') : t('reset.newPassword'), type: 'password', hint: t('invite.passwordHint'), required: true, errors: m.errors, autocomplete: 'new-password' })}`
        }
        <button type="submit">${invite ? t('invite.submit') : t('reset.setSubmit')}</button>
      </form>
    </div>`,
  );
}

export function linkUnusablePage(
  c: ConsoleRequest,
  reason: 'invalid' | 'expired' | 'used' | 'revoked',
): string {
  const t = c.t;
  return layout(
    { c, title: t('invite.title') },
    html`<div class="narrow">
      <h1>${t('invite.title')}</h1>
      ${alert(t(`invite.${reason}`))}
      <p><a href="/console/sign-in">${t('signIn.title')}</a></p>
    </div>`,
  );
}

export function resetRequestPage(
  c: ConsoleRequest,
  m: { sent: boolean; email?: string; errors?: FieldErrors },
): string {
  const t = c.t;
  return layout(
    { c, title: t('reset.title'), flash: m.sent ? t('reset.sent') : null },
    html`<div class="narrow">
      <h1>${t('reset.title')}</h1>
      <p>${t('reset.intro')}</p>
      <form method="post" action="/console/reset" class="stack">
        ${csrfField(c)}
        ${field({ name: 'email', label: t('reset.email'), type: 'email', value: m.email, required: true, errors: m.errors, autocomplete: 'username' })}
        <button type="submit">${t('reset.submit')}</button>
      </form>
      <p><a href="/console/sign-in">${t('signIn.title')}</a></p>
    </div>`,
  );
}

export function errorPage(c: ConsoleRequest, title: string, body: string): string {
  return layout(
    { c, title },
    html`<h1>${title}</h1>
      <p>${body}</p>
      <p><a href="/console">${c.t('error.back')}</a></p>`,
  );
}
