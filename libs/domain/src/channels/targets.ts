import { type ChannelKind } from './platforms.js';
import { standardWebhooksKey } from './signatures.js';

/** What a channel needs to post, sealed at rest: the robot's key/token (or the webhook URL) and its secret. */
export interface ChannelTarget {
  /** WeCom: the `key`; DingTalk: the `access_token`; Feishu: the hook token; webhook: the whole URL. */
  token: string;
  secret: string | null;
}

export type TargetResult =
  | { ok: true; target: ChannelTarget; hint: string }
  | { ok: false; problems: { field: 'url' | 'secret'; rule: string }[] };

const RULES = {
  wecom: 'must be the WeCom robot webhook https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
  dingtalk: 'must be the DingTalk robot webhook https://oapi.dingtalk.com/robot/send?access_token=…',
  feishu: 'must be the Feishu bot webhook https://open.feishu.cn/open-apis/bot/v2/hook/…',
  webhook: 'must be an https:// URL without user name or password',
} as const;

const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;

function parseUrl(text: unknown): URL | null {
  if (typeof text !== 'string' || text.length > 2000) return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * Checks the URL and secret a person pasted for a channel of `kind`, and returns what to seal and the
 * masked form to show from then on ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****"). The
 * chat platforms' hosts are fixed, so a pasted URL can never point the robot client anywhere else.
 * `allowHttp` (tests and local demos only) admits http:// for the generic webhook.
 */
export function parseChannelTarget(
  kind: ChannelKind,
  urlText: unknown,
  secretText: unknown,
  options: { allowHttp?: boolean } = {},
): TargetResult {
  const problems: { field: 'url' | 'secret'; rule: string }[] = [];
  const url = parseUrl(urlText);
  const secret = typeof secretText === 'string' && secretText.trim() !== '' ? secretText.trim() : null;
  if (secretText !== undefined && secretText !== null && typeof secretText !== 'string')
    problems.push({ field: 'secret', rule: 'must be a string' });
  let token: string | null = null;
  let hint = '';
  const https = url?.protocol === 'https:' && !url.username && !url.password && !url.port;
  switch (kind) {
    case 'wecom': {
      const key = url?.searchParams.get('key') ?? '';
      if (
        https &&
        url.hostname === 'qyapi.weixin.qq.com' &&
        url.pathname === '/cgi-bin/webhook/send' &&
        TOKEN.test(key)
      ) {
        token = key;
        hint = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****';
      }
      break;
    }
    case 'dingtalk': {
      const t = url?.searchParams.get('access_token') ?? '';
      if (https && url.hostname === 'oapi.dingtalk.com' && url.pathname === '/robot/send' && TOKEN.test(t)) {
        token = t;
        hint = 'https://oapi.dingtalk.com/robot/send?access_token=****';
      }
      if (!secret)
        problems.push({ field: 'secret', rule: "is required: the robot's 加签 secret (starts with SEC)" });
      else if (!/^SEC[0-9a-f]{16,128}$/i.test(secret))
        problems.push({
          field: 'secret',
          rule: "must be the robot's 加签 secret: SEC followed by hexadecimal digits",
        });
      break;
    }
    case 'feishu': {
      const m = /^\/open-apis\/bot\/v2\/hook\/([A-Za-z0-9_-]{8,128})$/.exec(url?.pathname ?? '');
      if (https && url.hostname === 'open.feishu.cn' && m && !url.search) {
        token = m[1];
        hint = 'https://open.feishu.cn/open-apis/bot/v2/hook/****';
      }
      if (!secret) problems.push({ field: 'secret', rule: "is required: the bot's 签名校验 secret" });
      else if (!/^[A-Za-z0-9]{8,128}$/.test(secret))
        problems.push({ field: 'secret', rule: "must be the bot's 签名校验 secret (letters and digits)" });
      break;
    }
    case 'webhook': {
      const scheme = url?.protocol === 'https:' || (options.allowHttp === true && url?.protocol === 'http:');
      if (url && scheme && !url.username && !url.password && !url.hash) {
        token = url.toString();
        hint = `${url.protocol}//${url.host}/****`;
      }
      if (!secret)
        problems.push({ field: 'secret', rule: 'is required: a Standard Webhooks secret whsec_…' });
      else if (!standardWebhooksKey(secret))
        problems.push({
          field: 'secret',
          rule: 'must be whsec_ followed by the base64 of 24 to 64 random bytes (Standard Webhooks)',
        });
      break;
    }
  }
  if (token === null) problems.unshift({ field: 'url', rule: RULES[kind] });
  if (problems.length) return { ok: false, problems };
  return { ok: true, target: { token: token!, secret }, hint };
}
