import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { FixedClock } from '../libs/common/src/clock.js';
import { generateSecretKey } from '../libs/common/src/secret-box.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { contactBody, creditCode, miniProgramBody } from './factories/registry.factory.js';
import {
  type AxeFinding,
  ConsoleHarness,
  type ConsoleOrg,
  dialogs,
  launchBrowser,
  newContext,
  person,
  SCREENSHOTS,
  screenshots,
  seriousViolations,
  sessionCookie,
} from './support/console-browser.js';
import { FakeWechatApi } from './support/fakes/wechat-api.fake.js';

/**
 * The console in a real browser (Debian's chromium through playwright-core) against the real app,
 * PostgreSQL and SMTP server. One browser for the file; each person gets a fresh context (no cookies).
 */
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z')); // 10:00 in Shanghai
let h: ConsoleHarness;
let fake: FakeWechatApi;
let browser: Browser;
let orgA: ConsoleOrg;
let orgB: ConsoleOrg;
let admin: { email: string; password: string };
let viewer: { email: string; password: string };
let adminB: { email: string; password: string };
let hospitalId: string;
let reviewId: string;
const findings: AxeFinding[] = [];
const shots: Record<string, string> = {};

/** Clicks what submits a form or follows a link, and waits for the page it leads to. */
async function submit(page: Page, target: Locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.first().click()]);
}

async function textOf(target: Locator): Promise<string> {
  return (await target.first().innerText()).trim();
}

async function check(page: Page, name: string) {
  findings.push(...(await seriousViolations(page, name)));
  shots[name] = (await screenshots(page, name))[0];
}

async function signedIn(
  who: { email: string; password: string },
  locale = 'zh-CN',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, locale);
  const page = await context.newPage();
  await person.signIn(page, h.baseUrl, who);
  return { context, page };
}

beforeAll(async () => {
  fake = await new FakeWechatApi().start();
  h = await ConsoleHarness.start(clock, {
    SECRETS_KEY: generateSecretKey(),
    WECHAT_API_BASE_URL: fake.baseUrl,
    WECHAT_RETRIES: '1',
    WECHAT_TIMEOUT_MS: '2000',
  });
  browser = await launchBrowser();
  orgA = await h.createOrg('康宁测试集团');
  orgB = await h.createOrg('别家公司');
  const post = (org: ConsoleOrg, url: string, body: object) =>
    h
      .http()
      .post(url)
      .set('Authorization', org.bearer)
      .send(body)
      .expect(201)
      .then((r) => r.body as { id: string });
  for (const role of ['operator', 'manager']) {
    await post(
      orgA,
      '/api/v1/contacts',
      contactBody({ name: `${role} 甲`, email: `${role}@kangning-test.cn`, role }),
    );
  }
  hospitalId = (
    await post(
      orgA,
      '/api/v1/mini-programs',
      miniProgramBody({ name: '康宁互联网医院', certificationExpiresOn: '2026-12-20' }),
    )
  ).id;
  const deadlines = await h
    .http()
    .get(`/api/v1/deadlines?miniProgramId=${hospitalId}`)
    .set('Authorization', orgA.bearer);
  reviewId = (deadlines.body.items as { id: string; kind: string }[]).find(
    (d) => d.kind === 'annual_review',
  )!.id;
  admin = await h.person(orgA, 'admin@kangning-test.cn', 'admin');
  viewer = await h.person(orgA, 'viewer@kangning-test.cn', 'viewer');
  adminB = await h.person(orgB, 'admin@other-test.cn', 'admin');
}, 120_000);

afterAll(async () => {
  await writeFile(path.join(SCREENSHOTS, 'axe.json'), JSON.stringify({ findings, shots }, null, 2)).catch(
    () => undefined,
  );
  await browser?.close();
  await h?.close();
  await fake?.stop();
});

beforeEach(() => {
  // Each test signs in afresh; a new minute keeps the per-address attempt limit out of unrelated tests.
  clock.set(new Date(clock.now().getTime() + 2 * 60_000));
});

