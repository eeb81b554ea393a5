import { createHmac, randomBytes } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '../libs/common/src/clock.js';
import { generateSecretKey } from '../libs/common/src/secret-box.js';
import { ChannelDeliveryService } from '../libs/channels/src/channel-delivery.service.js';
import { DeliveryService } from '../libs/reminders/src/delivery.service.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { contactBody, miniProgramBody } from './factories/registry.factory.js';
import { FakeDingtalk } from './support/fakes/dingtalk.fake.js';
import { FakeFeishu } from './support/fakes/feishu.fake.js';
import { FakeWebhookReceiver } from './support/fakes/webhook-receiver.fake.js';
import { FakeWecom } from './support/fakes/wecom.fake.js';
import { outbox } from './support/outbox.js';
import { SAME_DAY_ACT_BY } from './support/reminder-world.js';
import { SmtpSink } from './support/smtp-sink.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// 09:30 in Shanghai on 2026-11-25: a certification expiring on 2026-12-25 has its d-30 stage
// (operator and manager) due today.
const START = new Date('2026-11-25T01:30:00Z');
const DUE = '2026-12-25';
const clock = new FixedClock(START);
const nowMs = () => clock.now().getTime();
let t: TestApp;
let sink: SmtpSink;
const wecom = new FakeWecom(nowMs);
const dingtalk = new FakeDingtalk(nowMs);
const feishu = new FakeFeishu(nowMs);
const receiver = new FakeWebhookReceiver(nowMs);
const WHSEC = `whsec_${randomBytes(32).toString('base64')}`;

/** Every line any Nest logger wrote, as text (the app's logger is replaced by this one after start). */
const logLines: string[] = [];
const capture: LoggerService = {
  log: (...a: unknown[]) => void logLines.push(JSON.stringify(a)),
  error: (...a: unknown[]) => void logLines.push(JSON.stringify(a)),
  warn: (...a: unknown[]) => void logLines.push(JSON.stringify(a)),
  debug: (...a: unknown[]) => void logLines.push(JSON.stringify(a)),
  verbose: (...a: unknown[]) => void logLines.push(JSON.stringify(a)),
  fatal: (...a: unknown[]) => void logLines.push(JSON.stringify(a)),
};

beforeAll(async () => {
  sink = await SmtpSink.start();
  await Promise.all([wecom.start(), dingtalk.start(), feishu.start(), receiver.withSecret(WHSEC).start()]);
  t = await startTestApp({
    clock,
    env: {
      SMTP_URL: sink.url(),
      PUBLIC_URL: 'http://mp-guard.test',
      SECRETS_KEY: generateSecretKey(),
      WECOM_API_BASE_URL: wecom.baseUrl,
      DINGTALK_API_BASE_URL: dingtalk.baseUrl,
      FEISHU_API_BASE_URL: feishu.baseUrl,
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
      CHANNEL_WEBHOOK_ALLOW_HTTP: 'true',
      CHANNEL_TIMEOUT_MS: '5000',
      CHANNEL_LEASE_SECONDS: '60',
    },
  });
  t.app.useLogger(capture);
});
afterAll(async () => {
  await t.close();
  await Promise.all([wecom.stop(), dingtalk.stop(), feishu.stop(), receiver.stop(), sink.stop()]);
});

const token = () => randomBytes(12).toString('hex');
const deliver = () =>
  t.app.get(ChannelDeliveryService).deliverDue(
    () => clock.now(),
    () => 0.5,
  );
const tickAt = async (at: Date) => {
  clock.set(at);
  await t.app.get(TickService).tick(at, () => 0.5);
};
const later = (ms: number) => clock.set(new Date(nowMs() + ms));

async function newOrg(name: string) {
  const org = await t.createOrg(name);
  await outbox(t.databaseUrl, `UPDATE organizations SET catalogue_overrides = $2 WHERE id = $1`, [
    org.id,
    JSON.stringify(SAME_DAY_ACT_BY),
  ]);
  const api = (method: 'get' | 'post' | 'delete', path: string, body?: object) => {
    const req = t.http()[method](path).set('Authorization', org.bearer);
    return body ? req.send(body) : req;
  };
  await api(
    'post',
    '/api/v1/contacts',
    contactBody({ email: `op-${token()}@flows.cn`, role: 'operator' }),
  ).expect(201);
  return { org, api };
}

