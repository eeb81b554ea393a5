import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '../libs/common/src/clock.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { contactBody, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { outbox } from './support/outbox.js';
import { SmtpSink } from './support/smtp-sink.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
let org: TestOrg;
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));

beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await startTestApp({ clock, env: { SMTP_URL: sink.url() } });
  org = await t.createOrg('Continuity');
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

const api = {
  post: (path: string, body: object) => t.http().post(path).set('Authorization', org.bearer).send(body),
  patch: (path: string, body: object) => t.http().patch(path).set('Authorization', org.bearer).send(body),
  get: (path: string) => t.http().get(path).set('Authorization', org.bearer),
};

describe('custody register', () => {
  it('records who holds what, and refuses secret-looking values with a 400', async () => {
    const mp = (await api.post('/api/v1/mini-programs', miniProgramBody()).expect(201)).body;
    const ok = await api
      .post(`/api/v1/mini-programs/${mp.id}/assets`, {
        kind: 'source_code',
        holder: 'vendor',
        location: 'https://git.vendor.example.cn/kangning/app',
        lastVerifiedOn: '2026-11-01',
      })
      .expect(201);
    expect(ok.body).toMatchObject({ kind: 'source_code', holder: 'vendor', lastVerifiedOn: '2026-11-01' });
    const secret = await api
      .post(`/api/v1/mini-programs/${mp.id}/assets`, {
        kind: 'app_secret',
        holder: 'vendor',
        notes: 'AppSecret 3f1c0a9b2d4e5f60718293a4b5c6d7e8',
      })
      .expect(400);
    expect(secret.body.problems).toEqual([
      { field: 'notes', rule: expect.stringMatching(/must not contain secrets/) },
    ]);
    await api
      .post(`/api/v1/mini-programs/${mp.id}/assets`, {
        kind: 'payment_keys',
        holder: 'vendor',
        location: '-----BEGIN PRIVATE KEY-----',
      })
      .expect(400);
    await api
      .post(`/api/v1/mini-programs/${mp.id}/assets`, { kind: 'spaceship', holder: 'vendor' })
      .expect(400);
    const list = (await api.get(`/api/v1/mini-programs/${mp.id}/assets`).expect(200)).body;
    expect(list.map((a: any) => a.kind)).toEqual(['source_code']);
  });
});

