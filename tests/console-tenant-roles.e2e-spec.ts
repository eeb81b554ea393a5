import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { FixedClock } from '../libs/common/src/clock.js';
import { generateSecretKey } from '../libs/common/src/secret-box.js';
import { PeopleService } from '../libs/people/src/people.service.js';
import { ROLES, type Role } from '../libs/people/src/roles.js';
import { contactBody, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { ConsoleSession } from './support/console-session.js';
import { registeredRoutes, type RegisteredRoute } from './support/routes.js';
import { SmtpSink } from './support/smtp-sink.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

/**
 * Tenant and role checks for every console route, enumerated from the running app's router, so a page
 * added later is covered as soon as it is registered (and fails here until it has a row in MINIMUM).
 */
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));
const PASSWORD = 'correct horse battery';

/**
 * The least role each console route needs ('anonymous': no session needed). A route missing from this
 * table fails the first test with its name: decide its role, then add it.
 */
const MINIMUM: Record<string, Role | 'anonymous'> = {
  'get /': 'anonymous',
  'get /console/assets/:name': 'anonymous',
  'get /console/language': 'anonymous',
  'get /console/sign-in': 'anonymous',
  'post /console/sign-in': 'anonymous',
  'post /console/sign-out': 'anonymous',
  'post /console/sign-out-everywhere': 'viewer',
  'post /console/organization': 'viewer',
  'get /console/reset': 'anonymous',
  'post /console/reset': 'anonymous',
  'get /console/invitations/:token': 'anonymous',
  'post /console/invitations/:token': 'anonymous',
  'get /console/reset/:token': 'anonymous',
  'post /console/reset/:token': 'anonymous',
  'get /console': 'viewer',
  'get /console/people': 'admin',
  'post /console/people/invitations': 'admin',
  'post /console/people/invitations/:id/revoke': 'admin',
  'get /console/deadlines': 'viewer',
  'get /console/deadlines/:id': 'viewer',
  'post /console/deadlines/:id/complete': 'operator',
  'post /console/deadlines/:id/acknowledge': 'operator',
  'post /console/deadlines/:id/snooze': 'operator',
  'post /console/deadlines/:id/reopen': 'operator',
  'get /console/mini-programs': 'viewer',
  'get /console/mini-programs/new': 'operator',
  'post /console/mini-programs': 'operator',
  'get /console/mini-programs/import': 'operator',
  'post /console/mini-programs/import': 'operator',
  'get /console/mini-programs/:id': 'viewer',
  'get /console/mini-programs/:id/edit': 'operator',
  'post /console/mini-programs/:id': 'operator',
  'post /console/mini-programs/:id/wechat/sync': 'operator',
  'get /console/mini-programs/:id/qualifications/new': 'operator',
  'post /console/mini-programs/:id/qualifications': 'operator',
  'get /console/mini-programs/:id/qualifications/:qid/edit': 'operator',
  'post /console/mini-programs/:id/qualifications/:qid': 'operator',
  'get /console/history': 'manager',
  'get /console/deliveries': 'viewer',
  'get /console/inbox': 'admin',
  'get /console/inbox/:id': 'admin',
  // vendor continuity (issue 16, items 1-4)
  'get /console/vendors': 'viewer',
  'get /console/vendors/:id': 'viewer',
  'post /console/vendors/:id/status': 'operator',
  'post /console/vendors/:id/status/confirm': 'operator',
  'get /console/contacts': 'viewer',
  'get /console/contacts/new': 'operator',
  'post /console/contacts': 'operator',
  'get /console/contacts/:id/edit': 'operator',
  'post /console/contacts/:id': 'operator',
  'post /console/contacts/:id/delete': 'operator',
  'get /console/risk': 'viewer',
  'get /console/mini-programs/:id/continuity': 'viewer',
  'get /console/mini-programs/:id/handover.:format': 'viewer',
  'get /console/mini-programs/:id/assets/new': 'operator',
  'post /console/mini-programs/:id/assets': 'operator',
  'get /console/mini-programs/:id/assets/:assetId/edit': 'operator',
  'post /console/mini-programs/:id/assets/:assetId': 'operator',
  'post /console/mini-programs/:id/assets/:assetId/delete': 'operator',
  'get /console/custody/import': 'operator',
  'post /console/custody/import': 'operator',
  // exports and settings (issue 16, items 5-6)
  'get /console/exports': 'viewer',
  'get /console/exports/download': 'viewer',
  'post /console/calendar-feeds': 'admin',
  'post /console/calendar-feeds/:id/rotate': 'admin',
  'post /console/calendar-feeds/:id/revoke': 'admin',
  'get /console/settings': 'admin',
  'post /console/people/:id/role': 'admin',
  'post /console/people/:id/remove': 'admin',
  'get /console/settings/api-keys': 'admin',
  'post /console/settings/api-keys': 'admin',
  'post /console/settings/api-keys/:id/revoke': 'admin',
  'get /console/settings/reminders': 'admin',
  'post /console/settings/reminders/ladder': 'admin',
  'get /console/settings/organization': 'admin',
  'post /console/settings/organization': 'admin',
  'get /console/settings/catalogue': 'admin',
  'post /console/settings/catalogue': 'admin',
  // chat channels (issue 17): managers see them masked, administrators change them
  'get /console/channels': 'manager',
  'get /console/channels/new': 'admin',
  'post /console/channels': 'admin',
  'post /console/channels/:id/test': 'admin',
  'post /console/channels/:id/pause': 'admin',
  'post /console/channels/:id/resume': 'admin',
  'get /console/channels/:id/delete': 'admin',
  'post /console/channels/:id/delete': 'admin',
};

