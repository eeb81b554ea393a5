import { createHmac } from 'node:crypto';
import {
  type Answer,
  jsonContentType,
  RobotFake,
  type RobotRequestSeen,
  type Scripted,
  utf8Length,
} from './robot-fake.js';

/**
 * A local stand-in for the Feishu custom bot (open.feishu.cn 自定义机器人使用指南): POST
 * /open-apis/bot/v2/hook/TOKEN, Content-Type application/json, body ≤ 20 KB {timestamp: "S", sign,
 * msg_type: 'text' | 'post' | 'interactive', content | card}. With 签名校验: sign is
 * base64(HMAC-SHA256(key = `${S}\n${secret}`, message = empty)), S in seconds within one hour. Answers
 * {code, msg}: 0 success, 19001 param invalid: incoming webhook access token invalid, 19021 sign match
 * fail or timestamp is not within one hour, 11232 frequency limited (100 a minute, 5 a second per bot),
 * 9499 bad request (body too large).
 */
export class FakeFeishu extends RobotFake {
  /** hook token → signing secret. */
  readonly bots = new Map<string, string>();
  overLimit = 0;

  addBot(token: string, secret: string): this {
    this.bots.set(token, secret);
    return this;
  }

  protected check(req: RobotRequestSeen): Answer | null {
    const bad = (code: number, msg: string): Answer => ({
      status: 200,
      body: JSON.stringify({ code, msg, data: {} }),
    });
    const m = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/.exec(req.path);
    if (req.method !== 'POST' || !m)
      return { status: 404, body: '404 page not found', contentType: 'text/plain' };
    const secret = this.bots.get(m[1]);
    if (secret === undefined) return bad(19001, 'param invalid: incoming webhook access token invalid');
    if (!jsonContentType(req.headers)) return bad(9499, 'Bad Request: content-type');
    if (utf8Length(req.raw) > 20 * 1024) return bad(9499, 'request body too large');
    const b = req.body as {
      timestamp?: unknown;
      sign?: unknown;
      msg_type?: unknown;
      card?: unknown;
      content?: unknown;
    } | null;
    const ts = Number(b?.timestamp);
    if (typeof b?.timestamp !== 'string' || !Number.isInteger(ts) || Math.abs(this.now() / 1000 - ts) > 3600)
      return bad(19021, 'sign match fail or timestamp is not within one hour from current time');
    const expected = createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64');
    if (b.sign !== expected)
      return bad(19021, 'sign match fail or timestamp is not within one hour from current time');
    const shapeOk =
      (b.msg_type === 'interactive' && typeof b.card === 'object' && b.card !== null) ||
      ((b.msg_type === 'text' || b.msg_type === 'post') &&
        typeof b.content === 'object' &&
        b.content !== null);
    if (!shapeOk) return bad(9499, 'Bad Request: msg_type');
    const same = (r: RobotRequestSeen) => r.path === req.path;
    if (this.acceptedWithin(60_000, req.at, same) >= 100 || this.acceptedWithin(1000, req.at, same) >= 5) {
      this.overLimit++;
      return bad(11232, 'frequency limited');
    }
    return null;
  }

  protected answer(kind: Scripted): Answer {
    const body = {
      ok: { StatusCode: 0, StatusMessage: 'success', code: 0, msg: 'success', data: {} },
      rate_limit: { code: 11232, msg: 'frequency limited', data: {} },
      invalid_token: { code: 19001, msg: 'param invalid: incoming webhook access token invalid', data: {} },
      '5xx': null,
    }[kind];
    return body
      ? { status: 200, body: JSON.stringify(body) }
      : { status: 503, body: 'Service Unavailable', contentType: 'text/plain' };
  }
}