type Api = Awaited<ReturnType<typeof newOrg>>['api'];

/** A mini-program whose certification expires on DUE; its annual-review deadline id. */
async function deadline(api: Api): Promise<string> {
  const mp = (
    await api('post', '/api/v1/mini-programs', miniProgramBody({ certificationExpiresOn: DUE })).expect(201)
  ).body as { id: string };
  const list = (await api('get', `/api/v1/deadlines?miniProgramId=${mp.id}&kind=annual_review`).expect(200))
    .body as {
    items: { id: string }[];
  };
  return list.items[0].id;
}

const wecomUrl = (key: string) => `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}`;
const dingUrl = (tok: string) => `https://oapi.dingtalk.com/robot/send?access_token=${tok}`;
const feishuUrl = (tok: string) => `https://open.feishu.cn/open-apis/bot/v2/hook/${tok}`;
const dingSecret = () => `SEC${randomBytes(24).toString('hex')}`;
const feishuSecret = () => randomBytes(12).toString('hex');

async function channelStatuses(channelId: string) {
  return (
    await outbox(
      t.databaseUrl,
      `SELECT status, count(*)::int AS n FROM channel_deliveries WHERE channel_id = $1 GROUP BY status ORDER BY status`,
      [channelId],
    )
  ).reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status as string]: r.n as number }), {});
}