/** Pages that need a query to answer at all: the checklist download is read as CSV and searched for A's names. */
const QUERY: Record<string, string> = { '/console/exports/download': '?format=csv' };

let t: TestApp;
let sink: SmtpSink;
let a: TestOrg;
let b: TestOrg;
let routes: RegisteredRoute[];
/** Organization A's record ids, by "<path segment before the parameter>:<parameter name>". */
const fixtures: Record<string, string> = {};
/** Text only organization A's pages may show: found on a page of B's admin, it is a leak. */
const A_MARKERS = ['A甲-secret-mini-program', 'A甲-secret-vendor', 'a-secret-contact@tenant-a.test'];
const sessions = {} as Record<Role, ConsoleSession> & { adminB: ConsoleSession };

const keyOf = (r: RegisteredRoute) => `${r.method} ${r.path}`;
const consoleRoutes = () =>
  routes.filter((r) => r.path === '/' || r.path === '/console' || r.path.startsWith('/console/'));

/** The route's path with each parameter filled with organization A's record (or a stand-in for anonymous ones). */
function filled(path: string): string {
  return path.replace(/:(\w+)/g, (_whole, name: string, offset: number) => {
    const before = path.slice(0, offset).split('/').filter(Boolean).at(-1) ?? '';
    const value = fixtures[`${before}:${name}`];
    if (value === undefined) throw new Error(`no fixture for ${before}/:${name} in ${path}: add one`);
    return encodeURIComponent(value);
  });
}

const ctxOf = (org: TestOrg) => ({
  organizationId: org.id,
  timeZone: 'Asia/Shanghai',
  locale: 'zh-CN' as const,
  actorType: 'cli' as const,
  actorId: null,
  actorLabel: 'test setup',
});

