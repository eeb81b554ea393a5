import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { AuthContext } from '../libs/auth/src/auth-context.js';
import { FixedClock } from '../libs/common/src/clock.js';
import { CERTIFICATES_COUNTED_UP_TO } from '../libs/certificates/src/certificates.controller.js';
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

describe('risk ranking at its edges', () => {
  it('counts a deadline 30 days away and not one 31 days away, and gives the top score on every page', async () => {
    const org = await t.createOrg('Risk edges');
    const api = as(org);
    const vendor = await api.post(
      '/api/v1/vendors',
      vendorBody({ status: 'unresponsive', contractEndsOn: '2027-12-31' }),
    );
    // Today is 2026-11-25. Unresponsive 20 + nothing in custody 25 + 20 + 10 + 10 = 85 each; the annual
    // review due 2026-12-25 is 30 days away while the vendor is unavailable: 15 more (100). 2026-12-26 is
    // 31 days away: no more. By name alone A would come first.
    await api.post(
      '/api/v1/mini-programs',
      miniProgramBody({ name: 'A 31 days', vendorId: vendor.id, certificationExpiresOn: '2026-12-26' }),
    );
    await api.post(
      '/api/v1/mini-programs',
      miniProgramBody({ name: 'B 30 days', vendorId: vendor.id, certificationExpiresOn: '2026-12-25' }),
    );
    const all = await api.get('/api/v1/risk');
    expect(all.items.map((x: any) => [x.name, x.score])).toEqual([
      ['B 30 days', 100],
      ['A 31 days', 85],
    ]);
    expect(all.organizationScore).toBe(100);
    // The organization's score is the highest, whichever page is asked for, even one past the end.
    const second = await api.get('/api/v1/risk?limit=1&offset=1');
    expect(second.items.map((x: any) => x.name)).toEqual(['A 31 days']);
    expect(second.organizationScore).toBe(100);
    expect(second.page).toEqual({ total: 2, limit: 1, offset: 1, next: null });
    const past = await api.get('/api/v1/risk?limit=1&offset=5');
    expect(past.items).toEqual([]);
    expect(past.organizationScore).toBe(100);
    expect(past.page.total).toBe(2);
    const none = await as(await t.createOrg('Risk nothing')).get('/api/v1/risk');
    expect(none).toEqual({
      organizationScore: 0,
      items: [],
      page: { total: 0, limit: 50, offset: 0, next: null },
    });
  }, 60_000);
});

