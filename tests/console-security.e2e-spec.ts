import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FixedClock } from '../libs/common/src/clock.js';
import { generateSecretKey } from '../libs/common/src/secret-box.js';
import { PeopleService } from '../libs/people/src/people.service.js';
import { DeliveryService } from '../libs/reminders/src/delivery.service.js';
import { contactBody, miniProgramBody } from './factories/registry.factory.js';
import { FakeWechatApi } from './support/fakes/wechat-api.fake.js';
import { SmtpSink } from './support/smtp-sink.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

/**
 * The console's server-side promises without a browser (fast, so each can be broken once and seen to
 * fail): sessions expire, sign-out everywhere ends them all, links are single use and expire after seven
 * days, invitation mails go through the outbox exactly once, every write checks role and CSRF token,
 * every page forbids inline script.
 */
// Milliseconds on purpose: a link carries whole seconds, the database keeps milliseconds.
const clock = new FixedClock(new Date('2026-11-25T02:00:00.123Z'));
let t: TestApp;
let sink: SmtpSink;
let fake: FakeWechatApi;
let org: TestOrg;
const PASSWORD = 'correct horse battery';

const ctxOf = (o: TestOrg) => ({
  organizationId: o.id,
  timeZone: 'Asia/Shanghai',
  locale: 'zh-CN' as const,
  actorType: 'cli' as const,
  actorId: null,
  actorLabel: 'test',
});

