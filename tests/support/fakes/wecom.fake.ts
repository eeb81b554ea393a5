import {
  type Answer,
  jsonContentType,
  RobotFake,
  type RobotRequestSeen,
  type Scripted,
  utf8Length,
} from './robot-fake.js';

/**
 * A local stand-in for the WeCom group robot (企业微信 群机器人配置说明, developer.work.weixin.qq.com
 * /document/path/91770): POST /cgi-bin/webhook/send?key=KEY, Content-Type application/json, body
 * {msgtype: 'text', text: {content}} (≤ 2,048 bytes) or {msgtype: 'markdown', markdown: {content}}
 * (≤ 4,096 bytes), UTF-8. Answers HTTP 200 with {errcode, errmsg}: 0 ok, 93000 invalid webhook url (unknown
 * key), 45009 over 20 messages a minute per robot, 40058 bad content (size, shape).
 */
export class FakeWecom extends RobotFake {
  readonly keys = new Set<string>();
  /** Times the fake had to refuse for the 20-a-minute limit (mp-guard should never cause one). */
  overLimit = 0;

  addKey(key: string): this {
    this.keys.add(key);
    return this;
  }

  protected check(req: RobotRequestSeen): Answer | null {
    const bad = (errcode: number, errmsg: string): Answer => ({
      status: 200,
      body: JSON.stringify({ errcode, errmsg }),
    });
    if (req.method !== 'POST' || req.path !== '/cgi-bin/webhook/send')
      return { status: 404, body: 'not found' };
    const key = req.query.get('key') ?? '';
    if (!this.keys.has(key)) return bad(93000, 'invalid webhook url');
    if (!jsonContentType(req.headers)) return bad(40058, 'content-type must be application/json');
    const b = req.body as {
      msgtype?: string;
      text?: { content?: unknown };
      markdown?: { content?: unknown };
    } | null;
    const content =
      b?.msgtype === 'text' ? b.text?.content : b?.msgtype === 'markdown' ? b.markdown?.content : undefined;
    if (typeof content !== 'string' || content === '') return bad(40058, 'invalid msgtype or content');
    const max = b!.msgtype === 'text' ? 2048 : 4096;
    if (utf8Length(content) > max) return bad(40058, `content exceed max length ${max} bytes`);
    if (this.acceptedWithin(60_000, req.at, (r) => r.query.get('key') === key) >= 20) {
      this.overLimit++;
      return bad(45009, 'api freq out of limit');
    }
    return null;
  }

  protected answer(kind: Scripted): Answer {
    const body = {
      ok: { errcode: 0, errmsg: 'ok' },
      rate_limit: { errcode: 45009, errmsg: 'api freq out of limit' },
      invalid_token: { errcode: 93000, errmsg: 'invalid webhook url' },
      '5xx': null,
    }[kind];
    return body
      ? { status: 200, body: JSON.stringify(body) }
      : { status: 502, body: 'Bad Gateway', contentType: 'text/plain' };
  }
}
