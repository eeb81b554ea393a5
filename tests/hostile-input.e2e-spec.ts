import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { contactBody, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { type RegisteredRoute, registeredRoutes } from './support/routes.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let org: TestOrg;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  org = await t.createOrg('Fuzzed');
  const post = (path: string, body: unknown) =>
    t
      .http()
      .post(path)
      .set('Authorization', org.bearer)
      .send(body as object)
      .expect(201)
      .then((r) => r.body);
  const vendor = await post('/api/v1/vendors', vendorBody());
  const contact = await post('/api/v1/contacts', contactBody());
  const mp = await post(
    '/api/v1/mini-programs',
    miniProgramBody({ qualifications: [{ requirementCode: 'food_business_licence' }] }),
  );
  const custom = await post('/api/v1/deadlines', {
    title: 'fuzz',
    dueOn: '2027-05-01',
    recurrence: 'monthly',
  });
  const feed = await post('/api/v1/calendar-feeds', { miniProgramId: mp.id });
  const asset = await post(`/api/v1/mini-programs/${mp.id}/assets`, { kind: 'backups', holder: 'owner' });
  Object.assign(ids, {
    'assets:assetId': asset.id,
    'calendar-feeds:id': feed.id,
    'deadlines:id': custom.id,
    'mini-programs:id': mp.id,
    'qualifications:qualificationId': mp.qualifications[0].id,
    'vendors:id': vendor.id,
    'contacts:id': contact.id,
  });
});
afterAll(() => t.close());

const FIELDS = [
  'appId',
  'name',
  'ownerName',
  'ownerCreditCode',
  'serviceCategories',
  'features',
  'vendorId',
  'certificationExpiresOn',
  'icpFilingNumber',
  'serverDomains',
  'notes',
  'qualifications',
  'requirementCode',
  'expiresOn',
  'issuedOn',
  'email',
  'role',
  'locale',
  'status',
  'statusReason',
  'contractEndsOn',
  'creditCode',
  'phone',
  'title',
  'dueOn',
  'recurrence',
  'until',
  'newExpiry',
  'note',
  'miniProgramId',
  '__proto__',
  'constructor',
  'prototype',
];
const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '\u0000',
    '\r\nBcc: x@evil',
    '9'.repeat(400),
    '2026-02-30',
    '𠮷'.repeat(300),
    '${jndi:x}',
    '<script>',
    'wx0123456789abcdef',
  ),
);
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('value'), { maxKeys: 4 }),
  ),
})).value;
const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 8 }),
  fc.anything(),
  fc.array(hostileValue, { maxLength: 3 }),
);

