import { createHmac } from 'node:crypto';
import {
  type Answer,
  jsonContentType,
  RobotFake,
  type RobotRequestSeen,
  type Scripted,
} from './robot-fake.js';

/**
 * A local stand-in for the DingTalk custom robot (open.dingtalk.com 自定义机器人接入 and 安全设置):
 * POST /robot/send?access_token=T&timestamp=MS&sign=S, Content-Type application/json, body {msgtype:
 * 'markdown', markdown: {title, text}} or {msgtype: 'text', text: {content}}. With 加签: S is
 * urlencode(base64(HMAC-SHA256(secret, `${MS}\n${secret}`))), MS within one hour of DingTalk's clock.
 * Answers HTTP 200 {errcode, errmsg}: 0 ok, 300001 token is not exist, 310000 sign not match, 130101 send
 * too fast (over 20 a minute, then everything refused for 10 minutes).
 */
export class FakeDingtalk extends RobotFake {
  /** access_token → signing secret. */
  readonly robots = new Map<string, string>();
  overLimit = 0;
  private penaltyUntil = new Map<string, number>();

  addRobot(accessToken: string, secret: string): this {
    this.robots.set(accessToken, secret);
    return this;
  }

  protected check(req: RobotRequestSeen): Answer | null {
    const bad = (errcode: number, errmsg: string): Answer => ({
      status: 200,
      body: JSON.stringify({ errcode, errmsg }),
    });
    if (req.method !== 'POST' || req.path !== '/robot/send') return { status: 404, body: 'not found' };
    const token = req.query.get('access_token') ?? '';
    const secret = this.robots.get(token);
    if (secret === undefined) return bad(300001, 'token is not exist');
    const ts = Number(req.query.get('timestamp'));
    // The sign arrives percent-encoded in the raw query; URLSearchParams has decoded it.
    const sign = req.query.get('sign') ?? '';
    if (!Number.isInteger(ts) || Math.abs(this.now() - ts) > 3_600_000)
      return bad(310000, 'sign not match, timestamp is out of range');
    const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    if (sign !== expected) return bad(310000, 'sign not match');
    if (!jsonContentType(req.headers)) return bad(40035, 'content-type must be application/json');
    const b = req.body as {
      msgtype?: string;
      markdown?: { title?: unknown; text?: unknown };
      text?: { content?: unknown };
    } | null;
    const ok =
      (b?.msgtype === 'markdown' &&
        typeof b.markdown?.title === 'string' &&
        typeof b.markdown.text === 'string') ||
      (b?.msgtype === 'text' && typeof b.text?.content === 'string');
    if (!ok) return bad(40035, 'invalid msgtype or missing parameter');
    if ((this.penaltyUntil.get(token) ?? 0) > req.at)
      return bad(130101, 'send too fast, exceed 20 times per minute');
    if (this.acceptedWithin(60_000, req.at, (r) => r.query.get('access_token') === token) >= 20) {
      this.overLimit++;
      this.penaltyUntil.set(token, req.at + 600_000);
      return bad(130101, 'send too fast, exceed 20 times per minute');
    }
    return null;
  }

  protected answer(kind: Scripted): Answer {
    const body = {
      ok: { errcode: 0, errmsg: 'ok' },
      rate_limit: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' },
      invalid_token: { errcode: 300001, errmsg: 'token is not exist' },
      '5xx': null,
    }[kind];
    return body
      ? { status: 200, body: JSON.stringify(body) }
      : { status: 500, body: 'Internal Server Error', contentType: 'text/plain' };
  }
}
