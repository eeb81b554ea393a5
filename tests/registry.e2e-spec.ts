import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FixedClock } from '../libs/common/src/clock.js';
import { appId, contactBody, creditCode, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let org: TestOrg;
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));

beforeAll(async () => {
  t = await startTestApp({ clock });
  org = await t.createOrg('Registry org');
});
afterAll(() => t.close());

const api = {
  get: (path: string, bearer = org.bearer) => t.http().get(path).set('Authorization', bearer),
  post: (path: string, body: unknown, bearer = org.bearer) =>
    t
      .http()
      .post(path)
      .set('Authorization', bearer)
      .send(body as object),
  patch: (path: string, body: unknown, bearer = org.bearer) =>
    t
      .http()
      .patch(path)
      .set('Authorization', bearer)
      .send(body as object),
  delete: (path: string, bearer = org.bearer) => t.http().delete(path).set('Authorization', bearer),
};

describe('authentication', () => {
  it('answers 401 without a key, with a malformed key and with an unknown key', async () => {
    await t.http().get('/api/v1/mini-programs').expect(401);
    await api.get('/api/v1/mini-programs', 'Bearer nonsense').expect(401);
    const forged = `Bearer mpg_${'a'.repeat(12)}_${'b'.repeat(32)}`;
    const res = await api.get('/api/v1/mini-programs', forged).expect(401);
    expect(res.body.message).toMatch(/unknown or revoked/);
  });

  it('answers 401 once a key is revoked, and never echoes the key', async () => {
    const other = await t.createOrg('Revoked org');
    await api.get('/api/v1/contacts', other.bearer).expect(200);
    const { ApiKeyService } = await import('../libs/auth/src/api-key.service.js');
    const prefix = other.key.split('_')[1];
    await t.app.get(ApiKeyService).revoke(other.id, prefix);
    const res = await api.get('/api/v1/contacts', other.bearer).expect(401);
    expect(JSON.stringify(res.body)).not.toContain(other.key);
  });

  it('serves /health without a key', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body.checks.database.status).toBe('up');
  });
});

