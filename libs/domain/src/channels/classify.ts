import type { ChannelKind } from './platforms.js';

export type AnswerOutcome = 'ok' | 'rate_limited' | 'transient' | 'invalid_credentials' | 'permanent';

export interface ClassifiedAnswer {
  outcome: AnswerOutcome;
  /** The platform's own code (errcode / code) or the HTTP status. */
  code: number | null;
  message: string;
}

/**
 * WeCom group robot (developer.work.weixin.qq.com 全局错误码): HTTP 200 and `errcode`.
 * 0 ok; 45009 "api freq out of limit" (the robot's 20 a minute); 93000 "invalid webhook url" (key
 * removed or wrong); -1 system busy. Others (40008 invalid message type, 40058 bad parameter, 44004 empty
 * content…) are about the message: permanent.
 */
const WECOM: Record<number, AnswerOutcome> = {
  0: 'ok',
  45009: 'rate_limited',
  93000: 'invalid_credentials',
  '-1': 'transient',
};

/**
 * DingTalk custom robot (open.dingtalk.com 自定义机器人 错误码): HTTP 200 and `errcode`.
 * 0 ok; 130101 "send too fast, exceed 20 times per minute" and 660026 (rate limited) mean the 10-minute
 * penalty; 310000 "sign not match" / keywords not in content / IP not whitelisted (the security setting
 * refuses us: credentials); 300001 "token is not exist" and 400013 "群已被解散" (the robot is gone); -1 busy.
 */
const DINGTALK: Record<number, AnswerOutcome> = {
  0: 'ok',
  130101: 'rate_limited',
  660026: 'rate_limited',
  310000: 'invalid_credentials',
  300001: 'invalid_credentials',
  400013: 'invalid_credentials',
  '-1': 'transient',
};

/**
 * Feishu custom bot (open.feishu.cn 自定义机器人使用指南, 常见问题): HTTP 200 (sometimes 4xx) and `code`.
 * 0 ok (older answers carry `StatusCode: 0`); 9499 "Too Many Request" and 11232 "frequency limited";
 * 19021 "sign match fail or timestamp is not within one hour from current time"; 19001 "param invalid:
 * incoming webhook access token invalid"; 19024 "Key Words Not Found" and 9499-other are about the
 * message: permanent.
 */
const FEISHU: Record<number, AnswerOutcome> = {
  0: 'ok',
  9499: 'rate_limited',
  11232: 'rate_limited',
  19021: 'invalid_credentials',
  19001: 'invalid_credentials',
};

function parse(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * What an answer means for the message. All three chat platforms answer HTTP 200 with an error code in
 * the body, so the body decides; HTTP 5xx and unreadable answers are transient (retried); a Standard
 * Webhooks receiver answers by status only (2xx ok, 429 rate limited, 401/403/404/410 credentials or
 * endpoint gone, other 4xx permanent).
 */
export function classifyAnswer(kind: ChannelKind, status: number, body: string): ClassifiedAnswer {
  const snippet = body.slice(0, 200);
  if (status >= 500) return { outcome: 'transient', code: status, message: `HTTP ${status}` };
  if (status === 429) return { outcome: 'rate_limited', code: status, message: `HTTP 429` };
  if (kind === 'webhook') {
    if (status >= 200 && status < 300) return { outcome: 'ok', code: status, message: `HTTP ${status}` };
    if ([401, 403, 404, 410].includes(status))
      return { outcome: 'invalid_credentials', code: status, message: `HTTP ${status}` };
    return { outcome: 'permanent', code: status, message: `HTTP ${status} ${snippet}` };
  }
  const json = parse(body);
  if (!json) {
    return status >= 400
      ? { outcome: 'permanent', code: status, message: `HTTP ${status} ${snippet}` }
      : { outcome: 'transient', code: status, message: `HTTP ${status}: answer is not JSON` };
  }
  const table = kind === 'wecom' ? WECOM : kind === 'dingtalk' ? DINGTALK : FEISHU;
  const raw = kind === 'feishu' ? (json.code ?? json.StatusCode) : json.errcode;
  const code = typeof raw === 'number' ? raw : null;
  const text = json.errmsg ?? json.msg ?? json.StatusMessage;
  const msg = typeof text === 'string' ? text : '';
  if (code === null) {
    return { outcome: 'transient', code: status, message: `HTTP ${status}: answer without an error code` };
  }
  return { outcome: table[code] ?? 'permanent', code, message: `${code} ${msg}`.trim().slice(0, 300) };
}
