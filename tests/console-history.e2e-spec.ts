import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import { FixedClock } from '../libs/common/src/clock.js';
import { PeopleService } from '../libs/people/src/people.service.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { contactBody, miniProgramBody } from './factories/registry.factory.js';
import {
  type AxeFinding,
  ConsoleHarness,
  type ConsoleOrg,
  launchBrowser,
  newContext,
  person,
  screenshots,
  seriousViolations,
} from './support/console-browser.js';
import { freePort } from './support/free-port.js';

/**
 * The history pages in a real browser: the audit log, the deliveries (against the real SMTP server, which
 * bounces one address) and the local inbox (the embedded setup: no SMTP_URL, mail captured to a folder).
 */
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z')); // 10:00 in Shanghai
const PASSWORD = 'correct horse battery';
let browser: Browser;
const findings: AxeFinding[] = [];
const shots: Record<string, string> = {};

async function submit(page: Page, target: Locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.first().click()]);
}

async function check(page: Page, name: string) {
  findings.push(...(await seriousViolations(page, name)));
  shots[name] = (await screenshots(page, name))[0];
}

/** A person with a name of their own (the audit log must show it), made through the invitation flow. */
async function member(h: ConsoleHarness, org: ConsoleOrg, email: string, role: string, name: string) {
  const people = h.app.get(PeopleService);
  const { link } = await people.invite(org.ctx, { email, role }, { mail: false });
  await people.accept(link.split('/').pop()!, 'invite', { name, password: PASSWORD });
  return { email, password: PASSWORD };
}

async function signedIn(h: ConsoleHarness, who: { email: string; password: string }) {
  const context = await newContext(browser);
  const page = await context.newPage();
  await person.signIn(page, h.baseUrl, who);
  return { context, page };
}

/** An organization with an operator and a manager contact and one mini-program due on 2026-12-20. */
async function organization(h: ConsoleHarness, name: string, domain: string, operatorEmail?: string) {
  const org = await h.createOrg(name);
  const post = (url: string, body: object) =>
    h
      .http()
      .post(url)
      .set('Authorization', org.bearer)
      .send(body)
      .expect(201)
      .then((r) => r.body as { id: string });
  await post(
    '/api/v1/contacts',
    contactBody({ name: `${name}运营`, email: operatorEmail ?? `operator@${domain}`, role: 'operator' }),
  );
  await post(
    '/api/v1/contacts',
    contactBody({ name: `${name}经理`, email: `manager@${domain}`, role: 'manager' }),
  );
  const mp = await post(
    '/api/v1/mini-programs',
    miniProgramBody({ name: `${name}小程序`, certificationExpiresOn: '2026-12-20' }),
  );
  const deadlines = await h
    .http()
    .get(`/api/v1/deadlines?miniProgramId=${mp.id}`)
    .set('Authorization', org.bearer);
  const review = (deadlines.body.items as { id: string; kind: string; dueOn: string; actBy: string }[]).find(
    (d) => d.kind === 'annual_review',
  )!;
  return { org, mp: mp.id, review };
}

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  expect(findings).toEqual([]);
});