describe('deadline overview at its edges', () => {
  it('puts each boundary date in its bucket and counts every live state, not a completed cycle', async () => {
    const org = await t.createOrg('Overview edges');
    const api = as(org);
    // Today is 2026-11-25: overdue before it; due_7 up to 2026-12-02; due_30 up to 2026-12-25; due_90 up to
    // 2027-02-23; later after.
    const ids: Record<string, string> = {};
    for (const due of [
      '2026-11-24',
      '2026-11-25',
      '2026-12-02',
      '2026-12-03',
      '2026-12-25',
      '2026-12-26',
      '2027-02-23',
      '2027-02-24',
      '2027-03-01',
    ]) {
      ids[due] = (await api.post('/api/v1/deadlines', { title: `due ${due}`, dueOn: due })).id;
    }
    await t
      .http()
      .post(`/api/v1/deadlines/${ids['2026-12-02']}/acknowledge`)
      .set('Authorization', org.bearer)
      .send({})
      .expect(200);
    await t
      .http()
      .post(`/api/v1/deadlines/${ids['2026-12-26']}/acknowledge`)
      .set('Authorization', org.bearer)
      .send({})
      .expect(200);
    await t
      .http()
      .post(`/api/v1/deadlines/${ids['2027-02-24']}/snooze`)
      .set('Authorization', org.bearer)
      .send({ until: '2027-01-10' })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/deadlines/${ids['2027-03-01']}/complete`)
      .set('Authorization', org.bearer)
      .send({})
      .expect(200);
    const overview = await api.get('/api/v1/deadlines/overview');
    expect(overview).toEqual({
      today: '2026-11-25',
      timeZone: 'Asia/Shanghai',
      byUrgency: { overdue: 1, due_7: 2, due_30: 2, due_90: 2, later: 1 },
      byState: { open: 5, acknowledged: 2, snoozed: 1 },
      byKind: { custom: 8 },
    });
  }, 60_000);
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

describe('certificate list past the count cap', () => {
  it('counts registered domains up to the cap and says so, and exactly once a page reaches past it', async () => {
    const org = await t.createOrg('Certificate count cap');
    const n = CERTIFICATES_COUNTED_UP_TO + 50;
    // Written directly (the triggers register their domains): the count is under test, not the import.
    await db.query(
      `INSERT INTO mini_programs (organization_id, app_id, name, owner_name, owner_credit_code,
                                  service_categories, features, server_domains)
       SELECT $1, 'wx' || lpad(to_hex(i), 16, '0'), '证书 ' || i, '主体', '91440300MA5G7K2Q99',
              ARRAY['商家自营 > 百货'], '{}', ARRAY['d' || i || '.example.cn']
         FROM generate_series(1, $2::int) AS i`,
      [org.id, n],
    );
    const api = as(org);
    const first = await api.get('/api/v1/certificates?limit=50');
    expect(first.items).toHaveLength(50);
    expect(first.page).toMatchObject({
      total: CERTIFICATES_COUNTED_UP_TO + 1,
      totalIsExact: false,
      offset: 0,
    });
    expect(first.page.next).toBe('/api/v1/certificates?limit=50&offset=50');
    const last = await api.get(`/api/v1/certificates?limit=50&offset=${CERTIFICATES_COUNTED_UP_TO}`);
    expect(last.items).toHaveLength(50);
    expect(last.page).toMatchObject({ total: n, totalIsExact: true, next: null });

    // Filters count exactly while few match; a check of a domain no longer registered is not listed.
    await db.query(
      `INSERT INTO certificate_checks (organization_id, domain, checked_at, trigger, outcome, finding, findings,
                                       not_before, not_after, deadline_action)
       SELECT $1, d, '2026-11-24T01:00:00Z', 'scheduled', 'certificate', f, ARRAY[f]::text[],
              '2026-01-01', '2027-01-01', 'kept'
         FROM (VALUES ('d1.example.cn', 'expired'), ('d2.example.cn', 'wrong_name'),
                      ('d3.example.cn', 'expired'), ('gone.example.cn', 'expired')) AS c(d, f)`,
      [org.id],
    );
    const any = await api.get('/api/v1/certificates?finding=any');
    expect(any.items.map((x: any) => [x.domain, x.finding]).sort()).toEqual([
      ['d1.example.cn', 'expired'],
      ['d2.example.cn', 'wrong_name'],
      ['d3.example.cn', 'expired'],
    ]);
    expect(any.page).toMatchObject({ total: 3, totalIsExact: true, next: null });
    const expired = await api.get('/api/v1/certificates?finding=expired');
    expect(expired.items.map((x: any) => x.domain).sort()).toEqual(['d1.example.cn', 'd3.example.cn']);
    expect(expired.page).toMatchObject({ total: 2, totalIsExact: true });
    const ok = await api.get('/api/v1/certificates?finding=ok');
    expect(ok.items).toEqual([]);
    expect(ok.page).toMatchObject({ total: 0, totalIsExact: true });
  }, 120_000);
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
    const firstPageSize = Object.getOwnPropertyDescriptor(ChecklistService, 'FIRST_PAGE_SIZE')!;
    try {
      // the first page is smaller than the others (the file starts sooner): both boundaries move
      for (const [first, size] of [
        [1, 1],
        [1, 2],
        [2, 3],
        [1, 5],
        [3, 5],
        [2, 2000],
      ]) {
        Object.defineProperty(ChecklistService, 'PAGE_SIZE', { value: size, configurable: true });
        Object.defineProperty(ChecklistService, 'FIRST_PAGE_SIZE', { value: first, configurable: true });
        const prepared = await service.prepare(ctx, {}, 'en');
        const ids: string[] = [];
        for await (const row of prepared.rows()) {
          ids.push(row.deadlineId);
          if (ids.length > 2 * expected.length) break; // a keyset that re-reads rows would never end
        }
        expect({ first, size, ids }).toEqual({ first, size, ids: expected.map((r) => r.id) });
      }
    } finally {
      Object.defineProperty(ChecklistService, 'PAGE_SIZE', pageSize);
      Object.defineProperty(ChecklistService, 'FIRST_PAGE_SIZE', firstPageSize);
    }
  }, 60_000);
});
