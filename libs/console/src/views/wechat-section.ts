import type { WechatFinding } from '../../../domain/src/wechat/index.js';
import { roleAllows } from '../../../people/src/roles.js';
import type { WechatStatusService } from '../../../wechat/src/wechat-status.service.js';
import type { SignedInRequest } from '../console-context.js';
import { html } from '../html.js';
import { formatInstant, label } from './format.js';
import { csrfField } from './layout.js';

export type WechatStatus = Awaited<ReturnType<WechatStatusService['status']>>;

interface AccountRead {
  wxVerifyInfo?: { qualification_verify?: boolean };
  reviewStartsOn?: string | null;
  reviewEndsOn?: string | null;
}

/** One mini-program's WeChat section: whether a secret is stored (never the secret), what the last sync read. */
export function wechatSection(c: SignedInRequest, s: WechatStatus, miniProgramId: string) {
  const t = c.t;
  const tz = c.session.organization.timeZone;
  const last = s.lastSync;
  const account = last?.read.account as AccountRead | undefined;
  const icp = last?.read.icp as { status?: number } | undefined;
  const icpText =
    typeof icp?.status === 'number'
      ? icp.status >= 1024
        ? t('wx.icp.notFiled')
        : label(t, 'wx.icp', String(icp.status))
      : t('common.none');
  const tone = (f: WechatFinding) =>
    f.severity === 'urgent' ? 'danger' : f.severity === 'warning' ? 'warn' : 'ok';
  const canSync = roleAllows(c.session.role, 'operator') && s.credential.stored;
  return html`<section aria-labelledby="wechat-title">
    <h2 id="wechat-title">${t('wx.title')}</h2>
    <dl class="facts">
      <dt>${t('wx.secret')}</dt>
      <dd>
        ${
          s.credential.stored
            ? t('wx.secretStored', { at: formatInstant(s.credential.updatedAt, tz) })
            : t('wx.secretMissing')
        }
      </dd>
      <dt>${t('wx.lastSync')}</dt>
      <dd>
        ${
          last
            ? html`<time datetime="${last.syncedAt}">${formatInstant(last.syncedAt, tz)}</time>
                ${label(t, 'wx.outcome', last.outcome)}`
            : t('wx.never')
        }
      </dd>
      ${
        account
          ? html`<dt>${t('wx.certification')}</dt>
              <dd>
                ${
                  account.wxVerifyInfo?.qualification_verify === true
                    ? t('wx.certified')
                    : t('wx.notCertified')
                }
              </dd>
              <dt>${t('wx.reviewWindow')}</dt>
              <dd data-testid="wechat-review">
                ${
                  account.reviewEndsOn
                    ? `${account.reviewStartsOn ?? ''} – ${account.reviewEndsOn}`
                    : t('wx.reviewNone')
                }
              </dd>`
          : ''
      }
      ${
        last
          ? html`<dt>${t('wx.icp')}</dt>
              <dd>${icpText}</dd>`
          : ''
      }
    </dl>
    ${
      last?.findings.length
        ? html`<h3>${t('wx.findings')}</h3>
            <ul>
              ${last.findings.map(
                (f) =>
                  html`<li>
                    <span class="tag ${tone(f)}">${label(t, 'wx.severity', f.severity)}</span>
                    ${f.message[c.locale]}
                  </li>`,
              )}
            </ul>`
        : ''
    }
    ${
      canSync
        ? html`<form method="post" action="/console/mini-programs/${miniProgramId}/wechat/sync">
            ${csrfField(c)}
            <button type="submit">${t('wx.syncNow')}</button>
          </form>`
        : ''
    }
  </section>`;
}
