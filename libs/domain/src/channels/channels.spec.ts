import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  allowance,
  buildRobotRequest,
  classifyAnswer,
  cutToBytes,
  dingtalkSendUrl,
  dingtalkSign,
  feishuSign,
  fitLines,
  parseChannelTarget,
  renderChannelMessage,
  standardWebhookSignature,
  utf8Bytes,
  type ChannelMessageInput,
} from './index.js';

describe('signatures, recomputed by hand from each documented algorithm', () => {
  const secret = 'SECabcdef0123456789abcdef0123456789';
  it('DingTalk: base64(HMAC-SHA256(key=secret, msg=ms + "\\n" + secret)), URL-encoded in the query', () => {
    const ts = 1764576000123;
    const expected = createHmac('sha256', secret).update(`1764576000123\n${secret}`).digest('base64');
    expect(dingtalkSign(secret, ts)).toBe(expected);
    const url = dingtalkSendUrl('https://oapi.dingtalk.com', 'tok123', secret, ts);
    expect(url.pathname).toBe('/robot/send');
    expect(url.searchParams.get('timestamp')).toBe('1764576000123');
    // The raw query holds the percent-encoded form (quote_plus in DingTalk's Python sample).
    expect(url.search).toContain(`sign=${encodeURIComponent(expected)}`);
  });

  it('Feishu: base64(HMAC-SHA256(key=s + "\\n" + secret, msg=empty)), not DingTalk\'s order', () => {
    const ts = 1764576000;
    const expected = createHmac('sha256', `1764576000\n${secret}`).update('').digest('base64');
    expect(feishuSign(secret, ts)).toBe(expected);
    expect(feishuSign(secret, ts)).not.toBe(
      createHmac('sha256', secret).update(`1764576000\n${secret}`).digest('base64'),
    );
  });

  it('Standard Webhooks: the published vector of the spec (svix / standard-webhooks test suite)', () => {
    expect(
      standardWebhookSignature(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('Standard Webhooks: key is the base64-DECODED secret, message id.timestamp.body', () => {
    const key = Buffer.alloc(32, 7);
    const secretText = `whsec_${key.toString('base64')}`;
    const expected = createHmac('sha256', key).update('abc.1764576000.{"a":1}').digest('base64');
    expect(standardWebhookSignature(secretText, 'abc', 1764576000, '{"a":1}')).toBe(`v1,${expected}`);
  });
});

describe('classifyAnswer: every platform answers HTTP 200 with a code in the body', () => {
  it.each([
    ['wecom', 200, '{"errcode":0,"errmsg":"ok"}', 'ok'],
    ['wecom', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', 'rate_limited'],
    ['wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', 'invalid_credentials'],
    ['wecom', 200, '{"errcode":40008,"errmsg":"invalid message type"}', 'permanent'],
    ['wecom', 200, '{"errcode":-1,"errmsg":"system busy"}', 'transient'],
    ['dingtalk', 200, '{"errcode":0,"errmsg":"ok"}', 'ok'],
    ['dingtalk', 200, '{"errcode":130101,"errmsg":"send too fast"}', 'rate_limited'],
    ['dingtalk', 200, '{"errcode":660026,"errmsg":"rate limited"}', 'rate_limited'],
    ['dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}', 'invalid_credentials'],
    ['dingtalk', 200, '{"errcode":300001,"errmsg":"token is not exist"}', 'invalid_credentials'],
    ['feishu', 200, '{"code":0,"msg":"success","data":{}}', 'ok'],
    ['feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}', 'ok'],
    ['feishu', 200, '{"code":9499,"msg":"Too Many Request"}', 'rate_limited'],
    ['feishu', 200, '{"code":11232,"msg":"frequency limited"}', 'rate_limited'],
    ['feishu', 200, '{"code":19021,"msg":"sign match fail"}', 'invalid_credentials'],
    [
      'feishu',
      400,
      '{"code":19001,"msg":"param invalid: incoming webhook access token invalid"}',
      'invalid_credentials',
    ],
    ['feishu', 200, '{"code":19024,"msg":"Key Words Not Found"}', 'permanent'],
    ['wecom', 502, 'Bad Gateway', 'transient'],
    ['dingtalk', 200, '<html>', 'transient'],
    ['feishu', 200, '{"data":{}}', 'transient'],
    ['webhook', 204, '', 'ok'],
    ['webhook', 429, '', 'rate_limited'],
    ['webhook', 410, '', 'invalid_credentials'],
    ['webhook', 400, 'bad', 'permanent'],
    ['webhook', 503, '', 'transient'],
  ] as const)('%s HTTP %i %s → %s', (kind, status, body, outcome) => {
    expect(classifyAnswer(kind, status, body).outcome).toBe(outcome);
  });
});

describe('allowance: a pure per-bot limiter over recent send instants', () => {
  const T0 = Date.parse('2026-12-01T02:00:00Z');
  const times = (n: number, start: number, step: number) =>
    Array.from({ length: n }, (_, i) => start + i * step);
  it.each([
    ['wecom, nothing sent', 'wecom', [] as number[], T0, null, { now: 20, nextAt: T0 }],
    ['wecom, 19 in the minute', 'wecom', times(19, T0 - 30_000, 1000), T0, null, { now: 1, nextAt: T0 }],
    // 20 sends from T0-50s, one a second: the first leaves the window at T0-50s+60s = T0+10s.
    [
      'wecom, 20 in the minute',
      'wecom',
      times(20, T0 - 50_000, 1000),
      T0,
      null,
      { now: 0, nextAt: T0 + 10_000 },
    ],
    [
      'wecom, a send exactly 60 s ago has left',
      'wecom',
      times(20, T0 - 60_000, 0),
      T0,
      null,
      { now: 20, nextAt: T0 },
    ],
    ['dingtalk in its 10-minute penalty', 'dingtalk', [], T0, T0 + 600_000, { now: 0, nextAt: T0 + 600_000 }],
    [
      'dingtalk after the penalty',
      'dingtalk',
      [],
      T0 + 600_000,
      T0 + 600_000,
      { now: 20, nextAt: T0 + 600_000 },
    ],
    ['feishu, 5 a second', 'feishu', [], T0, null, { now: 5, nextAt: T0 }],
    // 5 sends at T0-400ms: the second is full until T0-400ms+1000ms.
    ['feishu, second full', 'feishu', times(5, T0 - 400, 0), T0, null, { now: 0, nextAt: T0 + 600 }],
    [
      'feishu, 100 in the minute',
      'feishu',
      times(100, T0 - 59_000, 500),
      T0,
      null,
      { now: 0, nextAt: T0 + 1000 },
    ],
  ] as const)('%s', (_name, kind, sends, now, penalty, expected) => {
    expect(allowance(kind, sends, now, penalty)).toEqual(expected);
  });
});

describe('fitting the platform limits without splitting a character', () => {
  it('cuts between code points: 汉 is 3 bytes, so 7 bytes hold two of them', () => {
    expect(cutToBytes('汉汉汉', 7)).toBe('汉汉');
    expect(cutToBytes('a😀b', 4)).toBe('a');
  });
  it.each([
    [['abc', 'def'], 7, 'abc\ndef', false],
    // "abc\n…" is 3 + 1 + 3 = 7 bytes.
    [['abc', 'def'], 6, 'ab\n…', true],
    [['abc', 'def', 'ghi'], 10, 'abc\n…', true],
    [['第一行', '第二行'], 20, '第一行\n第二行', false],
    // 9 + 1 + 9 = 19 > 18: the second line goes, "第一行\n…" is 9 + 4 = 13.
    [['第一行', '第二行'], 18, '第一行\n…', true],
  ])('%j within %i bytes', (lines, max, text, truncated) => {
    const fitted = fitLines(lines, max);
    expect(fitted).toEqual({ text, truncated });
    expect(utf8Bytes(fitted.text)).toBeLessThanOrEqual(max);
  });
});

const input = (details: string[] = []): ChannelMessageInput => ({
  organizationName: '示例公司',
  deadlineId: '00000000-0000-4000-8000-000000000001',
  subjectName: '点餐小程序',
  title: '微信认证年审',
  stage: 'd-30',
  dueOn: '2026-12-31',
  actBy: '2026-12-24',
  daysLeft: 30,
  roles: ['operator', 'manager'],
  details,
  links: {
    deadline: 'https://mp.example.cn/console/deadlines/x',
    acknowledge: 'https://mp.example.cn/ack/abc.def',
  },
});

describe('renderChannelMessage', () => {
  it('WeCom markdown in Chinese names the deadline, days left, last day to act, who acts and both links', () => {
    const body = renderChannelMessage('wecom', input(), 'zh-CN') as {
      msgtype: string;
      markdown: { content: string };
    };
    expect(body.msgtype).toBe('markdown');
    const c = body.markdown.content;
    for (const s of [
      '微信认证年审',
      '到期日：2026-12-31',
      '剩余天数：30 天',
      '最晚办理日：2026-12-24',
      '需处理：运营负责人、主管',
    ])
      expect(c).toContain(s);
    expect(c).toContain('(https://mp.example.cn/ack/abc.def)');
    expect(c).toContain('(https://mp.example.cn/console/deadlines/x)');
  });

  it('keeps WeCom markdown within 4,096 bytes by whole lines, links kept, with a visible …', () => {
    const details = Array.from({ length: 400 }, (_, i) => `第 ${i} 项：准备营业执照、法人身份证和授权书`);
    const c = (renderChannelMessage('wecom', input(details), 'zh-CN') as { markdown: { content: string } })
      .markdown.content;
    expect(utf8Bytes(c)).toBeLessThanOrEqual(4096);
    expect(c).toContain('\n…\n');
    expect(c).toContain('/ack/abc.def');
    for (const line of c.split('\n')) if (line.startsWith('第 ')) expect(line).toMatch(/授权书$/);
  });

  it('Feishu card in English within 20 KB with the signature fields added', () => {
    const details = Array.from({ length: 2000 }, (_, i) => `Item ${i}: business licence, ID card and letter`);
    const payload = renderChannelMessage('feishu', input(details), 'en');
    const req = buildRobotRequest(
      'feishu',
      { wecom: 'http://x', dingtalk: 'http://x', feishu: 'https://open.feishu.cn' },
      { token: 'hooktoken1', secret: 'abcdefgh12' },
      payload,
      1764576000000,
      'id',
    );
    expect(utf8Bytes(req.body)).toBeLessThanOrEqual(20 * 1024);
    const body = JSON.parse(req.body) as { timestamp: string; sign: string; msg_type: string };
    expect(body.timestamp).toBe('1764576000');
    expect(body.sign).toBe(createHmac('sha256', '1764576000\nabcdefgh12').update('').digest('base64'));
    expect(body.msg_type).toBe('interactive');
    expect(req.body).toContain('Last day to act: 2026-12-24');
    expect(req.url.pathname).toBe('/open-apis/bot/v2/hook/hooktoken1');
  });
});

describe('parseChannelTarget', () => {
  it.each([
    [
      'wecom',
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
      undefined,
      null,
    ],
    ['wecom', 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx', undefined, 'url'],
    ['wecom', 'https://evil.example/cgi-bin/webhook/send?key=693a91f6-7xxx', undefined, 'url'],
    [
      'dingtalk',
      'https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789',
      'SEC0123456789abcdef',
      null,
    ],
    ['dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789', undefined, 'secret'],
    ['feishu', 'https://open.feishu.cn/open-apis/bot/v2/hook/2b4c6d8e-aaaa', 'abcDEF123456', null],
    ['feishu', 'https://open.feishu.cn/open-apis/bot/v2/hook/2b4c6d8e-aaaa', '', 'secret'],
    ['webhook', 'https://hooks.example.com/mp', `whsec_${Buffer.alloc(24, 1).toString('base64')}`, null],
    ['webhook', 'https://hooks.example.com/mp', 'not-a-whsec', 'secret'],
    ['webhook', 'ftp://hooks.example.com/mp', `whsec_${Buffer.alloc(24, 1).toString('base64')}`, 'url'],
  ] as const)('%s %s → problem on %s', (kind, url, secret, field) => {
    const r = parseChannelTarget(kind, url, secret);
    if (field === null) expect(r.ok).toBe(true);
    else expect(r.ok ? [] : r.problems.map((p) => p.field)).toContain(field);
  });

  it('masks the key: the hint never holds the token', () => {
    const r = parseChannelTarget(
      'wecom',
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secretkey-123',
      undefined,
    );
    expect(r).toMatchObject({ ok: true, hint: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****' });
  });
});