describe('vendor status change', () => {
  it('sends exactly one continuity alert listing what the vendor holds, even when saved twice or by two requests at once', async () => {
    await api
      .post('/api/v1/contacts', contactBody({ email: 'mgr@continuity.cn', role: 'manager' }))
      .expect(201);
    await api
      .post('/api/v1/contacts', contactBody({ email: 'ceo@continuity.cn', role: 'executive', locale: 'en' }))
      .expect(201);
    await api
      .post('/api/v1/contacts', contactBody({ email: 'op@continuity.cn', role: 'operator' }))
      .expect(201);
    const vendor = (await api.post('/api/v1/vendors', vendorBody({ name: '快码科技' })).expect(201)).body;
    const mp = (
      await api
        .post(
          '/api/v1/mini-programs',
          miniProgramBody({
            name: '康宁商城',
            vendorId: vendor.id,
            certificationExpiresOn: '2027-01-10',
            qualifications: [
              { requirementCode: 'food_business_licence', expiresOn: '2027-05-01', originalHeldBy: 'vendor' },
            ],
            serviceCategories: ['餐饮 > 外卖'],
          }),
        )
        .expect(201)
    ).body;
    await api
      .post(`/api/v1/mini-programs/${mp.id}/assets`, { kind: 'admin_binding', holder: 'vendor' })
      .expect(201);
    await api
      .post(`/api/v1/mini-programs/${mp.id}/assets`, { kind: 'app_secret', holder: 'vendor' })
      .expect(201);

    const change = {
      status: 'ceased',
      statusReason: '公司注销',
      statusEvidence: '国家企业信用信息公示系统 2026-11-20',
    };
    const [a, b] = await Promise.all([
      api.patch(`/api/v1/vendors/${vendor.id}`, change),
      api.patch(`/api/v1/vendors/${vendor.id}`, change),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await api.patch(`/api/v1/vendors/${vendor.id}`, change).expect(200);
    await t.app.get(TickService).tick(clock.now(), () => 0.5);
    const alerts = sink.messages.filter(
      (m) => /服务商|vendor/i.test(m.subject ?? '') && /快码科技/.test(m.subject ?? ''),
    );
    expect(alerts.map((m) => [m.to].flat()[0]!.value[0].address).sort()).toEqual([
      'ceo@continuity.cn',
      'mgr@continuity.cn',
    ]);
    const zh = alerts.find((m) => /mgr@/.test(JSON.stringify(m.to)))!;
    expect(zh.text).toContain('康宁商城');
    expect(zh.text).toContain('管理员绑定');
    expect(zh.text).toContain('AppSecret');
    expect(zh.text).toContain('食品经营许可证');
    expect(zh.text).toContain('重置 AppSecret');
    const rows = await outbox(
      t.databaseUrl,
      `SELECT count(*)::int AS n FROM notifications WHERE kind = 'continuity_alert' AND vendor_id = $1`,
      [vendor.id],
    );
    expect(rows[0].n).toBe(1);
    const v = (await api.get(`/api/v1/vendors/${vendor.id}`).expect(200)).body;
    expect(v).toMatchObject({ status: 'ceased', statusEvidence: change.statusEvidence });

    // Back to active: audited, no alert.
    await api
      .patch(`/api/v1/vendors/${vendor.id}`, { status: 'active', statusReason: '恢复联系' })
      .expect(200);
    const events = (
      await api.get(`/api/v1/audit-events?entityId=${vendor.id}&action=vendor.status_changed`).expect(200)
    ).body.items;
    expect(events.map((e: any) => e.after.status)).toEqual(['active', 'ceased']);
  });
});

describe('continuity risk', () => {
  it('ranks mini-programs by a score that explains itself', async () => {
    const other = await t.createOrg('Risky');
    const post = (path: string, body: object) =>
      t
        .http()
        .post(path)
        .set('Authorization', other.bearer)
        .send(body)
        .expect(201)
        .then((r) => r.body);
    const vendor = await post(
      '/api/v1/vendors',
      vendorBody({ status: 'unresponsive', contractEndsOn: '2027-01-31' }),
    );
    const safe = await post('/api/v1/mini-programs', miniProgramBody({ name: 'Safe' }));
    for (const kind of [
      'admin_binding',
      'source_code',
      'app_secret',
      'servers',
      'cloud_account',
      'domain_registrar',
    ]) {
      await post(`/api/v1/mini-programs/${safe.id}/assets`, {
        kind,
        holder: 'owner',
        lastVerifiedOn: '2026-11-01',
      });
    }
    const risky = await post(
      '/api/v1/mini-programs',
      miniProgramBody({ name: 'Risky', vendorId: vendor.id }),
    );
    const ranking = (await t.http().get('/api/v1/risk').set('Authorization', other.bearer).expect(200)).body;
    expect(ranking.items.map((i: any) => [i.name, i.score])).toEqual([
      ['Risky', 95],
      ['Safe', 0],
    ]);
    expect(ranking.organizationScore).toBe(95);
    const one = (
      await t
        .http()
        .get(`/api/v1/mini-programs/${risky.id}/risk`)
        .set('Authorization', other.bearer)
        .expect(200)
    ).body;
    expect(Object.fromEntries(one.factors.map((f: any) => [f.code, f.points]))).toEqual({
      vendor_unresponsive: 20,
      admin_binding_not_owner: 25,
      no_source_copy: 20,
      app_secret_not_owner: 10,
      infrastructure_not_owner: 10,
      contract_ends_soon: 10,
    });
  });
});