describe('history: audit log and deliveries', () => {
  let h: ConsoleHarness;
  let a: Awaited<ReturnType<typeof organization>>;
  let operator: { email: string; password: string };
  let manager: { email: string; password: string };
  let laterReview: string;

  beforeAll(async () => {
    h = await ConsoleHarness.start(clock);
    a = await organization(h, '康宁测试', 'kangning-test.cn', 'gone@kangning-test.cn');
    operator = await member(h, a.org, 'wang@kangning-test.cn', 'operator', '王操作');
    manager = await member(h, a.org, 'zhao@kangning-test.cn', 'manager', '赵经理');
    // A second mini-program whose review (due 2027-03-01, no reminder due yet) the operator acknowledges.
    const later = await h
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', a.org.bearer)
      .send(miniProgramBody({ name: '康宁第二小程序', certificationExpiresOn: '2027-03-01' }))
      .expect(201);
    const list = await h
      .http()
      .get(`/api/v1/deadlines?miniProgramId=${(later.body as { id: string }).id}`)
      .set('Authorization', a.org.bearer);
    laterReview = (list.body.items as { id: string; kind: string }[]).find(
      (d) => d.kind === 'annual_review',
    )!.id;
  }, 120_000);
  afterAll(() => h?.close());

  it('shows a change made in the console in the audit log with the person and a readable before and after', async () => {
    const { context, page } = await signedIn(h, operator);
    await page.goto(`${h.baseUrl}/console/deadlines/${laterReview}`);
    await submit(page, page.locator(`form[action="/console/deadlines/${laterReview}/acknowledge"] button`));
    await page.goto(`${h.baseUrl}/console/mini-programs/${a.mp}/edit`);
    await page.locator('#f-name').fill('康宁优选商城');
    await submit(page, page.locator(`form[action="/console/mini-programs/${a.mp}"] button[type=submit]`));
    await context.close();

    const { context: mc, page: m } = await signedIn(h, manager);
    await m.goto(`${h.baseUrl}/console/history`);
    const events = m.locator('ol.events > li');
    const edit = events.filter({ hasText: '修改了小程序' });
    await expect(edit.locator('h2').innerText()).resolves.toContain('王操作');
    const nameRow = edit.locator('tr', { has: m.locator('th', { hasText: /^名称$/ }) });
    expect(await nameRow.locator('td.was').innerText()).toBe('康宁测试小程序');
    expect(await nameRow.locator('td.now').innerText()).toBe('康宁优选商城');
    const ack = events.filter({ hasText: '确认了截止事项' });
    await expect(ack.locator('h2').innerText()).resolves.toContain('王操作');
    const stateRow = ack.locator('tr', { has: m.locator('th', { hasText: /^状态$/ }) });
    expect(await stateRow.locator('td.was').innerText()).toBe('待办');
    expect(await stateRow.locator('td.now').innerText()).toBe('已确认');
    // Never raw JSON or codes.
    const text = await m.locator('main').innerText();
    expect(text).not.toMatch(/[{}]|"state"|deadline\.acknowledged|mini_program\.updated/);
    await check(m, 'history');

    // Filters: who, what, record and date range (in the organization's zone).
    await m.locator('#f-who').fill('王操作');
    await m.locator('#f-action').selectOption('deadline.acknowledged');
    await submit(m, m.locator('form.filters button[type=submit]'));
    expect(await events.count()).toBe(1);
    await m.goto(`${h.baseUrl}/console/history?entityId=${a.mp}`);
    expect(await events.filter({ hasText: '确认了截止事项' }).count()).toBe(0);
    expect(await events.filter({ hasText: '修改了小程序' }).count()).toBe(1);
    // Everything 王操作 did happened on 2026-11-25 in Shanghai (02:00 UTC and a few minutes): the day's
    // range has all of it, the days on either side none.
    await m.goto(`${h.baseUrl}/console/history?who=%E7%8E%8B`);
    const all = await events.count();
    expect(all).toBeGreaterThanOrEqual(2);
    await m.goto(`${h.baseUrl}/console/history?from=2026-11-25&to=2026-11-25&who=%E7%8E%8B`);
    expect(await events.count()).toBe(all);
    await m.goto(`${h.baseUrl}/console/history?from=2026-11-26&who=%E7%8E%8B`);
    expect(await events.count()).toBe(0);
    await m.goto(`${h.baseUrl}/console/history?to=2026-11-24&who=%E7%8E%8B`);
    expect(await events.count()).toBe(0);
    // A bad filter is named beside its field, in Chinese, with a 400.
    const bad = await m.goto(`${h.baseUrl}/console/history?to=2026-02-30&entityId=nope`);
    expect(bad!.status()).toBe(400);
    expect(await m.locator('#f-to-error').innerText()).toContain('必须是真实存在的日期');
    expect(await m.locator('#f-entityId-error').innerText()).toContain('UUID');
    await mc.close();
  }, 180_000);

  it('lists every delivery: accepted with the answer, failed with the SMTP answer, filtered by status and date', async () => {
    h.sink.bounce.add('gone@kangning-test.cn');
    await h.app.get(TickService).tick(clock.now(), () => 0.5);
    await h.deliver(() => clock.now());
    const { context, page } = await signedIn(h, operator);
    await page.goto(`${h.baseUrl}/console/deliveries`);
    const rows = page.locator('table tbody tr');
    const failed = rows.filter({ hasText: 'gone@kangning-test.cn' });
    expect(await failed.count()).toBe(1);
    expect(await failed.locator('td').first().innerText()).toContain('失败');
    expect(await failed.locator('td.answer').innerText()).toMatch(/550/);
    // By hand: the review's last day to act is 2026-11-30 (checked below); on 2026-11-25 the most severe
    // stage due is 7 days before it, planned for 2026-11-23.
    expect(a.review.actBy).toBe('2026-11-30');
    expect(await failed.locator('td').nth(2).innerText()).toContain('到期前 7 天');
    expect(await failed.locator('td').nth(2).innerText()).toContain('2026-11-23');
    expect(await failed.locator(`a[href="/console/deadlines/${a.review.id}"]`).count()).toBe(1);
    // The manager got the reminder (and the failure report about the bounced address).
    const sent = rows.filter({ hasText: 'manager@kangning-test.cn' }).filter({ hasText: '到期前 7 天' });
    expect(await sent.count()).toBe(1);
    expect(await sent.locator('td').first().innerText()).toContain('已被邮件服务器接收');
    expect(await sent.locator('td.answer').innerText()).toMatch(/^250/);
    const all = await rows.count();
    await check(page, 'deliveries');
    await page.locator('#f-status').selectOption('failed');
    await submit(page, page.locator('form.filters button[type=submit]'));
    expect(await rows.count()).toBe(1);
    await page.goto(`${h.baseUrl}/console/deliveries?status=sent&to=2026-11-24`);
    expect(await page.locator('main').innerText()).toContain('没有符合条件的投递');
    await page.goto(`${h.baseUrl}/console/deliveries?from=2026-11-25&to=2026-11-25`);
    expect(await rows.count()).toBe(all);
    await context.close();
  }, 180_000);
});