/** A cookie jar over supertest: what a browser keeps between requests. */
class Browser {
  cookies = new Map<string, string>();
  csrf = '';
  private store(res: { headers: Record<string, unknown> }) {
    for (const line of (res.headers['set-cookie'] as string[] | undefined) ?? []) {
      const [pair] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (/Max-Age=0/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  private header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async get(path: string) {
    const res = await t.http().get(path).set('Cookie', this.header()).redirects(0);
    this.store(res);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.text ?? '');
    if (token) this.csrf = token[1];
    return res;
  }
  async post(path: string, form: Record<string, string>, withToken = true) {
    const res = await t
      .http()
      .post(path)
      .set('Cookie', this.header())
      .type('form')
      .send(withToken ? { _csrf: this.csrf, ...form } : form)
      .redirects(0);
    this.store(res);
    return res;
  }
  async signIn(email: string, password = PASSWORD) {
    await this.get('/console/sign-in');
    return this.post('/console/sign-in', { email, password, next: '/console' });
  }
}

async function person(email: string, role: string) {
  const people = t.app.get(PeopleService);
  const { link } = await people.invite(ctxOf(org), { email, role }, { mail: false });
  await people.accept(link.split('/').pop()!, 'invite', { name: email.split('@')[0], password: PASSWORD });
  return email;
}

beforeAll(async () => {
  sink = await SmtpSink.start();
  fake = await new FakeWechatApi().start();
  t = await startTestApp({
    clock,
    env: {
      SMTP_URL: sink.url(),
      PUBLIC_URL: 'http://console.test',
      SECRETS_KEY: generateSecretKey(),
      WECHAT_API_BASE_URL: fake.baseUrl,
      WECHAT_RETRIES: '1',
      WECHAT_TIMEOUT_MS: '2000',
    },
  });
  org = await t.createOrg('安全测试机构');
  await person('admin@sec.test', 'admin');
  await person('viewer@sec.test', 'viewer');
}, 60_000);
afterAll(async () => {
  await t.close();
  await sink.stop();
  await fake.stop();
});
beforeEach(() => clock.set(new Date(clock.now().getTime() + 2 * 60_000)));

describe('console sessions and sign-in', () => {
  it('refuses the sign-in form without its CSRF token', async () => {
    const b = new Browser();
    await b.get('/console/sign-in');
    const res = await b.post('/console/sign-in', { email: 'admin@sec.test', password: PASSWORD }, false);
    expect(res.status).toBe(403);
    expect(b.cookies.has('mpg_session')).toBe(false);
  }, 60_000);

  it('refuses the sixth wrong password for one account within a minute', async () => {
    const email = await person('six@sec.test', 'operator');
    const b = new Browser();
    for (let i = 0; i < 5; i++) expect((await b.signIn(email, `wrong ${i}`)).status).toBe(401);
    expect((await b.signIn(email)).status).toBe(429);
    clock.set(new Date(clock.now().getTime() + 61_000));
    expect((await b.signIn(email)).status).toBe(303);
  }, 60_000);

  it('ends a session after the idle time and after the absolute time, however active', async () => {
    const b = new Browser();
    expect((await b.signIn('admin@sec.test')).status).toBe(303);
    expect((await b.get('/console')).status).toBe(200);
    clock.set(new Date(clock.now().getTime() + 121 * 60_000)); // idle 120 minutes by default
    expect((await b.get('/console')).headers.location).toBe('/console/sign-in?next=%2Fconsole');

    expect((await b.signIn('admin@sec.test')).status).toBe(303);
    for (let hour = 1; hour < 12; hour++) {
      clock.set(new Date(clock.now().getTime() + 60 * 60_000));
      expect((await b.get('/console')).status).toBe(200);
    }
    clock.set(new Date(clock.now().getTime() + 60 * 60_000 + 1000)); // 12 hours after sign-in
    expect((await b.get('/console')).status).toBe(303);
  }, 60_000);

  it('signs out everywhere: every session of the person ends, others keep theirs', async () => {
    const phone = new Browser();
    const laptop = new Browser();
    const colleague = new Browser();
    await phone.signIn('admin@sec.test');
    await laptop.signIn('admin@sec.test');
    await colleague.signIn('viewer@sec.test');
    await laptop.get('/console');
    expect((await laptop.post('/console/sign-out-everywhere', {})).status).toBe(303);
    expect((await phone.get('/console')).status).toBe(303);
    expect((await colleague.get('/console')).status).toBe(200);
  }, 60_000);
});

describe('invitations', () => {
  it('mails an invitation exactly once through the outbox, even with two workers at once', async () => {
    const people = t.app.get(PeopleService);
    await people.invite(ctxOf(org), { email: 'once@sec.test', role: 'operator' }, { mail: true });
    const delivery = t.app.get(DeliveryService);
    await Promise.all([delivery.deliverDue(() => clock.now()), delivery.deliverDue(() => clock.now())]);
    await delivery.deliverDue(() => clock.now());
    const mails = sink.to('once@sec.test');
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toMatch(
      /http:\/\/console\.test\/console\/invitations\/[0-9a-f-]{36}\.\d+\.[\w-]{43}/,
    );
  }, 60_000);

  it('sends nothing for an invitation revoked before its mail went out', async () => {
    const people = t.app.get(PeopleService);
    const issued = await people.invite(
      ctxOf(org),
      { email: 'revoked@sec.test', role: 'viewer' },
      { mail: true },
    );
    await people.revokeInvitation(ctxOf(org), issued.id);
    await t.app.get(DeliveryService).deliverDue(() => clock.now());
    expect(sink.to('revoked@sec.test')).toHaveLength(0);
    const path = new URL(issued.link).pathname;
    expect((await new Browser().get(path)).status).toBe(410);
  }, 60_000);

  it('accepts a link once, refuses it after seven days, and refuses an altered one', async () => {
    const people = t.app.get(PeopleService);
    const issued = await people.invite(
      ctxOf(org),
      { email: 'late@sec.test', role: 'viewer' },
      { mail: false },
    );
    const path = new URL(issued.link).pathname;
    const start = clock.now().getTime();
    clock.set(new Date(start + 7 * 86_400_000 - 60_000));
    const b = new Browser();
    expect((await b.get(path)).status).toBe(200);
    clock.set(new Date(start + 7 * 86_400_000));
    expect((await b.get(path)).status).toBe(410);

    clock.set(new Date(start));
    const altered = path.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await b.get(altered)).status).toBe(404);
    expect((await b.post(path, { name: '晚来', password: 'long enough password' })).status).toBe(303);
    const again = new Browser();
    await again.get('/console/sign-in');
    expect((await again.post(path, { name: '又来', password: 'another long password' })).status).toBe(410);
  }, 60_000);
});

describe('one person, several organizations', () => {
  it('switches the organization in the session; each page and role is the current one', async () => {
    const agency = await t.createOrg('代理机构客户乙');
    const people = t.app.get(PeopleService);
    const { link } = await people.invite(
      ctxOf(agency),
      { email: 'admin@sec.test', role: 'viewer' },
      { mail: false },
    );
    // An existing account joins with its own password; no second account is made.
    await expect(
      people.accept(link.split('/').pop()!, 'invite', { password: 'not my password' }),
    ).rejects.toThrow('Validation failed');
    await people.accept(link.split('/').pop()!, 'invite', { password: PASSWORD });
    const b = new Browser();
    await b.signIn('admin@sec.test');
    const home = await b.get('/console');
    expect(home.text).toContain('代理机构客户乙');
    expect((await b.get('/console/people')).status).toBe(200);
    await b.post('/console/organization', { organizationId: agency.id });
    expect((await b.get('/console/people')).status).toBe(403);
    const stranger = await t.createOrg('不相干的机构');
    await b.get('/console');
    await b.post('/console/organization', { organizationId: stranger.id });
    expect((await b.get('/console')).text).toMatch(new RegExp(`value="${agency.id}"\\s+selected`));
    // Signing in again returns to the organization used last.
    const again = new Browser();
    await again.signIn('admin@sec.test');
    expect((await again.get('/console/people')).status).toBe(403);
    await again.post('/console/organization', { organizationId: org.id });
    expect((await again.get('/console/people')).status).toBe(200);
  }, 60_000);
});

