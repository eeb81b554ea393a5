import { compareLocalDates, type LocalDate } from '../time/index.js';

export type WechatFindingCode =
  | 'invalid_secret'
  | 'invalid_app_id'
  | 'ip_not_whitelisted'
  | 'api_unauthorized'
  | 'quota_exceeded'
  | 'token_expired'
  | 'wechat_busy'
  | 'wechat_unreachable'
  | 'wechat_error'
  | 'secret_unreadable'
  | 'certification_lost'
  | 'not_certified'
  | 'review_window_open'
  | 'no_review_window'
  | 'registry_disagrees'
  | 'icp_filed'
  | 'icp_not_filed'
  | 'icp_in_review'
  | 'icp_rejected'
  | 'icp_canceling';

export type FindingSeverity = 'urgent' | 'warning' | 'info';

export interface WechatFinding {
  code: WechatFindingCode;
  severity: FindingSeverity;
  message: { 'zh-CN': string; en: string };
  details: Record<string, unknown>;
}

/** The WeChat APIs the sync calls, as named in findings. */
export type WechatApi = 'stable_token' | 'getaccountbasicinfo' | 'get_icp_entrance_info';

/** Errors that mean "the access token is no longer good": refresh it once and call again. */
export const TOKEN_EXPIRED_CODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
/** Worth another try after a pause: WeChat busy (-1). Everything else is an answer, not an accident. */
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([-1]);

const finding = (
  code: WechatFindingCode,
  severity: FindingSeverity,
  zh: string,
  en: string,
  details: Record<string, unknown> = {},
): WechatFinding => ({ code, severity, message: { 'zh-CN': zh, en }, details });

/**
 * The outbound address WeChat saw, from its own error message, e.g. 40164 "invalid ip 203.0.113.7 ipv6
 * ::ffff:203.0.113.7, not in whitelist rid: ..." or 61004 "access clientip is not registered requestIP:
 * 203.0.113.7 rid: ...". Null when the message names none.
 */
export function whitelistAddressOf(errmsg: string): string | null {
  const v4 = /\b(\d{1,3}(?:\.\d{1,3}){3})\b/.exec(errmsg);
  if (v4 && v4[1].split('.').every((o) => Number(o) <= 255)) return v4[1];
  const v6 = /\b((?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4})\b/i.exec(errmsg);
  return v6 ? v6[1] : null;
}

/** What an error code from WeChat means to the owner, in both languages; `api` says which call answered it. */
export function errorFinding(errcode: number, errmsg: string, api: WechatApi): WechatFinding {
  const details = { errcode, errmsg, api };
  switch (errcode) {
    case 40001:
    case 40125:
      if (api === 'stable_token' || errcode === 40125) {
        return finding(
          'invalid_secret',
          'urgent',
          'AppSecret 无效：可能已在微信公众平台“开发管理 > 开发设置”中被重置（服务商离开时常见）。请由管理员重置并取得新的 AppSecret，再重新保存到 mp-guard。',
          'The AppSecret is not valid: it may have been reset under Development > Development settings in the WeChat admin console (common when a vendor leaves). Have the admin reset it and store the new AppSecret in mp-guard.',
          details,
        );
      }
      return tokenExpired(details);
    case 40014:
    case 42001:
      return tokenExpired(details);
    case 40013:
      return finding(
        'invalid_app_id',
        'urgent',
        'WeChat 不认识这个 AppID：请核对登记的 AppID 与保存的 AppSecret 是否属于同一个小程序。',
        'WeChat does not recognise this AppID: check that the registered AppID and the stored AppSecret belong to the same mini-program.',
        details,
      );
    case 40164:
    case 61004: {
      const address = whitelistAddressOf(errmsg);
      const zhWhere = address
        ? `本服务器的出口地址 ${address}`
        : '本服务器的出口地址（WeChat 未在错误中给出）';
      const enWhere = address
        ? `this server's outbound address ${address}`
        : "this server's outbound address (WeChat's answer did not name it)";
      return finding(
        'ip_not_whitelisted',
        'urgent',
        `WeChat 拒绝了来自未登记 IP 的调用：请管理员在微信公众平台“开发管理 > 开发设置 > IP白名单”中加入${zhWhere}。`,
        `WeChat refused the call from an address not on the IP whitelist: have the admin add ${enWhere} under Development > Development settings > IP whitelist in the WeChat admin console.`,
        { ...details, address },
      );
    }
    case 48001:
      return finding(
        'api_unauthorized',
        'warning',
        `此小程序没有调用 ${api} 接口的权限（48001）：该项信息未能读取，其余照常同步。`,
        `This mini-program is not authorized to call ${api} (48001): that part was not read; the rest was synced.`,
        details,
      );
    case 45009:
    case 45011:
      return finding(
        'quota_exceeded',
        'warning',
        `${api} 接口调用次数已达上限（${errcode}）：明天的同步会再试；也可在微信公众平台查看接口额度。`,
        `WeChat's call quota for ${api} is used up (${errcode}): tomorrow's sync tries again; the quota is shown in the WeChat admin console.`,
        details,
      );
    case -1:
      return finding(
        'wechat_busy',
        'warning',
        'WeChat 系统繁忙（-1），重试后仍未成功：下次同步会再试。',
        'WeChat was busy (-1) and still was after the retries: the next sync tries again.',
        details,
      );
    default:
      return finding(
        'wechat_error',
        'warning',
        `WeChat 返回错误 ${errcode}：${errmsg}`,
        `WeChat answered error ${errcode}: ${errmsg}`,
        details,
      );
  }
}