describe('console in a browser', () => {
  it('accepts an invitation mailed through the outbox, sets a password and lands on the overview', async () => {
    const res = await h.http().get('/').redirects(0);
    expect(res.status).toBe(302);
    const context = await newContext(browser);
    const page = await context.newPage();
    await person.signIn(page, h.baseUrl, admin);
    await page.goto(`${h.baseUrl}/console/people`);
    await check(page, 'people');
    await page.locator('#f-email').fill('new.colleague@kangning-test.cn');
    await page.locator('#f-role').selectOption('operator');
    await submit(page, page.locator('form[action="/console/people/invitations"] button'));
    expect(await textOf(page.locator('.flash'))).toContain('new.colleague@kangning-test.cn');
    await h.deliver(() => clock.now());
    const mail = h.sink.to('new.colleague@kangning-test.cn').at(-1)!;
    expect(mail.subject).toContain('康宁测试集团');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/console\/invitations\/\S+)/.exec(mail.text ?? '')![1];

    const fresh = await newContext(browser);
    const invitee = await fresh.newPage();
    await invitee.goto(link);
    await check(invitee, 'invitation');
    await invitee.locator('#f-name').fill('新同事');
    await invitee.locator('#f-password').fill('short');
    await submit(invitee, invitee.locator('form button[type=submit]'));
    expect(await textOf(invitee.locator('#f-password-error'))).toContain('至少 10 个字符');
    await invitee.locator('#f-password').fill('a long enough password');
    await submit(invitee, invitee.locator('form button[type=submit]'));
    await invitee.waitForURL(`${h.baseUrl}/console`);
    expect(await textOf(invitee.locator('h1'))).toBe('概览');
    await check(invitee, 'overview');
    // Single use: the same link again is refused.
    const again = await fresh.newPage();
    const reopened = await again.goto(link);
    expect(reopened!.status()).toBe(410);
    expect(await textOf(again.locator('.alert'))).toContain('已经使用过');
    await context.close();
    await fresh.close();
  }, 60_000);

  it('gives a new session id at sign-in, never the one the browser brought', async () => {
    const context = await newContext(browser);
    await context.addCookies([{ name: 'mpg_session', value: 'planted-by-an-attacker', url: h.baseUrl }]);
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/console/sign-in`);
    await check(page, 'sign-in');
    await person.signIn(page, h.baseUrl, admin);
    const first = await sessionCookie(context);
    expect(first).toBeDefined();
    expect(first).not.toBe('planted-by-an-attacker');
    await person.signOut(page);
    await person.signIn(page, h.baseUrl, admin);
    const second = await sessionCookie(context);
    expect(second).not.toBe(first);
    const cookie = (await context.cookies()).find((c) => c.name === 'mpg_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    // The signed-out session is dead even if replayed.
    const replay = await h.http().get('/console').set('Cookie', `mpg_session=${first}`).redirects(0);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toMatch(/^\/console\/sign-in/);
    await context.close();
  }, 60_000);

  it('refuses the sixth wrong password within a minute, even when the sixth is right', async () => {
    const victim = await h.person(orgA, 'limited@kangning-test.cn', 'operator');
    const context = await newContext(browser);
    const page = await context.newPage();
    for (let i = 1; i <= 5; i++) {
      await person.signIn(page, h.baseUrl, { email: victim.email, password: `wrong password ${i}` });
      expect(await textOf(page.locator('.alert'))).toBe('邮箱或密码不正确。');
    }
    await person.signIn(page, h.baseUrl, victim);
    expect(await textOf(page.locator('.alert'))).toBe('尝试次数过多，请一分钟后再试。');
    expect(await sessionCookie(context)).toBeUndefined();
    clock.set(new Date(clock.now().getTime() + 61_000));
    await person.signIn(page, h.baseUrl, victim);
    expect(await textOf(page.locator('h1'))).toBe('概览');
    await context.close();
  }, 60_000);

  it('shows a bad credit code beside its field in Chinese, keeps the values, and registers once fixed', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/mini-programs/new`);
    const good = creditCode();
    const bad = good.slice(0, 17) + (good[17] === 'A' ? 'B' : 'A');
    await page.locator('#f-appId').fill('wx0123456789abcdef');
    await page.locator('#f-name').fill('康宁优选商城');
    await page.locator('#f-ownerName').fill('广州康宁医疗科技有限公司');
    await page.locator('#f-ownerCreditCode').fill(bad);
    await page.locator('#f-serverDomains').fill('api.kangning-test.cn\nshop.kangning-test.cn');
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(await textOf(page.locator('#f-ownerCreditCode-error'))).toBe(
      '校验码（第 18 位）不正确，请检查是否有输错的字符',
    );
    expect(await page.locator('#f-ownerCreditCode').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-name').inputValue()).toBe('康宁优选商城');
    await check(page, 'mini-program-new-errors');
    await page.locator('#f-ownerCreditCode').fill(good);
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(await textOf(page.locator('h1'))).toBe('康宁优选商城');
    expect(await textOf(page.locator('.flash'))).toBe('已登记。');
    await check(page, 'mini-program');
    await submit(page, page.locator('a', { hasText: '编辑' }).first());
    await check(page, 'mini-program-edit');
    await page.goto(page.url().replace(/\/edit$/, '/qualifications/new'));
    await check(page, 'qualification-new');
    await context.close();
  }, 60_000);

  it('imports nothing from a CSV with one bad row and shows the row error table', async () => {
    const before = (await h.http().get('/api/v1/mini-programs').set('Authorization', orgA.bearer)).body.page
      .total;
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/mini-programs/import`);
    const header =
      'app_id,name,owner_name,owner_credit_code,service_categories,features,vendor_name,certification_expires_on,icp_filing_number,server_domains,notes';
    const csv = [
      header,
      `wx1111111111111111,导入一,广州导入科技有限公司,${creditCode()},,,,2027-05-01,,,`,
      `wx2222222222222222,导入二,广州导入科技有限公司,${creditCode()},,,,2027-02-30,,,`,
      `wx3333333333333333,导入三,广州导入科技有限公司,${creditCode()},,,,2027-06-01,,,`,
    ].join('\r\n');
    await page
      .locator('#f-file')
      .setInputFiles({ name: 'mini-programs.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await submit(page, page.locator('form[enctype="multipart/form-data"] button'));
    expect(await textOf(page.locator('.alert'))).toBe('文件有错误，没有导入任何一行。');
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await textOf(rows.first())).toContain('3');
    expect(await textOf(rows.first())).toContain('certification_expires_on');
    expect(await textOf(rows.first())).toContain('必须是真实存在的日期');
    await check(page, 'import-errors');
    const after = (await h.http().get('/api/v1/mini-programs').set('Authorization', orgA.bearer)).body.page
      .total;
    expect(after).toBe(before);
    await context.close();
  }, 60_000);

  it("opens a reminder mail's link from the SMTP server, signs in, and lands on its deadline", async () => {
    await h.app.get(TickService).tick(clock.now(), () => 0.5);
    await h.deliver(() => clock.now());
    const mail = h.sink
      .to('operator@kangning-test.cn')
      .find((m) => (m.text ?? '').includes(`/console/deadlines/${reviewId}`));
    expect(mail).toBeDefined();
    const link = new RegExp(`(http://127\\.0\\.0\\.1:\\d+/console/deadlines/${reviewId})`).exec(
      mail!.text ?? '',
    )![1];
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(link);
    expect(page.url()).toContain('/console/sign-in?next=');
    await page.locator('#f-email').fill(admin.email);
    await page.locator('#f-password').fill(admin.password);
    await submit(page, page.locator('form[action="/console/sign-in"] button'));
    await page.waitForURL(link);
    expect(await textOf(page.locator('h1'))).toBe('微信认证年审');
    expect(await textOf(page.locator('table').last())).toContain('operator@kangning-test.cn');
    expect(await textOf(page.locator('table').last())).toContain('已送达邮件服务器');
    await check(page, 'deadline');
    await page.goto(`${h.baseUrl}/console/deadlines`);
    await check(page, 'deadlines');
    await page.goto(`${h.baseUrl}/console/mini-programs`);
    await check(page, 'mini-programs');
    await context.close();
  }, 60_000);

  it('completes a deadline with its new expiry and shows the next cycle', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/deadlines/${reviewId}`);
    await page
      .locator(`form[action="/console/deadlines/${reviewId}/complete"] #f-newExpiry`)
      .fill('2027-12-20');
    await submit(page, page.locator(`form[action="/console/deadlines/${reviewId}/complete"] button`));
    expect(await textOf(page.locator('.flash'))).toBe('已办结，下一周期已生成。');
    expect(await page.locator('.tag', { hasText: '已办结' }).count()).toBeGreaterThan(0);
    await submit(page, page.locator('a', { hasText: '下一周期' }));
    expect(await textOf(page.locator('dl.facts'))).toContain('2027-12-20');
    expect(await page.locator('.tag', { hasText: '待办' }).count()).toBeGreaterThan(0);
    const audit = await h.http().get('/api/v1/audit-events?limit=20').set('Authorization', orgA.bearer);
    const completed = (audit.body.items as { action: string; actorType: string; actorLabel: string }[]).find(
      (e) => e.action === 'deadline.completed',
    );
    expect(completed).toMatchObject({ actorType: 'user', actorLabel: `admin <${admin.email}>` });
    await context.close();
  }, 60_000);

  it('shows a viewer no write buttons and refuses a forged POST with 403', async () => {
    const { context, page } = await signedIn(viewer);
    await page.goto(`${h.baseUrl}/console/mini-programs`);
    expect(await page.locator('a[href="/console/mini-programs/new"]').count()).toBe(0);
    await page.goto(`${h.baseUrl}/console/deadlines`);
    await submit(page, page.locator('table a[href^="/console/deadlines/"]').first());
    const deadlineUrl = page.url();
    expect(await page.locator('form[action*="/complete"]').count()).toBe(0);
    expect(await page.locator('form[action*="/acknowledge"]').count()).toBe(0);
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const forged = await page.request.post(`${deadlineUrl}/acknowledge`, {
      form: { _csrf: csrf, note: 'forged' },
    });
    expect(forged.status()).toBe(403);
    const people = await page.goto(`${h.baseUrl}/console/people`);
    expect(people!.status()).toBe(403);
    await check(page, 'forbidden');
    await context.close();
  }, 60_000);

  it("answers another organization's page with the same 404 as a missing one", async () => {
    const { context, page } = await signedIn(adminB);
    const theirs = await page.goto(`${h.baseUrl}/console/deadlines/${reviewId}`);
    const theirsBody = await page.locator('main').innerText();
    const missing = await page.goto(`${h.baseUrl}/console/deadlines/00000000-0000-4000-8000-000000000000`);
    const missingBody = await page.locator('main').innerText();
    expect(theirs!.status()).toBe(404);
    expect(missing!.status()).toBe(404);
    expect(theirsBody).toBe(missingBody);
    expect((await page.goto(`${h.baseUrl}/console/mini-programs/${hospitalId}`))!.status()).toBe(404);
    await check(page, 'not-found');
    await context.close();
  }, 60_000);

  it('refuses a POST without the CSRF token', async () => {
    const { context, page } = await signedIn(admin);
    const res = await page.request.post(`${h.baseUrl}/console/deadlines/${reviewId}/acknowledge`, {
      form: { note: 'x' },
    });
    expect(res.status()).toBe(403);
    const wrong = await page.request.post(`${h.baseUrl}/console/people/invitations`, {
      form: { _csrf: 'not-the-token', email: 'x@example.cn', role: 'admin' },
    });
    expect(wrong.status()).toBe(403);
    expect(res.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await context.close();
  }, 60_000);

  it('renders hostile names as inert text', async () => {
    const hostile = await h
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', orgA.bearer)
      .send(
        miniProgramBody({ name: '<script>alert(1)</script>', ownerName: '"><img src=x onerror=alert(1)>' }),
      )
      .expect(201);
    dialogs.length = 0;
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/mini-programs?q=${encodeURIComponent('<script>')}`);
    expect(await textOf(page.locator('table'))).toContain('<script>alert(1)</script>');
    expect(await textOf(page.locator('table'))).toContain('"><img src=x onerror=alert(1)>');
    await page.goto(`${h.baseUrl}/console/mini-programs/${hostile.body.id as string}`);
    expect(await textOf(page.locator('h1'))).toBe('<script>alert(1)</script>');
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await context.close();
  }, 60_000);

  it('serves the reset page, English by Accept-Language, and a readable page at 390 px', async () => {
    const context = await newContext(browser, 'en-US');
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/console/reset`);
    expect(await textOf(page.locator('h1'))).toBe('Reset your password');
    await check(page, 'reset');
    await person.signIn(page, h.baseUrl, admin);
    expect(await textOf(page.locator('h1'))).toBe('Overview');
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  }, 60_000);

  it("syncs one mini-program with the fake WeChat from its page's button and shows the review window read", async () => {
    const mp = (
      await h
        .http()
        .post('/api/v1/mini-programs')
        .set('Authorization', orgA.bearer)
        .send(miniProgramBody({ name: '康宁微信同步' }))
        .expect(201)
    ).body as { id: string; appId: string };
    const secret = randomBytes(16).toString('hex');
    fake.add({
      appId: mp.appId,
      secret,
      wxVerifyInfo: {
        qualification_verify: true,
        annual_review: true,
        // 2027-01-20 and 2027-02-15, 12:00 in Shanghai (UTC+8): hand-computed Unix seconds.
        annual_review_begin_time: 1800417600,
        annual_review_end_time: 1802664000,
      },
      icp: { status: 6, is_canceling: false, available: 1 },
    });
    await h
      .http()
      .put(`/api/v1/mini-programs/${mp.id}/wechat/app-secret`)
      .set('Authorization', orgA.bearer)
      .send({ appSecret: secret })
      .expect(204);
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/mini-programs/${mp.id}`);
    expect(await page.getByTestId('wechat-review').count()).toBe(0);
    await submit(page, page.getByRole('button', { name: '立即同步' }));
    expect(page.url()).toBe(`${h.baseUrl}/console/mini-programs/${mp.id}?done=wechat-ok`);
    expect(await textOf(page.getByRole('status'))).toContain('已与微信同步');
    expect(await textOf(page.getByTestId('wechat-review'))).toBe('2027-01-20 – 2027-02-15');
    expect(await page.content()).not.toContain(secret);
    await check(page, 'mini-program-wechat');
    await context.close();
  }, 120_000);

  it('finds no serious or critical accessibility violation on any page', () => {
    expect(Object.keys(shots).length).toBeGreaterThanOrEqual(14);
    expect(findings).toEqual([]);
  });
});
