import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { contactBody, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { generateSecretKey } from '../libs/common/src/secret-box.js';
import { registeredRoutes } from './support/routes.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
/** A's record ids, by "<path segment before the parameter>:<parameter name>". */
const fixtures: Record<string, string> = {};
const secrets: string[] = [];
/**
 * Routes that need no key: no organization data, or a secret in the path is the credential (calendar
 * feed tokens, covered by tests/calendar.e2e-spec.ts; signed acknowledge links; the local inbox, which
 * answers only this machine).
 */
const PUBLIC = [/^\/health$/, /^\/docs/, /^\/calendar\//, /^\/ack\//, /^\/inbox/];

/** Routes whose parameter picks a file format, not a record: read like lists, once per format. */
const FORMATS: Record<string, string[]> = { '/api/v1/exports/checklist.:format': ['csv', 'md'] };
/**
 * A body each write route accepts, so that B's request passes validation and only the ownership check
 * can stop it: a 400 for an empty body would prove nothing about isolation. Every answer below must be
 * 404, as for an id that does not exist.
 */
const VALID_BODIES: Record<string, object> = {
  'patch /api/v1/mini-programs/:id': { name: 'B renamed it' },
  'post /api/v1/mini-programs/:id/qualifications': {
    requirementCode: 'icp_vas_licence',
    number: 'B-number',
    expiresOn: '2027-02-28',
  },
  'patch /api/v1/mini-programs/:id/qualifications/:qualificationId': { number: 'B-number' },
  'post /api/v1/mini-programs/:id/assets': { kind: 'servers', holder: 'vendor', location: 'B-place' },
  'patch /api/v1/mini-programs/:id/assets/:assetId': { location: 'B-place' },
  'patch /api/v1/vendors/:id': { name: 'B renamed it' },
  'patch /api/v1/contacts/:id': { name: 'B renamed it' },
  'post /api/v1/deadlines/:id/complete': {},
  'post /api/v1/deadlines/:id/acknowledge': {},
  'post /api/v1/deadlines/:id/snooze': { until: '2027-04-01' },
  'post /api/v1/deadlines/:id/reopen': {},
  'put /api/v1/deadlines/:id/ladder': { stages: [] },
  'post /api/v1/calendar-feeds/:id/rotate': {},
  'put /api/v1/mini-programs/:id/wechat/app-secret': { appSecret: '0123456789abcdef0123456789abcdef' },
  'post /api/v1/mini-programs/:id/wechat/sync': {},
  // Chat channels (issue #17)
  'post /api/v1/channels/:id/pause': {},
  'post /api/v1/channels/:id/resume': {},
  'post /api/v1/channels/:id/test': {},
};
/** Routes over data every organization shares (the built-in catalogue): nothing tenant-owned to leak. */
const SHARED = [/^\/api\/v1\/catalogue/];
/**
 * The console's pages take a signed-in person's session, never an API key (a key only gets the sign-in
 * redirect): their tenant and role checks are tests/console-security.e2e-spec.ts's.
 */
const SESSION = [/^\/$/, /^\/console(\/|$)/];

async function snapshot(bearer: string): Promise<string> {
  const paths = [
    '/api/v1/mini-programs?limit=200',
    '/api/v1/vendors?limit=200',
    '/api/v1/contacts?limit=200',
  ];
  const bodies = await Promise.all(
    paths.map((p) => t.http().get(p).set('Authorization', bearer).expect(200)),
  );
  return JSON.stringify(bodies.map((r) => r.body.items));
}

beforeAll(async () => {
  // A channel's URL is sealed at rest: storing one needs a key.
  t = await startTestApp({ env: { SECRETS_KEY: generateSecretKey() } });
  a = await t.createOrg('Tenant A');
  b = await t.createOrg('Tenant B');
  const post = (path: string, body: unknown) =>
    t
      .http()
      .post(path)
      .set('Authorization', a.bearer)
      .send(body as object)
      .expect(201)
      .then((r) => r.body);
  const vendor = await post('/api/v1/vendors', vendorBody({ name: 'A-secret-vendor' }));
  const contact = await post(
    '/api/v1/contacts',
    contactBody({ name: 'A-secret-contact', vendorId: vendor.id }),
  );
  const mp = await post(
    '/api/v1/mini-programs',
    miniProgramBody({
      name: 'A-secret-mini-program',
      vendorId: vendor.id,
      qualifications: [
        { requirementCode: 'food_business_licence', number: 'A-secret-number', expiresOn: '2027-01-31' },
      ],
    }),
  );
  const custom = await post('/api/v1/deadlines', {
    title: 'A-secret-deadline',
    dueOn: '2027-05-01',
    miniProgramId: mp.id,
  });
  const feed = await post('/api/v1/calendar-feeds', { miniProgramId: mp.id });
  const asset = await post(`/api/v1/mini-programs/${mp.id}/assets`, {
    kind: 'source_code',
    holder: 'vendor',
    location: 'A-secret-repository',
  });
  const channel = await post('/api/v1/channels', {
    kind: 'wecom',
    name: 'A-secret-channel',
    url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=A-secret-robot-key',
  });
  Object.assign(fixtures, {
    'channels:id': channel.id,
    'assets:assetId': asset.id,
    'calendar-feeds:id': feed.id,
    'deadlines:id': custom.id,
    'mini-programs:id': mp.id,
    'qualifications:qualificationId': mp.qualifications[0].id,
    'vendors:id': vendor.id,
    'contacts:id': contact.id,
  });
  const derived = await t
    .http()
    .get('/api/v1/deadlines?limit=200')
    .set('Authorization', a.bearer)
    .expect(200);
  expect(derived.body.page.total).toBeGreaterThanOrEqual(3);
  secrets.push(
    vendor.id,
    contact.id,
    mp.id,
    mp.appId,
    mp.qualifications[0].id,
    feed.id,
    feed.url.split('/').pop(),
    channel.id,
    'A-secret',
    ...derived.body.items.map((d: { id: string }) => d.id),
  );
  // B owns records too, so lists are not trivially empty.
  await t
    .http()
    .post('/api/v1/mini-programs')
    .set('Authorization', b.bearer)
    .send(miniProgramBody({ name: 'B own' }))
    .expect(201);
});
afterAll(() => t.close());

function fill(path: string, ids: (key: string) => string | undefined): string {
  const segments = path.split('/');
  return segments
    .map((segment, i) => {
      if (!segment.startsWith(':')) return segment;
      const key = `${segments[i - 1]}:${segment.slice(1)}`;
      const id = ids(key);
      if (!id)
        throw new Error(
          `No tenant-isolation fixture for ${key} in ${path}: add one in tests/tenant-isolation.e2e-spec.ts`,
        );
      return id;
    })
    .join('/');
}

describe('tenant isolation over every registered route', () => {
  it('finds the registry routes (the enumeration itself works)', () => {
    const paths = registeredRoutes(t.app).map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'get /api/v1/mini-programs/:id',
        'post /api/v1/mini-programs/import',
        'delete /api/v1/contacts/:id',
      ]),
    );
  });

  it("answers B for A's ids exactly as for ids that do not exist, and changes nothing of A's", async () => {
    const before = await snapshot(a.bearer);
    const routes = registeredRoutes(t.app).filter(
      (r) =>
        r.path.includes(':') &&
        !FORMATS[r.path] &&
        ![...PUBLIC, ...SHARED, ...SESSION].some((p) => p.test(r.path)),
    );
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const route of routes) {
      const label = `${route.method} ${route.path}`;
      const body = route.method === 'get' || route.method === 'delete' ? {} : VALID_BODIES[label];
      if (!body) throw new Error(`No valid body for ${label}: add one to VALID_BODIES`);
      const send = (path: string) => t.http()[route.method](path).set('Authorization', b.bearer).send(body);
      const theirs = await send(fill(route.path, (k) => fixtures[k]));
      const nobody = await send(fill(route.path, () => randomUUID()));
      // A fixed answer: not found, word for word what an id that does not exist gets.
      expect({ label, status: theirs.status }).toEqual({ label, status: 404 });
      expect({ label, body: theirs.body }).toEqual({ label, body: nobody.body });
      expect(theirs.body).toMatchObject({ statusCode: 404 });
      for (const s of secrets) expect(JSON.stringify(theirs.body)).not.toContain(s);
    }
    expect(await snapshot(a.bearer)).toBe(before);
  });

  it("shows none of A's rows in any list B can read", async () => {
    const lists = registeredRoutes(t.app)
      .filter((r) => r.method === 'get' && ![...PUBLIC, ...SESSION].some((p) => p.test(r.path)))
      .flatMap((r) =>
        FORMATS[r.path]
          ? FORMATS[r.path].map((f) => ({ ...r, path: r.path.replace(':format', f) }))
          : r.path.includes(':')
            ? []
            : [r],
      );
    expect(lists.length).toBeGreaterThanOrEqual(4);
    for (const route of lists) {
      const res = await t.http().get(route.path).set('Authorization', b.bearer);
      expect({ route: route.path, status: res.status }).toEqual({ route: route.path, status: 200 });
      for (const s of secrets)
        expect({ route: route.path, leaked: res.text.includes(s) }).toEqual({
          route: route.path,
          leaked: false,
        });
    }
  });

  it("refuses to let B point its records at A's vendor", async () => {
    const theirs = await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', b.bearer)
      .send(miniProgramBody({ vendorId: fixtures['vendors:id'] }));
    const nobody = await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', b.bearer)
      .send(miniProgramBody({ vendorId: randomUUID() }));
    expect(theirs.status).toBe(400);
    expect(theirs.body).toEqual(nobody.body);
    const contact = await t
      .http()
      .post('/api/v1/contacts')
      .set('Authorization', b.bearer)
      .send(contactBody({ vendorId: fixtures['vendors:id'] }));
    expect(contact.status).toBe(400);
  });
});