function tokenExpired(details: Record<string, unknown>): WechatFinding {
  return finding(
    'token_expired',
    'warning',
    '访问令牌在同步中失效，刷新一次后仍被拒绝：可能有其他系统正在强制刷新令牌（force_refresh）。下次同步会再试。',
    'The access token stopped working mid-sync and was refused again after one refresh: another system may be force-refreshing tokens. The next sync tries again.',
    details,
  );
}

export function unreachableFinding(api: WechatApi, reason: string): WechatFinding {
  return finding(
    'wechat_unreachable',
    'warning',
    `无法连接 WeChat（${api}：${reason}），重试后仍失败：下次同步会再试。`,
    `WeChat could not be reached (${api}: ${reason}), also after the retries: the next sync tries again.`,
    { api, reason },
  );
}

export function secretUnreadableFinding(reason: string): WechatFinding {
  return finding(
    'secret_unreadable',
    'urgent',
    `保存的 AppSecret 无法解密（${reason}）：请检查 SECRETS_KEY / SECRETS_PREVIOUS_KEYS，或重新保存 AppSecret。`,
    `The stored AppSecret cannot be decrypted (${reason}): check SECRETS_KEY / SECRETS_PREVIOUS_KEYS, or store the AppSecret again.`,
    { reason },
  );
}

/** `wx_verify_info` of getaccountbasicinfo; the review times are unix seconds and present only when a review applies. */
export interface WxVerifyInfo {
  qualification_verify: boolean;
  naming_verify?: boolean;
  annual_review?: boolean;
  annual_review_begin_time?: number;
  annual_review_end_time?: number;
}

export type CertificationPlan =
  | { action: 'keep' }
  | { action: 'set'; from: LocalDate | null; to: LocalDate }
  | { action: 'disagree'; registry: LocalDate; wechat: LocalDate };

/**
 * What to do with the registry's certification expiry given the end of the review window WeChat reports.
 * No window means no review is open (not that the certification expired): keep. A date nobody entered, or
 * the one an earlier sync set, follows WeChat; a different date someone typed is a disagreement to show,
 * never overwritten.
 */
export function planCertificationDate(input: {
  registry: LocalDate | null;
  lastApplied: LocalDate | null;
  wechat: LocalDate | null;
}): CertificationPlan {
  const { registry, lastApplied, wechat } = input;
  if (wechat === null) return { action: 'keep' };
  if (registry !== null && compareLocalDates(registry, wechat) === 0) return { action: 'keep' };
  if (registry === null || registry === lastApplied) return { action: 'set', from: registry, to: wechat };
  return { action: 'disagree', registry, wechat };
}

export interface AccountAssessment {
  findings: WechatFinding[];
  plan: CertificationPlan;
  /** True when certification was held (by the last sync, or the registry says so) and WeChat says it is gone. */
  certificationLost: boolean;
}

/**
 * Findings of one getaccountbasicinfo answer. `reviewStartsOn`/`reviewEndsOn` are the local dates (in the
 * organization's zone) of the review window's times, computed by the caller from the unix seconds.
 */