describe('each platform receives a correctly signed reminder', () => {
  it('WeCom, DingTalk, Feishu and a Standard Webhooks endpoint each get the d-30 stage once, as documented', async () => {
    clock.set(START);
    const { org, api } = await newOrg('Signed');
    const keys = {
      wecom: token(),
      ding: token(),
      dingSecret: dingSecret(),
      feishu: token(),
      feishuSecret: feishuSecret(),
    };
    wecom.addKey(keys.wecom);
    dingtalk.addRobot(keys.ding, keys.dingSecret);
    feishu.addBot(keys.feishu, keys.feishuSecret);
    const created = [
      await api('post', '/api/v1/channels', {
        kind: 'wecom',
        name: '企业微信群',
        url: wecomUrl(keys.wecom),
      }).expect(201),
      await api('post', '/api/v1/channels', {
        kind: 'dingtalk',
        name: '钉钉群',
        url: dingUrl(keys.ding),
        secret: keys.dingSecret,
      }).expect(201),
      await api('post', '/api/v1/channels', {
        kind: 'feishu',
        name: '飞书群',
        url: feishuUrl(keys.feishu),
        secret: keys.feishuSecret,
      }).expect(201),
      await api('post', '/api/v1/channels', {
        kind: 'webhook',
        name: 'ERP',
        url: receiver.url,
        secret: WHSEC,
      }).expect(201),
    ].map((r) => r.body as { id: string; target: string });
    expect(created[0].target).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****');
    const deadlineId = await deadline(api);
    const before = [wecom, dingtalk, feishu, receiver].map((f) => f.received.length);
    await tickAt(START);
    const result = await deliver();
    expect(result).toMatchObject({ sent: 4, failed: 0, lost: 0 });
    const got = [wecom, dingtalk, feishu, receiver].map((f, i) => f.received.slice(before[i]));
    for (const g of got) expect(g).toHaveLength(1);
    for (const f of [wecom, dingtalk, feishu, receiver]) expect(f.violations).toEqual([]);

    // WeCom: markdown, in the organization's language (zh-CN), with everything a person needs to act.
    const md = (got[0][0].body as { markdown: { content: string } }).markdown.content;
    for (const s of [
      '到期日：2026-12-25',
      '剩余天数：30 天',
      '最晚办理日：2026-12-25',
      '需处理：运营负责人、主管',
    ])
      expect(md).toContain(s);
    expect(md).toContain(`(http://mp-guard.test/console/deadlines/${deadlineId})`);
    const ack = /\((http:\/\/mp-guard\.test\/ack\/[\w-]+\.[\w-]+)\)/.exec(md)![1];
    // DingTalk: the sign in the query is the hand-computed HMAC of the timestamp it carries.
    const q = got[1][0].query;
    const ts = q.get('timestamp')!;
    expect(Number(ts)).toBe(nowMs());
    expect(q.get('sign')).toBe(
      createHmac('sha256', keys.dingSecret).update(`${ts}\n${keys.dingSecret}`).digest('base64'),
    );
    // Feishu: timestamp (seconds) and sign in the body, HMAC keyed by "timestamp\nsecret" over nothing.
    const fb = got[2][0].body as { timestamp: string; sign: string; msg_type: string };
    expect(fb.timestamp).toBe(String(nowMs() / 1000));
    expect(fb.sign).toBe(
      createHmac('sha256', `${fb.timestamp}\n${keys.feishuSecret}`).update('').digest('base64'),
    );
    expect(fb.msg_type).toBe('interactive');
    // Standard Webhooks: the webhook-id is the delivery's id, the signature recomputed from the raw body.
    const h = got[3][0].headers;
    const key = Buffer.from(WHSEC.slice('whsec_'.length), 'base64');
    expect(h['webhook-signature']).toBe(
      `v1,${createHmac('sha256', key)
        .update(`${String(h['webhook-id'])}.${String(h['webhook-timestamp'])}.${got[3][0].raw}`)
        .digest('base64')}`,
    );
    expect(
      (got[3][0].body as { data: { deadline: { id: string; actBy: string } } }).data.deadline,
    ).toMatchObject({
      id: deadlineId,
      actBy: '2026-12-25',
    });

    // A chat platform's link preview (GET) acknowledges nothing: it shows a confirmation form.
    const page = await t.http().get(new URL(ack).pathname).expect(200);
    expect(page.text).toContain('<form method="post">');
    expect(
      ((await api('get', `/api/v1/deadlines/${deadlineId}`).expect(200)).body as { state: string }).state,
    ).toBe('open');

    // Sent is final: another run, and another tick the same day, post nothing more.
    await deliver();
    await tickAt(new Date(START.getTime() + 3_600_000));
    await deliver();
    expect([wecom, dingtalk, feishu, receiver].map((f, i) => f.received.length - before[i])).toEqual([
      1, 1, 1, 1,
    ]);
    for (const c of created) expect(await channelStatuses(c.id)).toEqual({ sent: 1 });

    // Confirming (POST) acknowledges, as the chat link's recipient: the audit names the channel.
    await t.http().post(new URL(ack).pathname).expect(200);
    expect(
      ((await api('get', `/api/v1/deadlines/${deadlineId}`).expect(200)).body as { state: string }).state,
    ).toBe('acknowledged');
    void org;
  });
});

