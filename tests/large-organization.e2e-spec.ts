import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { AuthContext } from '../libs/auth/src/auth-context.js';
import { FixedClock } from '../libs/common/src/clock.js';
import { ChecklistService } from '../libs/exports/src/checklist.service.js';
import { miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

// What the large-organization paths (issue #13, point 4) must keep answering exactly as before: the risk
// ranking scored in SQL over trigger-kept summaries, the certificate list read from trigger-kept tables,
// and the checklist read in keyset pages in mini-program name order.

let t: TestApp;
let db: pg.Client;
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z')); // 2026-11-25 in Shanghai

beforeAll(async () => {
  t = await startTestApp({ clock });
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
}, 60_000);
afterAll(async () => {
  await db.end();
  await t.close();
}, 60_000);

const as = (org: TestOrg) => ({
  post: (path: string, body: object) =>
    t
      .http()
      .post(path)
      .set('Authorization', org.bearer)
      .send(body)
      .expect(201)
      .then((r) => r.body as { id: string }),
  patch: (path: string, body: object) =>
    t.http().patch(path).set('Authorization', org.bearer).send(body).expect(200),
  delete: (path: string) => t.http().delete(path).set('Authorization', org.bearer).expect(204),
  get: (path: string) =>
    t
      .http()
      .get(path)
      .set('Authorization', org.bearer)
      .expect(200)
      .then((r) => r.body),
});

describe('risk ranking', () => {
  it('ranks by the score each factor gives, as computed by hand, and follows custody changes', async () => {
    const org = await t.createOrg('Risk ranking');
    const api = as(org);
    // 2027-01-31 is 67 days after 2026-11-25: contract_ends_soon (<= 90 days).
    const unresponsive = await api.post(
      '/api/v1/vendors',
      vendorBody({ status: 'unresponsive', contractEndsOn: '2027-01-31' }),
    );
    const active = await api.post('/api/v1/vendors', vendorBody({ contractEndsOn: '2027-06-30' }));
    const mp = (name: string, extra: Record<string, unknown> = {}) =>
      api.post(
        '/api/v1/mini-programs',
        miniProgramBody({ name, certificationExpiresOn: '2027-06-01', ...extra }),
      );
    const held = async (id: string, verified: Record<string, string | null> = {}) => {
      const ids: Record<string, string> = {};
      for (const kind of ['admin_binding', 'source_code', 'app_secret', 'servers']) {
        ids[kind] = (
          await api.post(`/api/v1/mini-programs/${id}/assets`, {
            kind,
            holder: 'owner',
            lastVerifiedOn: kind in verified ? verified[kind] : '2026-11-01',
          })
        ).id;
      }
      return ids;
    };
    // Points: admin 25, source 20, AppSecret 10, infrastructure 10, WeChat Pay keys 10, unresponsive 20,
    // contract ends soon 10, deadline within 30 days while the vendor is unavailable 15, an original with
    // the vendor 5, an entry unverified for 180 days 5; capped at 100.
    await mp('A bare'); // 25 + 20 + 10 + 10 = 65
    const b = await mp('B safe'); // 0
    const bAssets = await held(b.id);
    const c = await mp('C stale'); // servers verified 2026-01-01, 328 days ago: 5
    await held(c.id, { servers: '2026-01-01' });
    const d = await mp('D unverified'); // AppSecret never verified: 5
    await held(d.id, { app_secret: null });
    await mp('E pay', { features: ['wechat_pay'] }); // 65 + 10 = 75
    const f = await mp('F pay owned', { features: ['wechat_pay'] }); // 65
    await api.post(`/api/v1/mini-programs/${f.id}/assets`, {
      kind: 'payment_keys',
      holder: 'owner',
      lastVerifiedOn: '2026-11-01',
    });
    const g = await mp('G vendor servers'); // 10
    const gAssets = await held(g.id);
    await api.patch(`/api/v1/mini-programs/${g.id}/assets/${gAssets.servers}`, { holder: 'vendor' });
    // due 2026-12-10 (15 days): 20 + 65 + 10 + 15 = 110, capped at 100
    await mp('H unresponsive', { vendorId: unresponsive.id, certificationExpiresOn: '2026-12-10' });
    const i = await mp('I unresponsive far', { vendorId: unresponsive.id }); // 20 + 10 = 30
    await held(i.id);
    const j = await mp('J original with vendor'); // 5
    await held(j.id);
    const licence = await api.post(`/api/v1/mini-programs/${j.id}/qualifications`, {
      requirementCode: 'food_business_licence',
      originalHeldBy: 'vendor',
      expiresOn: '2028-01-01',
    });
    const k = await mp('K active vendor', { vendorId: active.id }); // 0
    await held(k.id);

    const ranking = await api.get('/api/v1/risk?limit=200');
    expect(ranking.items.map((x: any) => [x.name, x.score])).toEqual([
      ['H unresponsive', 100],
      ['E pay', 75],
      ['A bare', 65],
      ['F pay owned', 65],
      ['I unresponsive far', 30],
      ['G vendor servers', 10],
      ['C stale', 5],
      ['D unverified', 5],
      ['J original with vendor', 5],
      ['B safe', 0],
      ['K active vendor', 0],
    ]);
    expect(ranking.organizationScore).toBe(100);
    expect(ranking.page).toEqual({ total: 11, limit: 200, offset: 0, next: null });

    const first = await api.get('/api/v1/risk?limit=4');
    expect(first.items.map((x: any) => x.name)).toEqual(['H unresponsive', 'E pay', 'A bare', 'F pay owned']);
    expect(first.page).toEqual({ total: 11, limit: 4, offset: 0, next: '/api/v1/risk?limit=4&offset=4' });
    const second = await api.get(first.page.next);
    expect(second.items.map((x: any) => x.name)).toEqual([
      'I unresponsive far',
      'G vendor servers',
      'C stale',
      'D unverified',
    ]);

    // Custody changes reach the ranking: G's servers back with the owner (0), B's admin binding gone (25),
    // J's licence original back with the owner (0).
    await api.patch(`/api/v1/mini-programs/${g.id}/assets/${gAssets.servers}`, { holder: 'owner' });
    await api.delete(`/api/v1/mini-programs/${b.id}/assets/${bAssets.admin_binding}`);
    await api.patch(`/api/v1/mini-programs/${j.id}/qualifications/${licence.id}`, {
      originalHeldBy: 'owner',
    });
    const after = await api.get('/api/v1/risk?limit=200');
    expect(after.items.map((x: any) => [x.name, x.score])).toEqual([
      ['H unresponsive', 100],
      ['E pay', 75],
      ['A bare', 65],
      ['F pay owned', 65],
      ['I unresponsive far', 30],
      ['B safe', 25],
      ['C stale', 5],
      ['D unverified', 5],
      ['G vendor servers', 0],
      ['J original with vendor', 0],
      ['K active vendor', 0],
    ]);
  }, 120_000);
});

describe('certificate list', () => {
  it('follows the registered domains through edits and deletions, and keeps the latest check', async () => {
    const org = await t.createOrg('Certificate list');
    const api = as(org);
    const one = await api.post(
      '/api/v1/mini-programs',
      miniProgramBody({ serverDomains: ['a.example.cn', 'shared.example.cn'] }),
    );
    const two = await api.post(
      '/api/v1/mini-programs',
      miniProgramBody({ serverDomains: ['shared.example.cn'] }),
    );
    const listed = async (query = '') =>
      (await api.get(`/api/v1/certificates${query}`)).items.map((x: any) => [x.domain, x.miniProgramIds]);
    expect(await listed()).toEqual([
      ['a.example.cn', [one.id]],
      ['shared.example.cn', [one.id, two.id]],
    ]);

    await api.patch(`/api/v1/mini-programs/${one.id}`, {
      serverDomains: ['b.example.cn', 'shared.example.cn'],
    });
    expect(await listed()).toEqual([
      ['b.example.cn', [one.id]],
      ['shared.example.cn', [one.id, two.id]],
    ]);
    await api.delete(`/api/v1/mini-programs/${two.id}`);
    expect(await listed()).toEqual([
      ['b.example.cn', [one.id]],
      ['shared.example.cn', [one.id]],
    ]);

    // A check recorded "as of" an earlier instant after a later one does not replace it as the latest.
    const check = (at: string, finding: string | null) =>
      db.query(
        `INSERT INTO certificate_checks (organization_id, domain, checked_at, trigger, outcome, finding, findings,
                                         not_before, not_after, deadline_action)
         VALUES ($1, 'b.example.cn', $2, 'on_demand', 'certificate', $3, $4, '2026-01-01', '2027-01-01', 'kept')`,
        [org.id, at, finding, finding ? [finding] : []],
      );
    await check('2026-11-24T01:00:00Z', 'expired');
    await check('2026-11-20T01:00:00Z', null);
    const any = await api.get('/api/v1/certificates?finding=any');
    expect(any.items.map((x: any) => [x.domain, x.checkedAt, x.finding])).toEqual([
      ['b.example.cn', '2026-11-24T01:00:00.000Z', 'expired'],
    ]);
    expect(any.page.total).toBe(1);
    await check('2026-11-25T01:00:00Z', null);
    expect((await api.get('/api/v1/certificates?finding=any')).items).toEqual([]);
    expect(
      (await api.get('/api/v1/certificates?finding=ok')).items.map((x: any) => [x.domain, x.checkedAt]),
    ).toEqual([['b.example.cn', '2026-11-25T01:00:00.000Z']]);
  }, 60_000);
});

describe('checklist pages', () => {
  it('reads every live deadline once, in name, mini-program, due date order, across page boundaries', async () => {
    const org = await t.createOrg('Checklist pages');
    const api = as(org);
    const vendor = await api.post('/api/v1/vendors', vendorBody({ contractEndsOn: '2027-04-30' }));
    // Two share a name; each has an annual review; one also a licence expiry; the vendor's contract is
    // an organization-level row.
    for (const [name, expiry] of [
      ['同名', '2027-05-01'],
      ['同名', '2027-03-01'],
      ['甲', '2027-02-01'],
      ['乙', '2027-07-01'],
    ] as const) {
      const created = await api.post(
        '/api/v1/mini-programs',
        miniProgramBody({ name, certificationExpiresOn: expiry, vendorId: vendor.id }),
      );
      if (name === '甲')
        await api.post(`/api/v1/mini-programs/${created.id}/qualifications`, {
          requirementCode: 'food_business_licence',
          expiresOn: '2027-01-15',
        });
    }
    // The order, as one statement over all of them (no pages) says it.
    const { rows: expected } = await db.query<{ id: string }>(
      `SELECT d.id FROM deadlines d LEFT JOIN mini_programs mp ON mp.id = d.mini_program_id
        WHERE d.organization_id = $1 AND d.state IN ('open', 'acknowledged', 'snoozed')
        ORDER BY d.mini_program_id IS NULL, mp.name, mp.id, d.due_on, d.id`,
      [org.id],
    );
    expect(expected.length).toBeGreaterThanOrEqual(6);
    const service = t.app.get(ChecklistService);
    const ctx: AuthContext = {
      organizationId: org.id,
      timeZone: 'Asia/Shanghai',
      locale: 'en',
      actorType: 'api_key',
      actorId: null,
      actorLabel: 'test',
    };
    const pageSize = Object.getOwnPropertyDescriptor(ChecklistService, 'PAGE_SIZE')!;
    try {
      for (const size of [1, 2, 3, 5]) {
        Object.defineProperty(ChecklistService, 'PAGE_SIZE', { value: size, configurable: true });
        const prepared = await service.prepare(ctx, {}, 'en');
        const ids: string[] = [];
        for await (const row of prepared.rows()) {
          ids.push(row.deadlineId);
          if (ids.length > 2 * expected.length) break; // a keyset that re-reads rows would never end
        }
        expect({ size, ids }).toEqual({ size, ids: expected.map((r) => r.id) });
      }
    } finally {
      Object.defineProperty(ChecklistService, 'PAGE_SIZE', pageSize);
    }
  }, 60_000);
});