describe('local inbox: the embedded setup, one organization at a time', () => {
  let h: ConsoleHarness;
  let dataDir: string;
  let a: Awaited<ReturnType<typeof organization>>;
  let b: Awaited<ReturnType<typeof organization>>;
  let adminA: { email: string; password: string };
  let operatorA: { email: string; password: string };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mpguard-inbox-'));
    h = await ConsoleHarness.start(clock, {
      SMTP_URL: undefined as unknown as string, // no SMTP server: mail is captured into DATA_DIR/inbox
      DATA_DIR: dataDir,
      LOCAL_SMTP_PORT: String(await freePort()),
    });
    a = await organization(h, '甲机构', 'jia.test');
    b = await organization(h, '乙机构', 'yi.test');
    adminA = await member(h, a.org, 'admin@jia.test', 'admin', '甲管理员');
    operatorA = await member(h, a.org, 'op@jia.test', 'operator', '甲操作员');
    await h.app.get(TickService).tick(clock.now(), () => 0.5);
    await h.deliver(() => clock.now());
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("shows an admin only the current organization's mail, each with its planned day and send time", async () => {
    // By hand: the last day to act is 2026-11-30, so on 2026-11-25 the 7-days-before stage is due,
    // planned for 2026-11-23.
    expect(a.review.actBy).toBe('2026-11-30');
    const { context, page } = await signedIn(h, adminA);
    await page.goto(`${h.baseUrl}/console/inbox`);
    const rows = page.locator('table tbody tr');
    const text = await page.locator('main').innerText();
    expect(await rows.count()).toBe(2);
    expect(text).toContain('operator@jia.test');
    expect(text).toContain('manager@jia.test');
    expect(text).not.toContain('yi.test');
    for (const row of await rows.all()) {
      const cells = row.locator('td');
      expect(await cells.nth(0).innerText()).toBe('2026-11-23');
      expect(await cells.nth(1).innerText()).toBe('2026-11-25 10:00');
    }
    await check(page, 'inbox');
    // Filtered by recipient.
    await page.locator('#f-recipient').fill('manager@');
    await submit(page, page.locator('form.filters button[type=submit]'));
    expect(await rows.count()).toBe(1);
    await submit(page, rows.first().locator('a'));
    expect(await page.locator('dl.facts').innerText()).toContain('2026-11-23');
    expect(await page.locator('pre.mail a').count()).toBeGreaterThan(0);
    await check(page, 'inbox-mail');

    // Another organization's mail, captured in the same folder, is the same 404 as a mail that is not there.
    const { context: bc, page: bp } = await signedIn(
      h,
      await member(h, b.org, 'admin@yi.test', 'admin', '乙管理员'),
    );
    await bp.goto(`${h.baseUrl}/console/inbox`);
    expect(await bp.locator('table tbody tr').count()).toBe(2);
    const bMail = (await bp.locator('table tbody tr a').first().getAttribute('href'))!;
    expect((await page.goto(`${h.baseUrl}${bMail}`))!.status()).toBe(404);
    expect(
      (await page.goto(`${h.baseUrl}/console/inbox/2026-01-01T00-00-00-000Z-nothing.eml`))!.status(),
    ).toBe(404);
    // The old address leads to the console page; an operator is refused.
    await page.goto(`${h.baseUrl}/inbox`);
    expect(page.url()).toBe(`${h.baseUrl}/console/inbox`);
    const { context: oc, page: op } = await signedIn(h, operatorA);
    expect((await op.goto(`${h.baseUrl}/console/inbox`))!.status()).toBe(403);
    await Promise.all([context.close(), bc.close(), oc.close()]);
  }, 180_000);
});