describe('retries', () => {
  it('a rate-limit answer (WeCom 45009) is retried after the penalty and delivered once', async () => {
    clock.set(START);
    const { api } = await newOrg('RateLimited');
    const key = token();
    wecom.addKey(key);
    const ch = (
      await api('post', '/api/v1/channels', { kind: 'wecom', name: 'g', url: wecomUrl(key) }).expect(201)
    ).body as { id: string };
    await deadline(api);
    await tickAt(START);
    wecom.answerNext('rate_limit');
    expect(await deliver()).toMatchObject({ retried: 1, sent: 0 });
    expect(await channelStatuses(ch.id)).toEqual({ pending: 1 });
    const seen = () => wecom.requests.filter((r) => r.query.get('key') === key).length;
    expect(seen()).toBe(1);
    later(30_000);
    await deliver();
    expect(seen()).toBe(1); // still in the penalty: nothing posted, nothing dropped
    later(31_000);
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(wecom.received.filter((r) => r.query.get('key') === key)).toHaveLength(1);
    later(3_600_000);
    await deliver();
    expect(await channelStatuses(ch.id)).toEqual({ sent: 1 });
    expect(seen()).toBe(2);
  });

  it('a 5xx (DingTalk) is retried with backoff and delivered once', async () => {
    clock.set(START);
    const { api } = await newOrg('Flaky');
    const tok = token();
    const secret = dingSecret();
    dingtalk.addRobot(tok, secret);
    const ch = (
      await api('post', '/api/v1/channels', {
        kind: 'dingtalk',
        name: 'g',
        url: dingUrl(tok),
        secret,
      }).expect(201)
    ).body as { id: string };
    await deadline(api);
    await tickAt(START);
    dingtalk.answerNext('5xx', '5xx');
    expect(await deliver()).toMatchObject({ retried: 1 });
    const [row] = await outbox(
      t.databaseUrl,
      `SELECT next_attempt_at, last_error FROM channel_deliveries WHERE channel_id = $1`,
      [ch.id],
    );
    // First retry: 30 s × (0.5 + 0.5/2) = 22.5 s with the test's random 0.5.
    expect((row.next_attempt_at as Date).getTime() - nowMs()).toBe(22_500);
    expect(row.last_error).toBe('HTTP 500');
    later(22_500);
    expect(await deliver()).toMatchObject({ retried: 1 }); // second 5xx: 45 s
    later(45_000);
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(dingtalk.received.filter((r) => r.query.get('access_token') === tok)).toHaveLength(1);
    expect(await channelStatuses(ch.id)).toEqual({ sent: 1 });
  });
});

describe('an invalid token', () => {
  it('pauses the channel, mails the admins exactly once, keeps the messages waiting, and resume delivers them', async () => {
    clock.set(START);
    const { org, api } = await newOrg('Revoked');
    const admin = `admin-${token()}@revoked.cn`;
    await outbox(
      t.databaseUrl,
      `WITH u AS (INSERT INTO users (email, name, locale, created_at) VALUES ($2, '管理员', 'zh-CN', now()) RETURNING id)
       INSERT INTO memberships (user_id, organization_id, role, created_at) SELECT id, $1, 'admin', now() FROM u`,
      [org.id, admin],
    );
    const tok = token();
    const secret = feishuSecret();
    feishu.addBot(tok, secret);
    const ch = (
      await api('post', '/api/v1/channels', {
        kind: 'feishu',
        name: '飞书合规群',
        url: feishuUrl(tok),
        secret,
      }).expect(201)
    ).body as { id: string };
    await deadline(api);
    await deadline(api);
    await tickAt(START);
    feishu.answerNext('invalid_token');
    const first = await deliver();
    expect(first).toMatchObject({ sent: 0, waiting: 2, failed: 0 });
    const paused = (await api('get', `/api/v1/channels/${ch.id}`).expect(200)).body as Record<
      string,
      unknown
    >;
    expect(paused).toMatchObject({ status: 'paused', pausedKind: 'invalid_credentials', pending: 2 });
    expect(String(paused.pausedReason)).toContain('19001');

    // The alert goes through the mail outbox; more runs and ticks never send a second one.
    for (let i = 0; i < 3; i++) {
      later(600_000);
      await t.app.get(DeliveryService).deliverDue(() => clock.now());
      await deliver();
    }
    const alerts = sink.messages.filter((m) => [m.to].flat()[0]!.value[0].address === admin);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].subject).toContain('飞书合规群');
    expect(alerts[0].text).toContain('2 条提醒正在等待');
    expect(alerts[0].text).not.toContain(tok);
    expect(alerts[0].text).not.toContain(secret);
    expect(feishu.requests.filter((r) => r.path.endsWith(tok))).toHaveLength(1);
    expect(await channelStatuses(ch.id)).toEqual({ pending: 2 });

    await api('post', `/api/v1/channels/${ch.id}/resume`).expect(200);
    expect(await deliver()).toMatchObject({ sent: 2 });
    expect(feishu.received.filter((r) => r.path.endsWith(tok))).toHaveLength(2);
    expect(await channelStatuses(ch.id)).toEqual({ sent: 2 });
    await t.app.get(DeliveryService).deliverDue(() => clock.now());
    expect(sink.messages.filter((m) => [m.to].flat()[0]!.value[0].address === admin)).toHaveLength(1);
  });
});