async function countAudit(org: TestOrg): Promise<number> {
  const [row] = await t.app
    .get(DataSource)
    .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_events WHERE organization_id = $1`, [
      org.id,
    ]);
  return row.n;
}

beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await startTestApp({
    clock,
    env: {
      SMTP_URL: sink.url(),
      PUBLIC_URL: 'http://console.test',
      // Channels seal their URL with the secrets key; no test here posts to a robot.
      SECRETS_KEY: generateSecretKey(),
    },
  });
  a = await t.createOrg('Tenant A');
  b = await t.createOrg('Tenant B');
  const post = (path: string, body: object) =>
    t
      .http()
      .post(path)
      .set('Authorization', a.bearer)
      .send(body)
      .expect(201)
      .then((r) => r.body as { id: string });
  const vendor = await post('/api/v1/vendors', vendorBody({ name: A_MARKERS[1] }));
  const contact = await post('/api/v1/contacts', contactBody({ email: A_MARKERS[2], role: 'operator' }));
  const mp = await post(
    '/api/v1/mini-programs',
    miniProgramBody({ name: A_MARKERS[0], vendorId: vendor.id, certificationExpiresOn: '2027-01-20' }),
  );
  const qualification = await post(`/api/v1/mini-programs/${mp.id}/qualifications`, {
    requirementCode: 'icp_vas_licence',
    number: 'A-number',
    expiresOn: '2027-02-28',
  });
  const asset = await post(`/api/v1/mini-programs/${mp.id}/assets`, {
    kind: 'servers',
    holder: 'vendor',
    location: 'A-place',
  });
  const feed = await post('/api/v1/calendar-feeds', {});
  const channel = await post('/api/v1/channels', {
    kind: 'wecom',
    name: 'A-channel',
    url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a-tenant-key-0001',
  });
  const deadlines = await t
    .http()
    .get(`/api/v1/deadlines?miniProgramId=${mp.id}`)
    .set('Authorization', a.bearer);
  const deadline = (deadlines.body.items as { id: string }[])[0].id;
  const people = t.app.get(PeopleService);
  for (const role of ROLES) {
    const { link } = await people.invite(ctxOf(a), { email: `${role}@tenant-a.test`, role }, { mail: false });
    await people.accept(link.split('/').pop()!, 'invite', { name: `A ${role}`, password: PASSWORD });
  }
  const { link: bLink } = await people.invite(
    ctxOf(b),
    { email: 'admin@tenant-b.test', role: 'admin' },
    { mail: false },
  );
  await people.accept(bLink.split('/').pop()!, 'invite', { name: 'B admin', password: PASSWORD });
  const pending = await people.invite(
    ctxOf(a),
    { email: 'pending@tenant-a.test', role: 'viewer' },
    { mail: false },
  );
  const members = await people.members(ctxOf(a));
  const [apiKey] = await t.app
    .get(DataSource)
    .query<{ id: string }[]>(`SELECT id FROM api_keys WHERE organization_id = $1 LIMIT 1`, [a.id]);
  Object.assign(fixtures, {
    'deadlines:id': deadline,
    'mini-programs:id': mp.id,
    'qualifications:qid': qualification.id,
    'assets:assetId': asset.id,
    'assets:id': asset.id,
    'vendors:id': vendor.id,
    'contacts:id': contact.id,
    'channels:id': channel.id,
    'calendar-feeds:id': feed.id,
    'feeds:id': feed.id,
    'invitations:id': pending.id,
    'people:id': members[0].id,
    'people:personId': members[0].id,
    'handover.:format': 'md',
    'api-keys:id': apiKey.id,
    'inbox:id': `2026-11-25T02-00-00-000Z-${deadline}.eml`,
    // anonymous routes: no organization in them, any value will do
    'assets:name': 'console.css',
    'invitations:token': 'not-a-token',
    'reset:token': 'not-a-token',
  });
  for (const role of ROLES)
    sessions[role] = await new ConsoleSession(t.http).signIn(`${role}@tenant-a.test`, PASSWORD);
  sessions.adminB = await new ConsoleSession(t.http).signIn('admin@tenant-b.test', PASSWORD);
  routes = registeredRoutes(t.app, { skipEveryMethod: true });
}, 400_000);

afterAll(async () => {
  await t?.close();
  await sink?.stop();
});

describe('every console route, from the router', () => {
  it('has an expected minimum role, and the table names no route that is gone', () => {
    const found = consoleRoutes().map(keyOf);
    expect(found.length).toBeGreaterThan(30);
    expect(found.filter((k) => !(k in MINIMUM))).toEqual([]);
    expect(Object.keys(MINIMUM).filter((k) => !found.includes(k))).toEqual([]);
  });

  it("answers another organization's record with the same 404 as a missing one, and changes nothing", async () => {
    const before = await countAudit(a);
    const answers: string[] = [];
    const expected: string[] = [];
    for (const r of consoleRoutes()) {
      if (MINIMUM[keyOf(r)] === 'anonymous' || !r.path.includes(':')) continue;
      const path = filled(r.path);
      const res = r.method === 'get' ? await sessions.adminB.get(path) : await sessions.adminB.post(path, {});
      answers.push(`${keyOf(r)} → ${res.status}`);
      expected.push(`${keyOf(r)} → 404`);
    }
    expect(answers).toEqual(expected);
    expect(answers.length).toBeGreaterThanOrEqual(15);
    expect(await countAudit(a)).toBe(before);
  }, 400_000);

  it("shows none of another organization's records on any page without parameters", async () => {
    const leaks: string[] = [];
    for (const r of consoleRoutes()) {
      if (r.method !== 'get' || r.path.includes(':') || MINIMUM[keyOf(r)] === 'anonymous') continue;
      const res = await sessions.adminB.get(r.path + (QUERY[r.path] ?? ''));
      expect([r.path, res.status]).toEqual([r.path, 200]);
      for (const marker of A_MARKERS) if (res.text.includes(marker)) leaks.push(`${r.path}: ${marker}`);
    }
    expect(leaks).toEqual([]);
    // ...while A's admin does see them where they belong (the markers are real).
    expect((await sessions.admin.get('/console/mini-programs')).text).toContain(A_MARKERS[0]);
    expect((await sessions.admin.get('/console/history')).text).toContain(A_MARKERS[0]);
  }, 400_000);

  it('refuses each route to every role below its minimum with 403, and lets the minimum role open its pages', async () => {
    const before = await countAudit(a);
    const answers: string[] = [];
    const expected: string[] = [];
    for (const r of consoleRoutes()) {
      const needed = MINIMUM[keyOf(r)];
      if (needed === 'anonymous' || needed === undefined) continue;
      const path = filled(r.path);
      for (const role of ROLES) {
        const below = ROLES.indexOf(role) < ROLES.indexOf(needed);
        if (!below && (r.method !== 'get' || role !== needed)) continue;
        const s = sessions[role];
        const res = r.method === 'get' ? await s.get(path) : await s.post(path, {});
        answers.push(`${role} ${keyOf(r)} → ${res.status === 403 ? 'refused' : 'let in'}`);
        expected.push(`${role} ${keyOf(r)} → ${below ? 'refused' : 'let in'}`);
      }
    }
    expect(answers).toEqual(expected);
    expect(await countAudit(a)).toBe(before);
  }, 400_000);

  it('refuses every POST without the form token with 403, for an admin too, and changes nothing', async () => {
    const before = await countAudit(a);
    const answers: string[] = [];
    const expected: string[] = [];
    for (const r of consoleRoutes()) {
      if (r.method === 'get') continue;
      const res = await sessions.admin.post(filled(r.path), {}, false);
      answers.push(`${keyOf(r)} → ${res.status}`);
      expected.push(`${keyOf(r)} → 403`);
    }
    expect(answers).toEqual(expected);
    expect(await countAudit(a)).toBe(before);
    // The session survived all of it (sign-out without a token is refused too).
    expect((await sessions.admin.get('/console')).status).toBe(200);
  }, 400_000);

  it('sends a signed-out visitor of every non-anonymous page to sign in', async () => {
    const stranger = new ConsoleSession(t.http);
    const wrong: string[] = [];
    for (const r of consoleRoutes()) {
      if (r.method !== 'get' || MINIMUM[keyOf(r)] === 'anonymous') continue;
      const res = await stranger.get(filled(r.path));
      if (!String(res.headers.location ?? '').startsWith('/console/sign-in'))
        wrong.push(`${r.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});