describe('hostile input on every write endpoint', () => {
  it('never answers 5xx, whatever the body', async () => {
    const writes = registeredRoutes(t.app).filter((r) => r.method !== 'get' && r.path.startsWith('/api/'));
    expect(writes.length).toBeGreaterThanOrEqual(10);
    for (const route of writes) {
      const path = route.path
        .split('/')
        .map((s, i, all) => (s.startsWith(':') ? (ids[`${all[i - 1]}:${s.slice(1)}`] ?? s) : s))
        .join('/');
      await fc.assert(
        fc.asyncProperty(
          hostileBody,
          fc.constantFrom('application/json', 'text/csv', 'text/plain'),
          async (body, type) => {
            const payload = JSON.stringify(body) ?? 'null';
            const agent = t.http();
            const res = await agent[route.method](path)
              .set('Authorization', org.bearer)
              .set('Content-Type', type)
              .send(payload);
            if (res.status >= 500)
              throw new Error(
                `${route.method.toUpperCase()} ${route.path} answered ${res.status} to ${payload.slice(0, 300)}: ${res.text}`,
              );
            expect(res.status).toBeLessThan(500);
          },
        ),
        { numRuns: 25, seed: 20261125 },
      );
    }
    // 25 bodies for each of 30-odd write routes: well past jest's default 5 s.
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------------
// Targeted hostile input, field by field: routes from the router, fields and parameters from the OpenAPI
// document the same app serves (so a new field or route is covered without editing this file).

interface OpenApiSchema {
  type?: string;
  nullable?: boolean;
  $ref?: string;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
}
interface OpenApiOperation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, OpenApiSchema> };
}

const NULL_RULE = 'must not be null (leave the field out to keep its value)';
let doc: OpenApiDocument;

function concretePath(route: RegisteredRoute): string {
  return route.path
    .split('/')
    .map((s, i, all) => (s.startsWith(':') ? (ids[`${all[i - 1]}:${s.slice(1)}`] ?? s) : s))
    .join('/');
}

function operationOf(route: RegisteredRoute): OpenApiOperation | undefined {
  return doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
}

function schemaOf(s: OpenApiSchema | undefined): OpenApiSchema | undefined {
  return s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : s;
}

function bodySchema(route: RegisteredRoute): OpenApiSchema | undefined {
  return schemaOf(operationOf(route)?.requestBody?.content?.['application/json']?.schema);
}

async function send(route: RegisteredRoute, body: string, query = '') {
  const agent = t.http();
  const res = await agent[route.method](`${concretePath(route)}${query}`)
    .set('Authorization', org.bearer)
    .set('Content-Type', 'application/json')
    .send(body);
  if (res.status >= 500) {
    throw new Error(
      `${route.method.toUpperCase()} ${route.path}${query} answered ${res.status} to ${body.slice(0, 200)}: ${res.text}`,
    );
  }
  return res;
}

describe('hostile input, field by field', () => {
  let writes: RegisteredRoute[];
  beforeAll(async () => {
    doc = (await t.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    writes = registeredRoutes(t.app).filter(
      (r) => r.method !== 'get' && r.path.startsWith('/api/') && bodySchema(r)?.properties,
    );
  });

  it('answers null on every field that is not nullable with a 400 naming the field, on every write route', async () => {
    // Every JSON write route with a body: POST and PATCH of mini-programs, vendors, contacts,
    // qualifications, assets, deadlines and feeds.
    expect(writes.filter((r) => r.method === 'patch').length).toBeGreaterThanOrEqual(5);
    const checked: string[] = [];
    for (const route of writes) {
      for (const [field, schema] of Object.entries(bodySchema(route)!.properties!)) {
        const res = await send(route, JSON.stringify({ [field]: null }));
        if (schema.nullable) continue;
        checked.push(`${route.method} ${route.path} ${field}`);
        expect({ route: route.path, method: route.method, field, status: res.status }).toEqual({
          route: route.path,
          method: route.method,
          field,
          status: 400,
        });
        expect(res.body.problems).toContainEqual({ field, rule: NULL_RULE });
      }
    }
    // The 17 fields of the report, among others.
    for (const expected of [
      'patch /api/v1/vendors/:id name',
      'patch /api/v1/mini-programs/:id appId',
      'patch /api/v1/mini-programs/:id ownerCreditCode',
      'patch /api/v1/mini-programs/:id serviceCategories',
      'patch /api/v1/mini-programs/:id features',
      'patch /api/v1/mini-programs/:id serverDomains',
      'patch /api/v1/contacts/:id email',
      'patch /api/v1/contacts/:id role',
      'patch /api/v1/contacts/:id locale',
      'patch /api/v1/mini-programs/:id/assets/:assetId kind',
      'patch /api/v1/mini-programs/:id/assets/:assetId holder',
      'patch /api/v1/mini-programs/:id/qualifications/:qualificationId requirementCode',
      'patch /api/v1/mini-programs/:id/qualifications/:qualificationId originalHeldBy',
    ]) {
      expect(checked).toContain(expected);
    }
  }, 120_000);

  it('names null inside a nested qualification by its path', async () => {
    const route = writes.find((r) => r.method === 'post' && r.path === '/api/v1/mini-programs')!;
    const res = await send(
      route,
      JSON.stringify(miniProgramBody({ qualifications: [{ requirementCode: null, originalHeldBy: null }] })),
    );
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      { field: 'qualifications[0].requirementCode', rule: NULL_RULE },
      { field: 'qualifications[0].originalHeldBy', rule: NULL_RULE },
    ]);
  });

  it('answers NUL and unpaired surrogates in every string field with a 4xx', async () => {
    for (const route of writes) {
      for (const field of Object.keys(bodySchema(route)!.properties!)) {
        for (const hostile of ['a\u0000b', '\ud800', ['\u0000'], { nested: '\u0000' }]) {
          const res = await send(route, JSON.stringify({ [field]: hostile }));
          expect([route.path, field, hostile, res.status < 500]).toEqual([route.path, field, hostile, true]);
        }
      }
    }
  }, 120_000);

  it.each<[string, string, number]>([
    ['nested 10,000 levels deep', `{"name":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, 400],
    ['nested 33 levels deep', `{"name":${'['.repeat(32)}${']'.repeat(32)}}`, 400],
  ])('refuses a body %s on every write route, naming the body', async (_, body, status) => {
    for (const route of writes) {
      const res = await send(route, body);
      expect([route.path, res.status]).toEqual([route.path, status]);
      expect(res.body.problems).toEqual([
        { field: 'body', rule: 'must not nest arrays and objects more than 32 levels deep' },
      ]);
    }
  });

  it('still reads a body nested 32 levels deep (then validates it as usual)', async () => {
    const route = writes.find((r) => r.method === 'post' && r.path === '/api/v1/vendors')!;
    const res = await send(route, `{"name":${'['.repeat(31)}${']'.repeat(31)}}`);
    expect(res.status).toBe(400);
    expect(res.body.problems).toContainEqual({ field: 'name', rule: 'must be a string' });
  });

  it('refuses a JSON body over 1 MB with 413', async () => {
    const route = writes.find((r) => r.method === 'post' && r.path === '/api/v1/vendors')!;
    const res = await send(route, JSON.stringify({ name: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
  });

  it('answers NUL, invalid escapes and non-ids in every path parameter of every route with a 4xx', async () => {
    const withParams = registeredRoutes(t.app).filter(
      (r) => r.path.startsWith('/api/') && r.path.includes('/:'),
    );
    expect(withParams.length).toBeGreaterThanOrEqual(10);
    for (const route of withParams) {
      const template = route.path.split('/');
      const real = concretePath(route).split('/');
      for (const [i, segment] of template.entries()) {
        if (!segment.startsWith(':')) continue;
        for (const hostile of [
          '%00',
          '%ff',
          'not-a-uuid',
          '00000000-0000-0000-0000-000000000000',
          "'%20OR%201=1",
        ]) {
          // One parameter hostile, the others real, so each is reached.
          const path = real.map((s, j) => (j === i ? hostile : s)).join('/');
          const agent = t.http();
          const res = await agent[route.method](path)
            .set('Authorization', org.bearer)
            .set('Content-Type', 'application/json')
            .send(route.method === 'get' ? undefined : '{}');
          expect([route.method, path, res.status >= 400 && res.status < 500]).toEqual([
            route.method,
            path,
            true,
          ]);
        }
      }
    }
  }, 120_000);

  it('answers NUL and invalid escapes in every query parameter of every route with a 400 naming it', async () => {
    const reads = registeredRoutes(t.app).filter((r) => r.path.startsWith('/api/'));
    let checked = 0;
    for (const route of reads) {
      const params = (operationOf(route)?.parameters ?? []).filter((p) => p.in === 'query');
      for (const { name } of params) {
        for (const [raw, rule] of [
          ['a%00b', 'must not contain control characters such as NUL or line breaks'],
          ['%0d%0aX-Injected:1', 'must not contain control characters such as NUL or line breaks'],
          ['%ff', 'must be valid percent-encoded UTF-8'],
          ['%e5%ba', 'must be valid percent-encoded UTF-8'],
          ['%ed%a0%80', 'must be valid percent-encoded UTF-8'],
          ['100%', 'must be valid percent-encoded UTF-8'],
        ]) {
          const res = await send(route, route.method === 'get' ? '' : '{}', `?${name}=${raw}`);
          expect([route.path, name, raw, res.status]).toEqual([route.path, name, raw, 400]);
          expect(res.body.problems).toEqual([{ field: name, rule }]);
          checked++;
        }
      }
    }
    // q, serviceCategory, vendorStatus, limit, offset, locale, dueFrom, ... on the list and export routes.
    expect(checked).toBeGreaterThanOrEqual(6 * 20);
    const mp = await t
      .http()
      .get('/api/v1/mini-programs?q=%E5%BA%B7%E5%AE%81&serviceCategory=%E5%B7%A5%E5%85%B7')
      .set('Authorization', org.bearer);
    expect(mp.status).toBe(200);
  }, 120_000);
});