describe('a worker killed while posting', () => {
  it('loses nothing: the lease expires, a second worker re-posts the in-flight message once, and it is recorded sent once', async () => {
    clock.set(START);
    const { api } = await newOrg('Crash');
    const ch = (
      await api('post', '/api/v1/channels', {
        kind: 'webhook',
        name: 'erp',
        url: receiver.url,
        secret: WHSEC,
      }).expect(201)
    ).body as { id: string };
    await deadline(api);
    await deadline(api);
    await tickAt(START);
    const before = receiver.requests.length;
    const hold = receiver.hold();
    // Worker 1 posts the first message and "dies": its answer never comes back while the lease runs.
    const first = deliver();
    await hold.arrived;
    const inflightId = String(receiver.requests[before].headers['webhook-id']);
    later(61_000); // past CHANNEL_LEASE_SECONDS
    const second = await t.app.get(ChannelDeliveryService).deliverDue(
      () => clock.now(),
      () => 0.5,
    );
    expect(second.sent).toBeGreaterThanOrEqual(1);
    hold.release();
    const firstResult = await first;
    // Worker 1 records nothing: neither the post it made (taken over) nor the second message of its batch,
    // whose lease had expired too and which worker 2 posted.
    expect(firstResult).toMatchObject({ sent: 0, lost: 2 });
    const posted = receiver.requests.slice(before).map((r) => String(r.headers['webhook-id']));
    // Both messages arrived; only the in-flight one twice (same webhook-id, so the receiver can drop it).
    expect(new Set(posted).size).toBe(2);
    expect(posted.filter((id) => id === inflightId)).toHaveLength(2);
    expect(posted).toHaveLength(3);
    expect(await channelStatuses(ch.id)).toEqual({ sent: 2 });
  });
});

describe('per-bot rate limits', () => {
  it('200 due stages at once: the WeCom bot never sees more than 20 in any minute, and gets all 200 once', async () => {
    clock.set(START);
    const { org, api } = await newOrg('Burst');
    const key = token();
    wecom.addKey(key);
    const ch = (
      await api('post', '/api/v1/channels', { kind: 'wecom', name: 'burst', url: wecomUrl(key) }).expect(201)
    ).body as { id: string };
    const deadlineId = await deadline(api);
    // 200 planned stages of one deadline, due now, each queued for the channel (as the planner would).
    await outbox(
      t.databaseUrl,
      `WITH n AS (
         INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, created_at)
         SELECT $1, $2, 'reminder', 'burst-' || g, '2026-11-25', 'pending', $3 FROM generate_series(1, 200) g RETURNING id)
       INSERT INTO channel_deliveries (organization_id, notification_id, channel_id, roles, next_attempt_at, created_at, updated_at)
       SELECT $1, n.id, $4, ARRAY['operator'], $3, $3, $3 FROM n`,
      [org.id, deadlineId, clock.now(), ch.id],
    );
    const mine = () => wecom.received.filter((r) => r.query.get('key') === key);
    for (let step = 0; step < 90 && mine().length < 200; step++) {
      await deliver();
      later(10_000);
    }
    const at = mine().map((r) => r.at);
    expect(at).toHaveLength(200);
    const maxInMinute = Math.max(...at.map((a) => at.filter((b) => b >= a && b < a + 60_000).length));
    expect(maxInMinute).toBeLessThanOrEqual(20);
    expect(wecom.overLimit).toBe(0);
    expect(await channelStatuses(ch.id)).toEqual({ sent: 200 });
    const bodies = new Set(mine().map((r) => r.raw));
    expect(bodies.size).toBe(200); // each message its own acknowledge link: none posted twice
  });
});

