import { PLATFORM_LIMITS, type ChannelKind } from './platforms.js';
import type { ChannelPayload } from './render.js';
import { dingtalkSendUrl, feishuSign, standardWebhookHeaders } from './signatures.js';
import type { ChannelTarget } from './targets.js';
import { utf8Bytes } from './truncate.js';

export interface PlatformBaseUrls {
  wecom: string;
  dingtalk: string;
  feishu: string;
}

export interface RobotRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/**
 * The exact HTTP request of one post, signed as of `nowMs` (computed at each send: DingTalk and Feishu
 * refuse a timestamp an hour off, Standard Webhooks receivers five minutes). `messageId` is the
 * delivery's id, stable across retries, so a webhook receiver can drop a repeat (`webhook-id`).
 */
export function buildRobotRequest(
  kind: ChannelKind,
  bases: PlatformBaseUrls,
  target: ChannelTarget,
  payload: ChannelPayload,
  nowMs: number,
  messageId: string,
): RobotRequest {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  let request: RobotRequest;
  switch (kind) {
    case 'wecom': {
      const url = new URL('cgi-bin/webhook/send', bases.wecom.replace(/\/?$/, '/'));
      url.searchParams.set('key', target.token);
      request = { url, headers: json, body: JSON.stringify(payload) };
      break;
    }
    case 'dingtalk':
      request = {
        url: dingtalkSendUrl(bases.dingtalk, target.token, target.secret ?? '', nowMs),
        headers: json,
        body: JSON.stringify(payload),
      };
      break;
    case 'feishu': {
      const url = new URL(
        `open-apis/bot/v2/hook/${encodeURIComponent(target.token)}`,
        bases.feishu.replace(/\/?$/, '/'),
      );
      const ts = Math.floor(nowMs / 1000);
      const body = target.secret
        ? { timestamp: String(ts), sign: feishuSign(target.secret, ts), ...payload }
        : payload;
      request = { url, headers: json, body: JSON.stringify(body) };
      break;
    }
    case 'webhook': {
      const ts = Math.floor(nowMs / 1000);
      const body = JSON.stringify({ ...payload, timestamp: new Date(ts * 1000).toISOString() });
      request = {
        url: new URL(target.token),
        headers: { ...json, ...standardWebhookHeaders(target.secret ?? '', messageId, ts, body) },
        body,
      };
      break;
    }
  }
  if (utf8Bytes(request.body) > PLATFORM_LIMITS[kind].maxBodyBytes) {
    throw new RangeError(
      `${kind} body of ${utf8Bytes(request.body)} bytes exceeds ${PLATFORM_LIMITS[kind].maxBodyBytes}`,
    );
  }
  return request;
}