export function assessAccount(input: {
  info: WxVerifyInfo;
  reviewStartsOn: LocalDate | null;
  reviewEndsOn: LocalDate | null;
  registry: LocalDate | null;
  lastApplied: LocalDate | null;
  previouslyQualified: boolean | null;
}): AccountAssessment {
  const findings: WechatFinding[] = [];
  const { info } = input;
  if (!info.qualification_verify) {
    const held = input.previouslyQualified === true || input.registry !== null;
    if (held) {
      findings.push(
        finding(
          'certification_lost',
          'urgent',
          '微信认证已失效（qualification_verify 为 false）：小程序将无法发布新版本并退出搜索，随后分享、新用户和支付也会受限。请立即由管理员登录微信公众平台处理认证。',
          'WeChat certification is gone (qualification_verify is false): the mini-program can no longer publish versions and leaves search, then sharing, new users and payments stop. Have the admin sign in to the WeChat admin console and renew the certification now.',
          { registry: input.registry, previouslyQualified: input.previouslyQualified },
        ),
      );
    } else {
      findings.push(
        finding(
          'not_certified',
          'info',
          '该小程序未完成微信认证：没有年审。',
          'This mini-program is not WeChat-certified: there is no annual review.',
        ),
      );
    }
    return { findings, plan: { action: 'keep' }, certificationLost: held };
  }
  const plan = planCertificationDate({
    registry: input.registry,
    lastApplied: input.lastApplied,
    wechat: input.reviewEndsOn,
  });
  if (input.reviewEndsOn === null) {
    findings.push(
      finding(
        'no_review_window',
        'info',
        '当前没有开放的年审窗口（WeChat 未返回年审截止时间）：认证有效，登记的日期保持不变。',
        'No review window is open (WeChat returned no review end time): the certification stands and the registered date is kept.',
      ),
    );
  } else {
    findings.push(
      finding(
        'review_window_open',
        'info',
        `年审窗口${input.reviewStartsOn ? ` ${input.reviewStartsOn} 起` : ''}，截止 ${input.reviewEndsOn}。`,
        `Review window${input.reviewStartsOn ? ` from ${input.reviewStartsOn}` : ''} until ${input.reviewEndsOn}.`,
        { startsOn: input.reviewStartsOn, endsOn: input.reviewEndsOn },
      ),
    );
  }
  if (plan.action === 'disagree') {
    findings.push(
      finding(
        'registry_disagrees',
        'warning',
        `登记的认证到期日 ${plan.registry} 与 WeChat 的年审截止日 ${plan.wechat} 不一致：未自动覆盖。核实后请修改登记日期（PATCH certificationExpiresOn）。`,
        `The registered certification expiry ${plan.registry} differs from WeChat's review end ${plan.wechat}: not overwritten. Check, then correct the registered date (PATCH certificationExpiresOn).`,
        { registry: plan.registry, wechat: plan.wechat },
      ),
    );
  }
  return { findings, plan, certificationLost: false };
}

/** `info` of get_icp_entrance_info. */
export interface IcpEntranceInfo {
  status: number;
  is_canceling?: boolean;
  audit_data?: { key_name: string; error: string; suggest: string }[];
  available?: number;
  sms_verify_status?: number;
}

const ICP_STATUS: Record<number, { zh: string; en: string }> = {
  2: { zh: '平台审核中', en: 'under platform review' },
  3: { zh: '平台审核驳回', en: 'rejected by the platform' },
  4: { zh: '管局审核中', en: 'under review by the provincial bureau' },
  5: { zh: '管局审核驳回', en: 'rejected by the provincial bureau' },
  6: { zh: '已备案', en: 'filed' },
};

/** The filing status as a finding (status values from getIcpEntranceInfo's enumeration). */
export function assessIcp(info: IcpEntranceInfo): WechatFinding[] {
  const findings: WechatFinding[] = [];
  const label = ICP_STATUS[info.status] ?? (info.status >= 1024 ? { zh: '未备案', en: 'not filed' } : null);
  const details = { status: info.status, label: label?.en ?? null };
  if (info.status === 6) {
    findings.push(finding('icp_filed', 'info', '小程序已备案。', 'The mini-program is filed.', details));
  } else if (info.status === 3 || info.status === 5) {
    const reasons = (info.audit_data ?? []).map((a) => `${a.key_name}: ${a.error} (${a.suggest})`);
    findings.push(
      finding(
        'icp_rejected',
        'urgent',
        `小程序备案被驳回（${label.zh}）：${reasons.join('；') || '未给出原因'}`,
        `The mini-program filing was rejected (${label.en}): ${reasons.join('; ') || 'no reason given'}`,
        { ...details, reasons: info.audit_data ?? [] },
      ),
    );
  } else if (info.status === 2 || info.status === 4) {
    findings.push(
      finding('icp_in_review', 'info', `小程序备案${label.zh}。`, `The mini-program filing is ${label.en}.`, {
        ...details,
        smsVerifyStatus: info.sms_verify_status ?? null,
      }),
    );
  } else {
    findings.push(
      finding(
        'icp_not_filed',
        'urgent',
        `小程序未备案（状态 ${info.status}）：未备案的小程序会被下架，请尽快提交备案（平台、短信核验与管局审核共需 20-30 个工作日）。`,
        `The mini-program is not filed (status ${info.status}): unfiled mini-programs are taken down; file now (platform check, SMS verification and bureau review take 20-30 working days).`,
        details,
      ),
    );
  }
  if (info.is_canceling) {
    findings.push(
      finding(
        'icp_canceling',
        'urgent',
        '小程序备案正在注销中：注销后无法恢复。',
        'The mini-program filing is being cancelled: a cancellation cannot be undone.',
        details,
      ),
    );
  }
  return findings;
}
