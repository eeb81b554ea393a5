import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { contactBody, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { registeredRoutes } from './support/routes.js';
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
