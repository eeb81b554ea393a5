import { createHmac } from 'node:crypto';

/**
 * DingTalk custom robot, "加签" (open.dingtalk.com, 自定义机器人安全设置): the string to sign is
 * `timestamp + "\n" + secret`, timestamp in milliseconds, HMAC-SHA256 keyed by the secret (the `SEC…`
 * string), Base64; the caller puts it URL-encoded in the query with the timestamp. DingTalk refuses a
 * timestamp more than one hour from its clock.
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestampMs}\n${secret}`, 'utf8')
    .digest('base64');
}

/** The DingTalk send URL: `…/robot/send?access_token=…&timestamp=…&sign=urlencode(sign)`. */
export function dingtalkSendUrl(
  baseUrl: string,
  accessToken: string,
  secret: string,
  timestampMs: number,
): URL {
  const url = new URL('robot/send', baseUrl.replace(/\/?$/, '/'));
  url.searchParams.set('access_token', accessToken);
  url.searchParams.set('timestamp', String(timestampMs));
  // URLSearchParams encodes '+', '/' and '=' (%2B, %2F, %3D), as DingTalk's urlEncode step asks.
  url.searchParams.set('sign', dingtalkSign(secret, timestampMs));
  return url;
}

/**
 * Feishu custom bot, "签名校验" (open.feishu.cn, 自定义机器人使用指南): DingTalk's reversed. HMAC-SHA256
 * KEYED by `timestamp + "\n" + secret` over an EMPTY message, Base64; timestamp in SECONDS, both in the
 * JSON body (`timestamp` as a string, `sign`). Feishu refuses a timestamp more than one hour off (19021).
 */
export function feishuSign(secret: string, timestampS: number): string {
  return createHmac('sha256', Buffer.from(`${timestampS}\n${secret}`, 'utf8'))
    .update(Buffer.alloc(0))
    .digest('base64');
}

export const WHSEC_PREFIX = 'whsec_';

/** The key of a Standard Webhooks secret: the base64 after `whsec_`, decoded (null when it is not one). */
export function standardWebhooksKey(secret: string): Buffer | null {
  if (!secret.startsWith(WHSEC_PREFIX)) return null;
  const b64 = secret.slice(WHSEC_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const key = Buffer.from(b64, 'base64');
  // The spec recommends keys of 24 to 64 bytes.
  return key.length >= 24 && key.length <= 64 ? key : null;
}

/**
 * Standard Webhooks (standard-webhooks/standard-webhooks, libraries/javascript/src/index.ts `sign`):
 * `v1,` + Base64(HMAC-SHA256(key = base64-decoded whsec_ secret, msg = `${id}.${timestamp}.${body}`)),
 * timestamp in seconds, body the exact bytes sent.
 */
export function standardWebhookSignature(
  secret: string,
  id: string,
  timestampS: number,
  body: string,
): string {
  const key = standardWebhooksKey(secret);
  if (!key) throw new RangeError('not a whsec_ secret');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampS}.${body}`, 'utf8').digest('base64')}`;
}

/** The three headers of a Standard Webhooks request. */
export function standardWebhookHeaders(
  secret: string,
  id: string,
  timestampS: number,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampS),
    'webhook-signature': standardWebhookSignature(secret, id, timestampS, body),
  };
}