describe('password reset', () => {
  it('mails a one-time reset link that sets a new password and ends the old sessions', async () => {
    const email = await person('forgot@sec.test', 'operator');
    const old = new Browser();
    await old.signIn(email);
    const b = new Browser();
    await b.get('/console/reset');
    expect((await b.post('/console/reset', { email })).status).toBe(200);
    expect((await b.post('/console/reset', { email: 'nobody@sec.test' })).status).toBe(200);
    await t.app.get(DeliveryService).deliverDue(() => clock.now());
    const mails = sink.to(email);
    expect(mails).toHaveLength(1);
    const path = new URL(/(http:\/\/console\.test\/console\/reset\/\S+)/.exec(mails[0].text ?? '')![1])
      .pathname;
    await b.get(path);
    expect((await b.post(path, { password: 'a brand new password' })).headers.location).toBe(
      '/console/sign-in?notice=password',
    );
    expect((await old.get('/console')).status).toBe(303);
    expect((await new Browser().signIn(email)).status).toBe(401);
    expect((await new Browser().signIn(email, 'a brand new password')).status).toBe(303);
    expect(sink.to('nobody@sec.test')).toHaveLength(0);
  }, 60_000);
});

describe('console pages and writes', () => {
  it('refuses every write of a viewer with 403 and writes nothing', async () => {
    const api = (p: string, body: object) =>
      t.http().post(p).set('Authorization', org.bearer).send(body).expect(201);
    await api('/api/v1/contacts', contactBody({ email: 'op@sec.test', role: 'operator' }));
    const mp = (await api('/api/v1/mini-programs', miniProgramBody({ certificationExpiresOn: '2027-01-10' })))
      .body as {
      id: string;
      qualifications: { id: string }[];
    };
    const deadlines = await t
      .http()
      .get(`/api/v1/deadlines?miniProgramId=${mp.id}`)
      .set('Authorization', org.bearer);
    const d = (deadlines.body.items as { id: string }[])[0].id;
    const auditBefore = (
      await t.http().get('/api/v1/audit-events?limit=200').set('Authorization', org.bearer)
    ).body.items.length;
    const viewer = new Browser();
    await viewer.signIn('viewer@sec.test');
    await viewer.get('/console');
    const writes: [string, Record<string, string>][] = [
      [`/console/deadlines/${d}/complete`, { newExpiry: '2028-01-10' }],
      [`/console/deadlines/${d}/acknowledge`, {}],
      [`/console/deadlines/${d}/snooze`, { until: '2026-12-20' }],
      [`/console/deadlines/${d}/reopen`, {}],
      [
        '/console/mini-programs',
        { appId: 'wx0000000000000abc', name: 'x', ownerName: 'x', ownerCreditCode: 'x' },
      ],
      [`/console/mini-programs/${mp.id}`, { name: 'renamed' }],
      [`/console/mini-programs/${mp.id}/qualifications`, { requirementCode: 'icp_license' }],
      ['/console/people/invitations', { email: 'x@sec.test', role: 'admin' }],
    ];
    for (const [path, form] of writes)
      expect([path, (await viewer.post(path, form)).status]).toEqual([path, 403]);
    const auditAfter = (await t.http().get('/api/v1/audit-events?limit=200').set('Authorization', org.bearer))
      .body.items.length;
    expect(auditAfter).toBe(auditBefore);
    expect((await t.http().get(`/api/v1/deadlines/${d}`).set('Authorization', org.bearer)).body.state).toBe(
      'open',
    );
  }, 60_000);

  it('serves every page with a CSP that forbids inline script, and no inline script or style in it', async () => {
    const admin = new Browser();
    await admin.signIn('admin@sec.test');
    await admin.get('/console');
    await admin.post('/console/organization', { organizationId: org.id }); // admin@ also serves an agency client
    const list = await t.http().get('/api/v1/mini-programs').set('Authorization', org.bearer);
    const mpId = (list.body.items as { id: string }[])[0].id;
    for (const path of [
      '/console',
      '/console/deadlines',
      '/console/mini-programs',
      '/console/mini-programs/new',
      `/console/mini-programs/${mpId}`,
      '/console/mini-programs/import',
      '/console/people',
      '/console/no-such-page',
    ]) {
      const res = await admin.get(path);
      expect([path, res.status]).toEqual([path, path.includes('no-such') ? 404 : 200]);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.text).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    }
    const sheet = /href="(\/console\/assets\/console\.[0-9a-f]{12}\.css)"/.exec(
      (await admin.get('/console')).text,
    )![1];
    const css = await t.http().get(sheet);
    expect(css.status).toBe(200);
    expect(css.headers['cache-control']).toContain('immutable');
  }, 60_000);

  it('sends a browser without a session to sign in and back to the page it asked for', async () => {
    const b = new Browser();
    const res = await b.get('/console/deadlines?urgency=overdue');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(
      `/console/sign-in?next=${encodeURIComponent('/console/deadlines?urgency=overdue')}`,
    );
    await b.get(res.headers.location);
    const signedIn = await b.post('/console/sign-in', {
      email: 'admin@sec.test',
      password: PASSWORD,
      next: '/console/deadlines?urgency=overdue',
    });
    expect(signedIn.headers.location).toBe('/console/deadlines?urgency=overdue');
    await b.get('/console'); // the form token of the new session
    const offsite = await b.post('/console/sign-in', {
      email: 'admin@sec.test',
      password: PASSWORD,
      next: '//evil.example/x',
    });
    expect(offsite.headers.location).toBe('/console');
  }, 60_000);
});

