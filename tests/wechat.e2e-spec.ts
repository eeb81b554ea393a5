import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '../libs/common/src/clock.js';
import { generateSecretKey, parseSecretKey } from '../libs/common/src/secret-box.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { CredentialService } from '../libs/wechat/src/credential.service.js';
import { WechatSyncService } from '../libs/wechat/src/wechat-sync.service.js';
import { createApp } from '../apps/bootstrap.js';
import { loadConfig } from '../libs/config/src/app-config.js';
import { appId as newAppId, contactBody, miniProgramBody } from './factories/registry.factory.js';
import { FakeWechatApi, type FakeMiniProgram } from './support/fakes/wechat-api.fake.js';
import { freePort } from './support/free-port.js';
import { outbox } from './support/outbox.js';
import { SmtpSink } from './support/smtp-sink.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
let fake: FakeWechatApi;
let org: TestOrg;
const SECRETS_KEY = generateSecretKey();
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z')); // 10:00 in Shanghai
let env: Record<string, string>;

beforeAll(async () => {
  sink = await SmtpSink.start();
  fake = await new FakeWechatApi().start();
  env = {
    SMTP_URL: sink.url(),
    SECRETS_KEY,
    WECHAT_API_BASE_URL: fake.baseUrl,
    WECHAT_RETRIES: '1',
    WECHAT_TIMEOUT_MS: '2000',
  };
  t = await startTestApp({ clock, env });
  org = await t.createOrg('WeChat sync');
});
afterAll(async () => {
  await t.close();
  await fake.stop();
  await sink.stop();
});

const api = {
  post: (path: string, body: object = {}) => t.http().post(path).set('Authorization', org.bearer).send(body),
  put: (path: string, body: object) => t.http().put(path).set('Authorization', org.bearer).send(body),
  patch: (path: string, body: object) => t.http().patch(path).set('Authorization', org.bearer).send(body),
  del: (path: string) => t.http().delete(path).set('Authorization', org.bearer),
  get: (path: string) => t.http().get(path).set('Authorization', org.bearer),
};

const secret = () => randomBytes(16).toString('hex');
/** Unix seconds of a wall-clock time in Shanghai (UTC+8, no daylight saving). */
const shanghai = (iso: string) => Date.parse(`${iso}+08:00`) / 1000;

/** A mini-program registered in mp-guard and known to the fake WeChat, with its AppSecret stored. */
async function registered(
  wechat: Partial<FakeMiniProgram> = {},
  registry: Record<string, unknown> = {},
): Promise<{ id: string; appId: string; secret: string }> {
  const appId = newAppId();
  const body = miniProgramBody({ appId, ...registry });
  if (!('certificationExpiresOn' in registry)) delete body.certificationExpiresOn;
  const mp = (await api.post('/api/v1/mini-programs', body).expect(201)).body as { id: string };
  const s = secret();
  fake.add({
    appId,
    secret: s,
    wxVerifyInfo: { qualification_verify: true, naming_verify: true, annual_review: false },
    icp: { status: 6, is_canceling: false, available: 1 },
    ...wechat,
  });
  await api.put(`/api/v1/mini-programs/${mp.id}/wechat/app-secret`, { appSecret: s }).expect(204);
  return { id: mp.id, appId, secret: s };
}

const sync = async (id: string) =>
  (await api.post(`/api/v1/mini-programs/${id}/wechat/sync`).expect(200)).body;
const codes = (status: { lastSync: { findings: { code: string }[] } }) =>
  status.lastSync.findings.map((f) => f.code);