describe('mini-programs', () => {
  it('answers a create with what a read then gives: ids of version 7, qualifications by expiry, nulls last', async () => {
    // The answer is built without reading the rows back (MiniProgramCreation), so it must equal the read.
    const body = miniProgramBody({
      serviceCategories: ['医疗 > 药品信息'],
      qualifications: [
        { requirementCode: 'internet_drug_info_certificate', expiresOn: '2028-01-31' },
        { requirementCode: 'internet_drug_info_certificate', number: 'no expiry' },
        {
          requirementCode: 'internet_drug_info_certificate',
          expiresOn: '2027-06-30',
          issuedOn: '2022-07-01',
        },
      ],
    });
    const created = (await api.post('/api/v1/mini-programs', body).expect(201)).body;
    const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(created.id).toMatch(v7);
    expect(created.qualifications.map((q: { expiresOn: string | null }) => q.expiresOn)).toEqual([
      '2027-06-30',
      '2028-01-31',
      null,
    ]);
    for (const q of created.qualifications) {
      expect(q).toMatchObject({ miniProgramId: created.id, expirySource: 'owner', originalHeldBy: 'owner' });
      expect(q.id).toMatch(v7);
    }
    expect((await api.get(`/api/v1/mini-programs/${created.id}`).expect(200)).body).toEqual(created);
    const listed = (await api.get(`/api/v1/mini-programs/${created.id}/qualifications`).expect(200)).body;
    expect(listed.items ?? listed).toEqual(created.qualifications);
  });

  it('takes a vendor id written in upper case as the same vendor, in the answer and in its contract cycle', async () => {
    const vendor = (
      await api.post('/api/v1/vendors', vendorBody({ contractEndsOn: '2027-06-30' })).expect(201)
    ).body;
    const body = miniProgramBody({ vendorId: (vendor.id as string).toUpperCase() });
    const created = (await api.post('/api/v1/mini-programs', body).expect(201)).body;
    expect(created.vendor).toEqual({ id: vendor.id, name: vendor.name, status: 'active' });
    expect((await api.get(`/api/v1/mini-programs/${created.id}`).expect(200)).body).toEqual(created);
    const contracts = (await api.get('/api/v1/deadlines?kind=vendor_contract_end&limit=100').expect(200)).body
      .items as { vendor: { id: string } | null; dueOn: string }[];
    expect(contracts.filter((d) => d.vendor?.id === vendor.id).map((d) => d.dueOn)).toEqual(['2027-06-30']);
  });

  it('creates, reads, updates and deletes a mini-program with its qualifications', async () => {
    const vendor = (await api.post('/api/v1/vendors', vendorBody()).expect(201)).body;
    const body = miniProgramBody({
      vendorId: vendor.id,
      serviceCategories: ['医疗 > 药品信息'],
      qualifications: [
        {
          requirementCode: 'internet_drug_info_certificate',
          number: '(粤)-经营性-2024-0001',
          expiresOn: '2027-05-31',
          originalHeldBy: 'vendor',
        },
      ],
    });
    const created = (await api.post('/api/v1/mini-programs', body).expect(201)).body;
    expect(created).toMatchObject({
      appId: body.appId,
      vendor: { id: vendor.id, status: 'active' },
      serviceCategories: ['医疗 > 药品信息'],
      qualifications: [
        {
          requirementCode: 'internet_drug_info_certificate',
          expiresOn: '2027-05-31',
          originalHeldBy: 'vendor',
        },
      ],
    });
    expect((await api.get(`/api/v1/mini-programs/${created.id}`).expect(200)).body).toEqual(created);

    const updated = (
      await api
        .patch(`/api/v1/mini-programs/${created.id}`, {
          name: '新名字',
          certificationExpiresOn: '2028-02-29',
        })
        .expect(200)
    ).body;
    expect(updated).toMatchObject({
      name: '新名字',
      certificationExpiresOn: '2028-02-29',
      appId: body.appId,
    });

    const q = created.qualifications[0];
    await api
      .patch(`/api/v1/mini-programs/${created.id}/qualifications/${q.id}`, { expiresOn: '2028-05-31' })
      .expect(200);
    const qs = (await api.get(`/api/v1/mini-programs/${created.id}/qualifications`).expect(200)).body;
    expect(qs.map((x: { expiresOn: string }) => x.expiresOn)).toEqual(['2028-05-31']);

    await api.delete(`/api/v1/mini-programs/${created.id}`).expect(204);
    await api.get(`/api/v1/mini-programs/${created.id}`).expect(404);
    await api.get(`/api/v1/mini-programs/${created.id}/qualifications`).expect(404);
  });

  it('answers 409 for an AppID already registered in the organization, and writes nothing', async () => {
    const body = miniProgramBody();
    await api.post('/api/v1/mini-programs', body).expect(201);
    const res = await api
      .post('/api/v1/mini-programs', miniProgramBody({ appId: body.appId, name: 'second' }))
      .expect(409);
    expect(res.body.problems).toEqual([{ field: 'appId', rule: 'must be unique within the organization' }]);
    const list = (await api.get(`/api/v1/mini-programs?q=${body.appId as string}`).expect(200)).body;
    expect(list.items).toHaveLength(1);
  });

  it('allows the same AppID in another organization', async () => {
    const other = await t.createOrg('Other org');
    const body = miniProgramBody();
    await api.post('/api/v1/mini-programs', body).expect(201);
    await api.post('/api/v1/mini-programs', body, other.bearer).expect(201);
  });

  it.each([
    [{ appId: 'wx123' }, 'appId', /'wx' followed by 16/],
    [{ appId: 'WX1234567890ABCDEF' }, 'appId', /lowercase/],
    [{ ownerCreditCode: '91440300708461136A' }, 'ownerCreditCode', /check/],
    [{ certificationExpiresOn: '2026-02-30' }, 'certificationExpiresOn', /calendar date/],
    [{ certificationExpiresOn: '2026/03/01' }, 'certificationExpiresOn', /YYYY-MM-DD/],
    [
      { serverDomains: ['https://api.example.cn'] },
      'serverDomains[0]',
      /^must be a bare hostname without scheme, path or credentials$/,
    ],
    [{ serverDomains: ['10.0.0.1'] }, 'serverDomains[0]', /^must be a domain name, not an IP address$/],
    [
      { serverDomains: ['api.example.cn:8443'] },
      'serverDomains[0]',
      /^must be a bare hostname without a port$/,
    ],
    [{ name: 'bad\u0007name' }, 'name', /control/],
    [{ unexpected: true }, 'unexpected', /not a known field/],
    [{ features: ['teleportation'] }, 'features[0]', /must be one of/],
    [
      { qualifications: [{ requirementCode: 'no_such_thing' }] },
      'qualifications[0].requirementCode',
      /catalogue/,
    ],
    [
      { qualifications: [{ requirementCode: 'food_business_licence', expiresOn: '2027-13-01' }] },
      'qualifications[0].expiresOn',
      /calendar date/,
    ],
    [{ vendorId: '00000000-0000-4000-8000-000000000000' }, 'vendorId', /vendor of this organization/],
  ])('rejects %j with a 400 naming %s', async (override, field, rule) => {
    const res = await api.post('/api/v1/mini-programs', miniProgramBody(override)).expect(400);
    const problem = res.body.problems.find((p: { field: string }) => p.field === field);
    expect(problem).toBeDefined();
    expect(problem.rule).toMatch(rule);
  });

  it('rejects a missing required field and a body that is not JSON', async () => {
    const { appId: _omit, ...rest } = miniProgramBody();
    const res = await api.post('/api/v1/mini-programs', rest).expect(400);
    expect(res.body.problems.map((p: { field: string }) => p.field)).toContain('appId');
    const bad = await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', org.bearer)
      .set('Content-Type', 'application/json')
      .send('{"appId":')
      .expect(400);
    expect(bad.body.message).toMatch(/JSON/);
  });

  it('answers 404 for an id that is not a UUID', async () => {
    await api.get('/api/v1/mini-programs/not-a-uuid').expect(404);
  });
});