describe('workers racing', () => {
  it('three workers at once on one Feishu bot post each message once and never more than 5 a second', async () => {
    clock.set(START);
    const { org, api } = await newOrg('Race');
    const tok = token();
    const secret = feishuSecret();
    feishu.addBot(tok, secret);
    const ch = (
      await api('post', '/api/v1/channels', {
        kind: 'feishu',
        name: 'race',
        url: feishuUrl(tok),
        secret,
      }).expect(201)
    ).body as { id: string };
    const deadlineId = await deadline(api);
    await outbox(
      t.databaseUrl,
      `WITH n AS (
         INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, created_at)
         SELECT $1, $2, 'reminder', 'race-' || g, '2026-11-25', 'pending', $3 FROM generate_series(1, 30) g RETURNING id)
       INSERT INTO channel_deliveries (organization_id, notification_id, channel_id, roles, next_attempt_at, created_at, updated_at)
       SELECT $1, n.id, $4, ARRAY['operator'], $3, $3, $3 FROM n`,
      [org.id, deadlineId, clock.now(), ch.id],
    );
    const mine = () => feishu.requests.filter((r) => r.path.endsWith(tok));
    for (let step = 0; step < 20 && feishu.received.filter((r) => r.path.endsWith(tok)).length < 30; step++) {
      await Promise.all([deliver(), deliver(), deliver()]);
      later(1000);
    }
    expect(mine()).toHaveLength(30);
    expect(feishu.violations.filter((v) => v.includes(tok))).toEqual([]);
    expect(new Set(mine().map((r) => r.raw.replace(/"(timestamp|sign)":"[^"]*",?/g, ''))).size).toBe(30);
    expect(await channelStatuses(ch.id)).toEqual({ sent: 30 });
  });
});

describe('acknowledgement', () => {
  it("stops the channel's message still queued and its later stages", async () => {
    clock.set(START);
    const { api } = await newOrg('Acked');
    const key = token();
    wecom.addKey(key);
    const ch = (
      await api('post', '/api/v1/channels', {
        kind: 'wecom',
        name: 'g',
        url: wecomUrl(key),
        roles: ['manager'],
      }).expect(201)
    ).body as { id: string };
    const deadlineId = await deadline(api);
    await tickAt(START); // d-30 planned; the channel message waits to be posted
    await api('post', `/api/v1/deadlines/${deadlineId}/acknowledge`, {}).expect(200);
    expect(await deliver()).toMatchObject({ cancelled: 1, sent: 0 });
    // d-14, d-7, due: nothing more is planned or posted for the acknowledged cycle.
    for (const day of ['2026-12-11', '2026-12-18', '2026-12-25']) {
      await tickAt(new Date(`${day}T01:30:00Z`));
      await deliver();
    }
    expect(wecom.requests.filter((r) => r.query.get('key') === key)).toHaveLength(0);
    expect(await channelStatuses(ch.id)).toEqual({ cancelled: 1 });
  });

  it('a channel for the manager stage and above gets d-30 but not the operator-only d-60', async () => {
    clock.set(new Date('2026-10-26T01:30:00Z')); // d-60 of DUE
    const { api } = await newOrg('Roles');
    const key = token();
    wecom.addKey(key);
    const ch = (
      await api('post', '/api/v1/channels', {
        kind: 'wecom',
        name: 'mgmt',
        url: wecomUrl(key),
        roles: ['manager'],
      }).expect(201)
    ).body as { id: string };
    await deadline(api);
    await tickAt(new Date('2026-10-26T01:30:00Z'));
    await deliver();
    expect(await channelStatuses(ch.id)).toEqual({});
    await tickAt(START);
    await deliver();
    expect(await channelStatuses(ch.id)).toEqual({ sent: 1 });
  });
});

describe('the channels API', () => {
  it('refuses bad input with 400 naming the field and the rule, and never echoes a secret', async () => {
    const { api } = await newOrg('Bad input');
    const cases: [object, string, string][] = [
      [
        { kind: 'slack', name: 'x', url: 'https://hooks.slack.com/x' },
        'kind',
        'must be one of wecom, dingtalk, feishu, webhook',
      ],
      [
        { kind: 'wecom', name: 'x', url: 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh' },
        'url',
        'WeCom robot webhook',
      ],
      [
        { kind: 'wecom', name: 'x', url: 'https://evil.example.com/cgi-bin/webhook/send?key=abcdefgh' },
        'url',
        'WeCom robot webhook',
      ],
      [{ kind: 'dingtalk', name: 'x', url: dingUrl('abcdefgh12') }, 'secret', 'is required'],
      [{ kind: 'feishu', name: 'x', url: feishuUrl('abcdefgh12') }, 'secret', 'is required'],
      [{ kind: 'webhook', name: 'x', url: receiver.url, secret: 'whsec_short' }, 'secret', 'whsec_'],
      [{ kind: 'wecom', name: '', url: wecomUrl('abcdefgh12') }, 'name', '1 to 100'],
      [{ kind: 'wecom', name: 'x', url: wecomUrl('abcdefgh12'), roles: ['boss'] }, 'roles', 'non-empty list'],
    ];
    for (const [body, field, rule] of cases) {
      const res = await api('post', '/api/v1/channels', body).expect(400);
      const problems = (res.body as { problems: { field: string; rule: string }[] }).problems;
      expect(problems.find((p) => p.field === field)?.rule).toContain(rule);
      expect(JSON.stringify(res.body)).not.toContain('abcdefgh12');
    }
    expect(((await api('get', '/api/v1/channels').expect(200)).body as { items: unknown[] }).items).toEqual(
      [],
    );
  });

  it("keeps secrets out of responses, logs, audit events and exports; another organization's channel is a 404", async () => {
    clock.set(START);
    const { org, api } = await newOrg('Secrets');
    const tok = token();
    const secret = dingSecret();
    dingtalk.addRobot(tok, secret);
    const created = (
      await api('post', '/api/v1/channels', {
        kind: 'dingtalk',
        name: 'd',
        url: dingUrl(tok),
        secret,
      }).expect(201)
    ).body as { id: string };
    await deadline(api);
    await tickAt(START);
    dingtalk.answerNext('invalid_token');
    await deliver(); // pauses, with the platform's answer logged
    await api('post', `/api/v1/channels/${created.id}/resume`).expect(200);
    const test = (await api('post', `/api/v1/channels/${created.id}/test`).expect(200)).body as {
      outcome: string;
    };
    expect(test.outcome).toBe('ok');
    await api('post', `/api/v1/channels/${created.id}/pause`).expect(200);
    const everywhere = [
      JSON.stringify(created),
      JSON.stringify((await api('get', '/api/v1/channels').expect(200)).body),
      JSON.stringify((await api('get', `/api/v1/channels/${created.id}`).expect(200)).body),
      JSON.stringify((await api('get', '/api/v1/audit-events?limit=100').expect(200)).body),
      (await api('get', '/api/v1/exports/checklist.csv').expect(200)).text,
      logLines.join('\n'),
      sink.messages.map((m) => `${m.subject}\n${m.text}`).join('\n'),
    ].join('\n');
    expect(logLines.join('\n')).toContain('channel paused');
    expect(everywhere).toContain('channel.created');
    for (const s of [tok, secret, Buffer.from(secret).toString('base64')])
      expect(everywhere).not.toContain(s);
    const dump = (
      await outbox(
        t.databaseUrl,
        `SELECT string_agg(x, E'\\n') AS all FROM (SELECT c::text AS x FROM channels c UNION ALL SELECT d::text FROM channel_deliveries d
           UNION ALL SELECT a::text FROM audit_events a) z`,
      )
    )[0].all as string;
    for (const s of [tok, secret]) expect(dump).not.toContain(s);
    const other = await t.createOrg('Other');
    for (const [method, path] of [
      ['get', `/api/v1/channels/${created.id}`],
      ['post', `/api/v1/channels/${created.id}/test`],
      ['post', `/api/v1/channels/${created.id}/resume`],
      ['delete', `/api/v1/channels/${created.id}`],
    ] as const) {
      await t.http()[method](path).set('Authorization', other.bearer).expect(404);
    }
    await api('delete', `/api/v1/channels/${created.id}`).expect(204);
    void org;
  });
});