describe('the WeChat section of one mini-program', () => {
  /** Registered through the API, known to the fake WeChat with a review window, its AppSecret stored. */
  async function wechatMiniProgram(o: TestOrg) {
    const body = miniProgramBody();
    delete body.certificationExpiresOn;
    const mp = (
      await t.http().post('/api/v1/mini-programs').set('Authorization', o.bearer).send(body).expect(201)
    ).body as { id: string; appId: string };
    const secret = randomBytes(16).toString('hex');
    fake.add({
      appId: mp.appId,
      secret,
      wxVerifyInfo: {
        qualification_verify: true,
        naming_verify: true,
        annual_review: true,
        // 2027-01-20 and 2027-02-15, 12:00 in Shanghai (UTC+8): hand-computed Unix seconds.
        annual_review_begin_time: 1800417600,
        annual_review_end_time: 1802664000,
      },
      icp: { status: 6, is_canceling: false, available: 1 },
    });
    await t
      .http()
      .put(`/api/v1/mini-programs/${mp.id}/wechat/app-secret`)
      .set('Authorization', o.bearer)
      .send({ appSecret: secret })
      .expect(204);
    return { ...mp, secret };
  }
  const lastSync = async (o: TestOrg, id: string) =>
    (await t.http().get(`/api/v1/mini-programs/${id}/wechat`).set('Authorization', o.bearer).expect(200)).body
      .lastSync as { outcome: string } | null;

  it('syncs for an operator with the form token only; a viewer sees no button and is refused; another organization gets 404', async () => {
    const mp = await wechatMiniProgram(org);
    const otherOrg = await t.createOrg('别家机构');
    const other = await wechatMiniProgram(otherOrg);
    await person('wx-operator@sec.test', 'operator');
    const page = `/console/mini-programs/${mp.id}`;
    const action = `${page}/wechat/sync`;

    const viewer = new Browser();
    await viewer.signIn('viewer@sec.test');
    const seen = await viewer.get(page);
    expect(seen.status).toBe(200);
    expect(seen.text).toContain('微信同步');
    expect(seen.text).toContain('已保存');
    expect(seen.text).not.toContain(mp.secret);
    expect(seen.text).not.toContain('/wechat/sync');
    expect((await viewer.post(action, {})).status).toBe(403);

    const operator = new Browser();
    await operator.signIn('wx-operator@sec.test');
    expect((await operator.get(page)).text).toContain(`action="${action}"`);
    expect((await operator.post(action, {}, false)).status).toBe(403);
    expect((await operator.post(action, { _csrf: 'forged' })).status).toBe(403);
    expect(await lastSync(org, mp.id)).toBeNull();
    expect(fake.tokenRequestsFor(mp.appId)).toBe(0);

    const missing = await operator.post(
      '/console/mini-programs/00000000-0000-4000-8000-000000000000/wechat/sync',
      {},
    );
    const foreign = await operator.post(`/console/mini-programs/${other.id}/wechat/sync`, {});
    expect([missing.status, foreign.status]).toEqual([404, 404]);
    expect(foreign.text.replace(other.id, 'ID')).toBe(
      missing.text.replace('00000000-0000-4000-8000-000000000000', 'ID'),
    );
    expect(await lastSync(otherOrg, other.id)).toBeNull();
    expect(fake.tokenRequestsFor(other.appId)).toBe(0);

    const done = await operator.post(action, {});
    expect([done.status, done.headers.location]).toEqual([303, `${page}?done=wechat-ok`]);
    expect((await lastSync(org, mp.id))?.outcome).toBe('ok');
    const after = await operator.get(done.headers.location);
    expect(after.text).toContain('已与微信同步。');
    expect(after.text).toContain('2027-01-20 – 2027-02-15');
    expect(after.text).toContain('已备案');
    expect(after.text).not.toContain(mp.secret);
  }, 60_000);
});