describe('listing', () => {
  let lister: TestOrg;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    lister = await t.createOrg('Lister');
    const p = (path: string, body: unknown) =>
      api
        .post(path, body, lister.bearer)
        .expect(201)
        .then((r) => r.body);
    const active = await p('/api/v1/vendors', vendorBody({ name: 'Active vendor' }));
    const gone = await p(
      '/api/v1/vendors',
      vendorBody({ name: 'Gone vendor', status: 'ceased', statusReason: 'bankrupt' }),
    );
    ids.active = active.id;
    ids.gone = gone.id;
    const mk = (name: string, extra: Record<string, unknown>) =>
      p('/api/v1/mini-programs', miniProgramBody({ name, ...extra }));
    ids.clinic = (
      await mk('Alpha Clinic', {
        vendorId: active.id,
        serviceCategories: ['医疗 > 互联网医院'],
        certificationExpiresOn: '2027-01-10',
      })
    ).id;
    ids.shop = (
      await mk('Beta Shop', {
        vendorId: gone.id,
        serviceCategories: ['商家自营 > 食品'],
        certificationExpiresOn: '2027-06-01',
        qualifications: [{ requirementCode: 'food_business_licence', expiresOn: '2027-02-01' }],
      })
    ).id;
    ids.school = (
      await mk('Gamma School', { serviceCategories: ['教育 > 培训机构'], certificationExpiresOn: null })
    ).id;
  });

  const names = async (query: string) =>
    (await api.get(`/api/v1/mini-programs?${query}`, lister.bearer).expect(200)).body.items.map(
      (i: { name: string }) => i.name,
    );

  it('filters by vendor, vendor status and service category', async () => {
    expect(await names(`vendorId=${ids.active}`)).toEqual(['Alpha Clinic']);
    expect(await names('vendorStatus=ceased')).toEqual(['Beta Shop']);
    expect(await names(`serviceCategory=${encodeURIComponent('医疗')}`)).toEqual(['Alpha Clinic']);
    expect(await names(`serviceCategory=${encodeURIComponent('医疗 > 互联网医院')}`)).toEqual([
      'Alpha Clinic',
    ]);
    expect(await names(`serviceCategory=${encodeURIComponent('医')}`)).toEqual([]);
  });

  it('filters by certification and qualification expiry, and searches names', async () => {
    expect(await names('certificationExpiresBefore=2027-03-01')).toEqual(['Alpha Clinic']);
    expect(await names('qualificationExpiresBefore=2027-03-01')).toEqual(['Beta Shop']);
    expect(await names('qualificationExpiresBefore=2027-01-01')).toEqual([]);
    expect(await names('q=shop')).toEqual(['Beta Shop']);
    expect(await names('q=%25')).toEqual([]);
  });

  it('sorts both ways and pages with a next link that carries the filters', async () => {
    expect(await names('sort=-name')).toEqual(['Gamma School', 'Beta Shop', 'Alpha Clinic']);
    expect(await names('sort=certificationExpiresOn')).toEqual(['Alpha Clinic', 'Beta Shop', 'Gamma School']);
    const first = (await api.get('/api/v1/mini-programs?limit=2&sort=name', lister.bearer).expect(200)).body;
    expect(first.page).toMatchObject({ total: 3, limit: 2, offset: 0, totalIsExact: true });
    expect(first.page.next).toContain('offset=2');
    expect(first.page.next).toContain('sort=name');
    const second = (await api.get(first.page.next, lister.bearer).expect(200)).body;
    expect(second.items.map((i: { name: string }) => i.name)).toEqual(['Gamma School']);
    expect(second.page.next).toBeNull();
  });

  it('counts matches up to 1,000, says when the total is a lower bound, and still pages to the end', async () => {
    const many = await t.createOrg('Many mini-programs');
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO mini_programs (organization_id, app_id, name, owner_name, owner_credit_code, service_categories)
         SELECT $1, 'wx' || lpad(to_hex(g), 16, '0'), 'MP ' || lpad(g::text, 4, '0'), 'Owner', '91440300MA5FQ8XJ28',
                CASE WHEN g % 2 = 0 THEN ARRAY['医疗 > 互联网医院'] ELSE ARRAY['教育'] END
           FROM generate_series(1, 1010) g`,
        [many.id],
      );
    } finally {
      await db.end();
    }
    const page = async (query: string) =>
      (await api.get(`/api/v1/mini-programs?${query}`, many.bearer).expect(200)).body.page;
    expect(await page('limit=10')).toMatchObject({
      total: 1001,
      totalIsExact: false,
      next: expect.stringContaining('offset=10'),
    });
    expect(await page(`serviceCategory=${encodeURIComponent('医疗')}&limit=10`)).toMatchObject({
      total: 505,
      totalIsExact: true,
    });
    expect(await page('limit=200&offset=900')).toMatchObject({ total: 1010, totalIsExact: true, next: null });
    const last = (await api.get('/api/v1/mini-programs?limit=20&offset=1000', many.bearer).expect(200)).body;
    expect(last.items).toHaveLength(10);
    expect(last.page).toMatchObject({ total: 1010, totalIsExact: true, next: null });
  });

  it('rejects bad list parameters naming them', async () => {
    const res = await api
      .get('/api/v1/mini-programs?limit=0&sort=color&vendorStatus=dead', lister.bearer)
      .expect(400);
    expect(res.body.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'limit',
      'sort',
      'vendorStatus',
    ]);
  });
});

describe('vendors and contacts', () => {
  it('records when and why a vendor status changed', async () => {
    const vendor = (await api.post('/api/v1/vendors', vendorBody()).expect(201)).body;
    clock.set(new Date('2026-12-01T03:00:00Z'));
    const changed = (
      await api
        .patch(`/api/v1/vendors/${vendor.id}`, { status: 'unresponsive', statusReason: '电话停机' })
        .expect(200)
    ).body;
    expect(changed).toMatchObject({
      status: 'unresponsive',
      statusReason: '电话停机',
      statusSince: '2026-12-01T03:00:00.000Z',
    });
    const audit = (await api.get(`/api/v1/audit-events?entityId=${vendor.id}`).expect(200)).body.items;
    expect(audit[0]).toMatchObject({
      action: 'vendor.status_changed',
      before: { status: 'active' },
      after: { status: 'unresponsive' },
    });
    expect(audit[0].actorLabel).toMatch(/^api key default \([0-9a-f]{12}\)$/);
    expect(audit[0].occurredAt).toBe('2026-12-01T03:00:00.000Z');
  });

  it('lists vendor contacts with the vendor and refuses to delete a vendor still in use', async () => {
    const vendor = (await api.post('/api/v1/vendors', vendorBody()).expect(201)).body;
    await api
      .post('/api/v1/contacts', contactBody({ vendorId: vendor.id, role: 'manager', email: 'pm@vendor.cn' }))
      .expect(201);
    const mp = (await api.post('/api/v1/mini-programs', miniProgramBody({ vendorId: vendor.id })).expect(201))
      .body;
    const view = (await api.get(`/api/v1/vendors/${vendor.id}`).expect(200)).body;
    expect(view.contacts.map((c: { email: string }) => c.email)).toEqual(['pm@vendor.cn']);
    expect(view.miniProgramCount).toBe(1);
    await api.delete(`/api/v1/vendors/${vendor.id}`).expect(409);
    await api.patch(`/api/v1/mini-programs/${mp.id}`, { vendorId: null }).expect(200);
    await api.delete(`/api/v1/vendors/${vendor.id}`).expect(204);
    expect(
      (await api.get('/api/v1/contacts?role=manager').expect(200)).body.items.map(
        (c: { email: string }) => c.email,
      ),
    ).not.toContain('pm@vendor.cn');
  });

  it('validates contacts: e-mail, role, locale', async () => {
    const res = await api
      .post('/api/v1/contacts', contactBody({ email: 'not-an-email', role: 'boss', locale: 'fr' }))
      .expect(400);
    expect(res.body.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'email',
      'locale',
      'role',
    ]);
    const ok = (await api.post('/api/v1/contacts', contactBody({ role: 'legal', locale: 'en' })).expect(201))
      .body;
    expect(ok).toMatchObject({ role: 'legal', locale: 'en', vendorId: null });
    await api.patch(`/api/v1/contacts/${ok.id}`, { role: 'executive' }).expect(200);
    await api.delete(`/api/v1/contacts/${ok.id}`).expect(204);
    await api.get(`/api/v1/contacts/${ok.id}`).expect(404);
  });
});

describe('audit', () => {
  it('records every write with the API key, before and after', async () => {
    const body = miniProgramBody({ appId: appId(), ownerCreditCode: creditCode() });
    const mp = (await api.post('/api/v1/mini-programs', body).expect(201)).body;
    await api.patch(`/api/v1/mini-programs/${mp.id}`, { name: 'renamed' }).expect(200);
    await api.delete(`/api/v1/mini-programs/${mp.id}`).expect(204);
    const events = (await api.get(`/api/v1/audit-events?entityId=${mp.id}`).expect(200)).body.items;
    expect(events.map((e: { action: string }) => e.action)).toEqual([
      'mini_program.deleted',
      'mini_program.updated',
      'mini_program.created',
    ]);
    expect(events[1].before.name).toBe(body.name);
    expect(events[1].after.name).toBe('renamed');
    expect(events[0].after).toBeNull();
  });

  it('writes nothing, not even an audit event, when a write fails', async () => {
    const before = (await api.get('/api/v1/audit-events?limit=1').expect(200)).body.page.total;
    await api
      .post(
        '/api/v1/mini-programs',
        miniProgramBody({ qualifications: [{ requirementCode: 'no_such_thing' }] }),
      )
      .expect(400);
    const after = (await api.get('/api/v1/audit-events?limit=1').expect(200)).body.page.total;
    expect(after).toBe(before);
  });
});