describe('credential store', () => {
  it('stores the AppSecret write-only: 204, sealed in the table, never returned, exported or audited in clear', async () => {
    const mp = await registered();
    const status = await api.get(`/api/v1/mini-programs/${mp.id}/wechat`).expect(200);
    expect(status.body.credential).toEqual({
      stored: true,
      storedAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const forms = [
      mp.secret,
      Buffer.from(mp.secret).toString('base64'),
      Buffer.from(mp.secret).toString('hex'),
    ];
    const everywhere = [
      JSON.stringify(status.body),
      JSON.stringify((await api.get(`/api/v1/mini-programs/${mp.id}`).expect(200)).body),
      JSON.stringify((await api.get('/api/v1/audit-events?limit=100').expect(200)).body),
      (await api.get('/api/v1/exports/checklist.csv').expect(200)).text,
      (await api.get(`/api/v1/mini-programs/${mp.id}/handover.md`).expect(200)).text,
    ].join('\n');
    for (const form of forms) expect(everywhere).not.toContain(form);
    expect(everywhere).toContain('credential.stored');

    // Read as the database holds it: every column of every row, as text.
    const [row] = await outbox(
      t.databaseUrl,
      `SELECT key_id, sealed, t::text AS whole FROM credentials t WHERE mini_program_id = $1`,
      [mp.id],
    );
    expect(row.key_id).toMatch(/^[0-9a-f]{12}$/);
    expect((row.sealed as Buffer).length).toBe(12 + 16 + 32);
    const dump = (
      await outbox(
        t.databaseUrl,
        `SELECT string_agg(x, E'\\n') AS all FROM (
           SELECT c::text AS x FROM credentials c UNION ALL SELECT a::text FROM audit_events a
           UNION ALL SELECT w::text FROM wechat_tokens w UNION ALL SELECT s::text FROM wechat_syncs s) d`,
      )
    )[0].all as string;
    for (const form of forms) expect(dump).not.toContain(form);
  });

  it('refuses a malformed AppSecret naming the field, never echoing the value; another organization gets 404', async () => {
    const mp = await registered();
    const bad = await api
      .put(`/api/v1/mini-programs/${mp.id}/wechat/app-secret`, { appSecret: 'not-a-secret-XYZ' })
      .expect(400);
    expect(bad.body.problems).toEqual([
      { field: 'appSecret', rule: expect.stringContaining('32-character') },
    ]);
    expect(JSON.stringify(bad.body)).not.toContain('not-a-secret-XYZ');
    const other = await t.createOrg('Other');
    await t
      .http()
      .put(`/api/v1/mini-programs/${mp.id}/wechat/app-secret`)
      .set('Authorization', other.bearer)
      .send({ appSecret: secret() })
      .expect(404);
    await t
      .http()
      .get(`/api/v1/mini-programs/${mp.id}/wechat`)
      .set('Authorization', other.bearer)
      .expect(404);
    await t
      .http()
      .delete(`/api/v1/mini-programs/${mp.id}/wechat/app-secret`)
      .set('Authorization', other.bearer)
      .expect(404);
  });

  it('deletes the secret: 204, then 404, and the audit records that it changed', async () => {
    const mp = await registered();
    await api.del(`/api/v1/mini-programs/${mp.id}/wechat/app-secret`).expect(204);
    await api.del(`/api/v1/mini-programs/${mp.id}/wechat/app-secret`).expect(404);
    expect((await api.get(`/api/v1/mini-programs/${mp.id}/wechat`).expect(200)).body.credential.stored).toBe(
      false,
    );
    const audit = await outbox(
      t.databaseUrl,
      `SELECT action, after FROM audit_events WHERE entity_id = $1 AND action LIKE 'credential.%' ORDER BY occurred_at, id`,
      [mp.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['credential.stored', 'credential.deleted']);
    expect(audit[0].after).toEqual({
      kind: 'wechat_app_secret',
      keyId: expect.any(String),
      value: 'not recorded',
    });
  });
});

describe('sync', () => {
  it('opens the annual-review deadline from the review window, on the Shanghai dates', async () => {
    // The window ends 2027-03-15 00:30 in Shanghai, which is still 2027-03-14 in UTC.
    const mp = await registered({
      wxVerifyInfo: {
        qualification_verify: true,
        annual_review: true,
        annual_review_begin_time: shanghai('2026-12-15T00:00:00'),
        annual_review_end_time: shanghai('2027-03-15T00:30:00'),
      },
    });
    const status = await sync(mp.id);
    expect(status.certificationExpiresOn).toBe('2027-03-15');
    expect(status.annualReviewDeadline).toMatchObject({
      dueOn: '2027-03-15',
      windowOpensOn: '2026-12-15', // 3 months before
      applyBy: '2027-02-22', // 15 working days before Monday 15 March; 2027 has no holiday data yet
      actBy: '2027-02-22',
      state: 'open',
    });
    expect(status.lastSync.outcome).toBe('ok');
    expect(status.lastSync.changes).toEqual([
      { field: 'certificationExpiresOn', from: null, to: '2027-03-15' },
    ]);
    expect(status.lastSync.read.account).toMatchObject({
      reviewStartsOn: '2026-12-15',
      reviewEndsOn: '2027-03-15',
    });
    expect(status.lastSync.read.icp).toMatchObject({ status: 6 });
    expect(codes(status)).toEqual(['review_window_open', 'icp_filed']);
    const [audit] = await outbox(
      t.databaseUrl,
      `SELECT actor_type, actor_label FROM audit_events WHERE entity_id = $1 AND action = 'mini_program.updated'`,
      [mp.id],
    );
    expect(audit).toEqual({ actor_type: 'system', actor_label: 'wechat-sync' });
  });

  it('moves the date it set when the window moves, but shows a hand-entered date that differs with both values', async () => {
    const info = (end: string) => ({
      qualification_verify: true,
      annual_review: true,
      annual_review_end_time: shanghai(`${end}T12:00:00`),
    });
    const mp = await registered({ wxVerifyInfo: info('2027-03-15') });
    await sync(mp.id);
    fake.apps.get(mp.appId)!.wxVerifyInfo = info('2028-03-15');
    const moved = await sync(mp.id);
    expect(moved.lastSync.changes).toEqual([
      { field: 'certificationExpiresOn', from: '2027-03-15', to: '2028-03-15' },
    ]);
    expect(moved.annualReviewDeadline.dueOn).toBe('2028-03-15');

    await api.patch(`/api/v1/mini-programs/${mp.id}`, { certificationExpiresOn: '2028-04-01' }).expect(200);
    const kept = await sync(mp.id);
    expect(kept.certificationExpiresOn).toBe('2028-04-01');
    expect(kept.lastSync.changes).toEqual([]);
    const disagreement = kept.lastSync.findings.find(
      (f: { code: string }) => f.code === 'registry_disagrees',
    );
    expect(disagreement.details).toEqual({ registry: '2028-04-01', wechat: '2028-03-15' });
    expect(disagreement.message['zh-CN']).toContain('2028-04-01');
    expect(disagreement.message.en).toContain('2028-03-15');
  });

  it('takes a missing review end time as no window open, not as expiry: the registered date stays', async () => {
    const mp = await registered({}, { certificationExpiresOn: '2027-06-30' });
    const status = await sync(mp.id);
    expect(status.certificationExpiresOn).toBe('2027-06-30');
    expect(codes(status)).toEqual(['no_review_window', 'icp_filed']);
  });

  it('a secret that stops working is an urgent finding telling the owner to store a new one', async () => {
    const mp = await registered();
    expect((await sync(mp.id)).lastSync.outcome).toBe('ok');
    fake.resetSecret(mp.appId);
    // The cached token still works until WeChat expires it; the next day's sync needs a new one.
    await outbox(t.databaseUrl, `UPDATE wechat_tokens SET expires_at = now() WHERE mini_program_id = $1`, [
      mp.id,
    ]);
    const status = await sync(mp.id);
    expect(status.lastSync.outcome).toBe('failed');
    expect(status.lastSync.findings).toEqual([
      expect.objectContaining({
        code: 'invalid_secret',
        severity: 'urgent',
        details: expect.objectContaining({ errcode: 40125 }),
      }),
    ]);
  });

  it('names the address to add when WeChat refuses the IP (40164)', async () => {
    const mp = await registered();
    fake.whitelist = ['203.0.113.1'];
    try {
      const status = await sync(mp.id);
      const [f] = status.lastSync.findings;
      expect(f.code).toBe('ip_not_whitelisted');
      expect(f.details.address).toBe('127.0.0.1');
      expect(f.message['zh-CN']).toContain('127.0.0.1');
      expect(f.message.en).toContain("add this server's outbound address 127.0.0.1");
    } finally {
      fake.whitelist = null;
    }
  });

  it('retries WeChat busy (-1) and silence a bounded number of times, then reports them', async () => {
    const mp = await registered();
    const calls = () => fake.requests.length;
    fake.busy = 10;
    let before = calls();
    try {
      const busy = await sync(mp.id);
      expect(busy.lastSync.findings.map((f: { code: string }) => f.code)).toEqual(['wechat_busy']);
      expect(calls() - before).toBe(2); // WECHAT_RETRIES=1: the call and one retry
    } finally {
      fake.busy = 0;
    }
    fake.delayMs = 2500; // past WECHAT_TIMEOUT_MS=2000
    before = calls();
    try {
      const silent = await sync(mp.id);
      expect(silent.lastSync.findings[0]).toMatchObject({
        code: 'wechat_unreachable',
        details: { api: 'stable_token', reason: 'no answer within 2000 ms' },
      });
    } finally {
      fake.delayMs = 0;
    }
    expect(calls() - before).toBe(2);
  }, 30_000);

  it('renews a token that expires mid-sync once and finishes the sync, never with force_refresh', async () => {
    const mp = await registered();
    fake.expireTokenAfterBasicInfo = 1;
    const before = fake.tokenRequestsFor(mp.appId);
    const status = await sync(mp.id);
    expect(status.lastSync.outcome).toBe('ok');
    expect(status.lastSync.tokenRequests).toBe(2);
    expect(fake.tokenRequestsFor(mp.appId) - before).toBe(2);
    expect(fake.forceRefreshes).toBe(0);
  });

  it('reads the filing status separately: 48001 on it is a partial sync, the review date is still kept in step', async () => {
    const mp = await registered({
      unauthorized: ['get_icp_entrance_info'],
      wxVerifyInfo: { qualification_verify: true, annual_review_end_time: shanghai('2027-05-20T10:00:00') },
    });
    const status = await sync(mp.id);
    expect(status.lastSync.outcome).toBe('partial');
    expect(status.certificationExpiresOn).toBe('2027-05-20');
    expect(codes(status)).toEqual(['review_window_open', 'api_unauthorized']);
  });

  it('mails certification lost once, urgently, to the operator and manager through the outbox', async () => {
    await api
      .post('/api/v1/contacts', contactBody({ email: 'op@wx.example.cn', role: 'operator' }))
      .expect(201);
    await api
      .post('/api/v1/contacts', contactBody({ email: 'mgr@wx.example.cn', role: 'manager', locale: 'en' }))
      .expect(201);
    await api
      .post('/api/v1/contacts', contactBody({ email: 'ceo@wx.example.cn', role: 'executive' }))
      .expect(201);
    const mp = await registered({}, { certificationExpiresOn: '2027-01-10' });
    expect((await sync(mp.id)).lastSync.outcome).toBe('ok');
    fake.apps.get(mp.appId)!.wxVerifyInfo = { qualification_verify: false };
    const lost = await sync(mp.id);
    expect(lost.lastSync.findings[0]).toMatchObject({ code: 'certification_lost', severity: 'urgent' });
    await sync(mp.id); // still lost the next time: no second mail
    await t.app.get(TickService).tick(clock.now(), () => 0.5);
    const mails = sink.messages.filter((m) => (m.subject ?? '').includes(mp.appId));
    expect(mails.map((m) => [m.to].flat()[0]!.value[0].address).sort()).toEqual([
      'mgr@wx.example.cn',
      'op@wx.example.cn',
    ]);
    expect(mails.find((m) => /op@/.test(JSON.stringify(m.to)))!.subject).toContain('微信认证已失效');
    expect(mails.find((m) => /mgr@/.test(JSON.stringify(m.to)))!.subject).toContain('certification');
    // Still lost the next day: the loss was mailed already, so nothing new goes out.
    clock.set(new Date('2026-11-26T02:00:00Z'));
    try {
      expect((await sync(mp.id)).lastSync.findings[0].code).toBe('certification_lost');
    } finally {
      clock.set(new Date('2026-11-25T02:00:00Z'));
    }
    const alerts = await outbox(
      t.databaseUrl,
      `SELECT stage FROM notifications WHERE kind = 'wechat_alert' AND mini_program_id = $1`,
      [mp.id],
    );
    expect(alerts).toEqual([{ stage: 'wechat:certification_lost:2026-11-25' }]);
  });
});

describe('several workers', () => {
  it('two workers syncing at once fetch one token between them', async () => {
    const mp = await registered();
    const second = await createApp({
      config: loadConfig({
        DATABASE_URL: t.databaseUrl,
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
        DB_POOL_SIZE: '5',
        ...env,
      }),
      databaseUrl: t.databaseUrl,
      roles: { api: false, worker: false },
      clock,
    });
    await second.init();
    try {
      fake.tokenDelayMs = 300;
      const before = fake.tokenRequestsFor(mp.appId);
      const options = { trigger: 'on_demand' as const, organizationId: org.id, miniProgramId: mp.id };
      const [a, b] = await Promise.all([
        t.app.get(WechatSyncService).run(clock.now(), options),
        second.get(WechatSyncService).run(clock.now(), options),
      ]);
      expect([a.ok, b.ok]).toEqual([1, 1]);
      expect(fake.tokenRequestsFor(mp.appId) - before).toBe(1);
    } finally {
      fake.tokenDelayMs = 0;
      await second.close();
    }
  });
});

describe('logs', () => {
  it('a worker process logs its sync at trace level without the AppSecret or the token', async () => {
    const mp = await registered({
      wxVerifyInfo: { qualification_verify: true, annual_review_end_time: shanghai('2027-08-08T08:00:00') },
    });
    const worker = spawn(process.execPath, ['dist/apps/worker/main.js'], {
      env: {
        ...process.env,
        ...env,
        DATABASE_URL: t.databaseUrl,
        LOG_LEVEL: 'trace',
        WECHAT_SYNC_HOUR: '0',
        LOCAL_SMTP_PORT: String(await freePort()),
        TICK_INTERVAL_SECONDS: '3600',
        CERT_WATCH_HOUR: '23',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    worker.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    try {
      for (let i = 0; i < 200 && !output.includes('wechat synced'); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain('wechat synced');
    } finally {
      worker.kill('SIGTERM');
      await exited;
    }
    const [row] = await outbox(
      t.databaseUrl,
      `SELECT outcome FROM wechat_syncs WHERE mini_program_id = $1 AND trigger = 'scheduled'`,
      [mp.id],
    );
    expect(row.outcome).toBe('ok');
    expect(output).not.toContain(mp.secret);
    expect(output).not.toMatch(/fake-token-[0-9a-f]+/);
    expect(output).not.toContain(SECRETS_KEY);
  }, 60_000);
});

describe('key rotation', () => {
  const appWith = async (keys: Record<string, string>) => {
    const app = await createApp({
      config: loadConfig({
        DATABASE_URL: t.databaseUrl,
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
        DB_POOL_SIZE: '3',
        ...env,
        ...keys,
      }),
      databaseUrl: t.databaseUrl,
      roles: { api: false, worker: false },
      clock,
    });
    await app.init();
    return app;
  };

  it('secrets rotate re-seals every secret and token with the new key; the old key can then go', async () => {
    const mp = await registered();
    await sync(mp.id); // a cached token, sealed with the old key too
    const newKey = generateSecretKey();
    const rotating = await appWith({ SECRETS_KEY: newKey, SECRETS_PREVIOUS_KEYS: SECRETS_KEY });
    try {
      const r = await rotating.get(CredentialService).rotate();
      expect(r.current).toBe(parseSecretKey(newKey).id);
      expect(r.credentials).toBeGreaterThan(0);
      expect(r.tokens).toBeGreaterThan(0);
      expect((await rotating.get(CredentialService).rotate()).credentials).toBe(0); // nothing left to do
    } finally {
      await rotating.close();
    }
    const keyIds = await outbox(
      t.databaseUrl,
      `SELECT DISTINCT key_id FROM credentials UNION SELECT DISTINCT key_id FROM wechat_tokens`,
    );
    expect(keyIds).toEqual([{ key_id: parseSecretKey(newKey).id }]);
    const rotated = await appWith({ SECRETS_KEY: newKey });
    try {
      const tokensBefore = fake.tokenRequestsFor(mp.appId);
      const r = await rotated
        .get(WechatSyncService)
        .run(clock.now(), { trigger: 'on_demand', organizationId: org.id, miniProgramId: mp.id });
      expect(r.ok).toBe(1);
      expect(fake.tokenRequestsFor(mp.appId)).toBe(tokensBefore); // the re-sealed cached token
    } finally {
      await rotated.close();
    }
  });
});
