import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PDFParse } from 'pdf-parse';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { FixedClock } from '../libs/common/src/clock.js';
import { contactBody, creditCode, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import {
  type AxeFinding,
  ConsoleHarness,
  type ConsoleOrg,
  launchBrowser,
  newContext,
  person,
  SCREENSHOTS,
  screenshots,
  seriousViolations,
} from './support/console-browser.js';

/**
 * The vendor-continuity pages of the console in a real browser against the real app, PostgreSQL and
 * SMTP server: vendors and the status change with its confirmation, contacts and the ladder's recipients,
 * one mini-program's custody register, risk, handover pack and domains, and the risk ranking.
 */
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z')); // 10:00 in Shanghai, local date 2026-11-25
let h: ConsoleHarness;
let browser: Browser;
let db: DataSource;
let orgA: ConsoleOrg;
let orgB: ConsoleOrg;
let admin: { email: string; password: string };
let viewer: { email: string; password: string };
let adminB: { email: string; password: string };
let vendorId: string;
let school: { id: string; appId: string };
let hospital: { id: string; appId: string };
let shop: { id: string; appId: string };
let ownOperatorId: string;
const findings: AxeFinding[] = [];
const shots: Record<string, string> = {};

async function submit(page: Page, target: Locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.first().click()]);
}

async function textOf(target: Locator): Promise<string> {
  return (await target.first().innerText()).trim();
}

async function check(page: Page, name: string) {
  findings.push(...(await seriousViolations(page, name)));
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect([name, overflow]).toEqual([name, 0]);
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

async function assetCount(miniProgramId: string): Promise<number> {
  const [{ n }] = await db.query<{ n: number }[]>(
    'SELECT count(*)::int AS n FROM assets WHERE mini_program_id = $1',
    [miniProgramId],
  );
  return n;
}

async function alertsSent(): Promise<string[]> {
  await h.deliver(() => clock.now());
  return h.sink.messages
    .filter((m) => (m.subject ?? '').includes('快码网络'))
    .map((m) => [m.to].flat()[0]!.value[0].address!)
    .sort();
}

async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

/** The hidden and visible fields of a form, as the browser would post them. */
async function formData(form: Locator): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const input of await form.locator('input[type=hidden]').all())
    out[(await input.getAttribute('name'))!] = (await input.getAttribute('value')) ?? '';
  return out;
}

beforeAll(async () => {
  h = await ConsoleHarness.start(clock);
  db = h.app.get(DataSource);
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
      .then((r) => r.body as { id: string; appId: string });
  ownOperatorId = (
    await post(
      orgA,
      '/api/v1/contacts',
      contactBody({ name: '刘洋', email: 'op@kangning-test.cn', role: 'operator' }),
    )
  ).id;
  await post(
    orgA,
    '/api/v1/contacts',
    contactBody({ name: '张伟', email: 'mgr@kangning-test.cn', role: 'manager' }),
  );
  await post(
    orgA,
    '/api/v1/contacts',
    contactBody({ name: 'Chen Jie', email: 'ceo@kangning-test.cn', role: 'executive', locale: 'en' }),
  );
  await post(
    orgA,
    '/api/v1/contacts',
    contactBody({ name: '王芳', email: 'legal@kangning-test.cn', role: 'legal' }),
  );
  vendorId = (
    await post(
      orgA,
      '/api/v1/vendors',
      vendorBody({ name: '杭州快码网络科技有限公司', contractEndsOn: '2028-12-31' }),
    )
  ).id;
  const other = (
    await post(
      orgA,
      '/api/v1/vendors',
      vendorBody({ name: '深圳市示例软件开发有限公司', contractEndsOn: '2027-01-31' }),
    )
  ).id;
  await post(
    orgA,
    '/api/v1/contacts',
    contactBody({ name: '快码小李', email: 'li@kuaima-test.cn', role: 'operator', vendorId }),
  );
  school = await post(
    orgA,
    '/api/v1/mini-programs',
    miniProgramBody({ name: '康宁健康课堂', vendorId, certificationExpiresOn: '2027-06-30' }),
  );
  shop = await post(
    orgA,
    '/api/v1/mini-programs',
    miniProgramBody({ name: '康宁优选商城', vendorId: other, certificationExpiresOn: '2027-06-30' }),
  );
  hospital = await post(
    orgA,
    '/api/v1/mini-programs',
    miniProgramBody({ name: '康宁互联网医院', certificationExpiresOn: '2027-06-30' }),
  );
  for (const kind of ['admin_binding', 'source_code', 'app_secret'])
    await post(orgA, `/api/v1/mini-programs/${hospital.id}/assets`, {
      kind,
      holder: 'owner',
      lastVerifiedOn: '2026-11-01',
    });
  await post(orgA, `/api/v1/mini-programs/${hospital.id}/assets`, {
    kind: 'servers',
    holder: 'owner',
    location: '本单位阿里云账号',
  });
  // 48 more, without vendor or custody, so that the ranking has a second page.
  const header =
    'app_id,name,owner_name,owner_credit_code,service_categories,features,vendor_name,certification_expires_on,icp_filing_number,server_domains,notes';
  const rows = Array.from(
    { length: 48 },
    (_, i) =>
      `wx${(0xa0000000 + i).toString(16)}00000000,批量小程序 ${String(i + 1).padStart(2, '0')},广州批量科技有限公司,${creditCode()},,,,2027-06-30,,,`,
  );
  await h
    .http()
    .post('/api/v1/mini-programs/import')
    .set('Authorization', orgA.bearer)
    .set('Content-Type', 'text/csv; charset=utf-8')
    .send([header, ...rows].join('\r\n'))
    .expect(201);
  admin = await h.person(orgA, 'admin@kangning-test.cn', 'admin');
  viewer = await h.person(orgA, 'viewer@kangning-test.cn', 'viewer');
  adminB = await h.person(orgB, 'admin@other-test.cn', 'admin');
}, 180_000);

afterAll(async () => {
  await writeFile(
    path.join(SCREENSHOTS, 'axe-continuity.json'),
    JSON.stringify({ findings, shots }, null, 2),
  ).catch(() => undefined);
  await browser?.close();
  await h?.close();
});

beforeEach(() => {
  clock.set(new Date(clock.now().getTime() + 2 * 60_000));
});

describe('vendor continuity in the console', () => {
  it('shows who gets the alert before saving a ceased vendor, sends it once, and nothing on a second submit', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/vendors`);
    const row = page.locator('tr', { hasText: '杭州快码网络科技有限公司' });
    expect(await textOf(row)).toContain('正常');
    expect(await textOf(row)).toContain('康宁健康课堂');
    await check(page, 'vendors');
    await submit(page, row.locator('a', { hasText: '杭州快码网络科技有限公司' }));
    await check(page, 'vendor');
    await page.locator('#f-status').selectOption('ceased');
    await page.locator('#f-statusReason').fill('公司注销，电话停机');
    await page.locator('#f-statusEvidence').fill('国家企业信用信息公示系统 2026-11-20 注销公告');
    await submit(page, page.getByRole('button', { name: '查看将要发生的事' }));

    // The confirmation: the owner's manager and executive get the alert (never the operator, legal or the vendor's people).
    expect(await textOf(page.locator('h1'))).toBe('确认更改「杭州快码网络科技有限公司」的状态');
    const recipients = (await page.getByTestId('alert-recipients').locator('li').allInnerTexts()).map((t) =>
      t.trim(),
    );
    expect(recipients).toEqual([
      '张伟 · mgr@kangning-test.cn · 负责人 · 中文',
      'Chen Jie · ceo@kangning-test.cn · 高管 · 英文',
    ]);
    const main = await textOf(page.locator('main'));
    expect(main).toContain('提醒只发给贵单位自己的人员');
    expect(main).toContain('提醒提前 30 天开始');
    expect(main).toContain('自助办理清单');
    // The ladder once saved: an early stage 120 days before, to the owner's operator and manager only.
    const early = page.locator('tr', { hasText: '提前提醒' });
    expect(await textOf(early)).toContain('截止办理日前 120 天');
    expect(await textOf(early)).toContain('刘洋、张伟');
    expect(await textOf(early)).not.toContain('快码小李');
    await check(page, 'vendor-status-confirm');
    expect(await alertsSent()).toEqual([]);
    const [{ status: before }] = await db.query<{ status: string }[]>(
      'SELECT status FROM vendors WHERE id = $1',
      [vendorId],
    );
    expect(before).toBe('active');

    const confirm = page.locator(`form[action="/console/vendors/${vendorId}/status/confirm"]`);
    const fields = await formData(confirm);
    await submit(page, confirm.locator('button'));
    expect(page.url()).toBe(`${h.baseUrl}/console/vendors/${vendorId}?done=status`);
    expect(await textOf(page.locator('.flash'))).toBe('状态已保存。');
    expect(await alertsSent()).toEqual(['ceo@kangning-test.cn', 'mgr@kangning-test.cn']);

    // A second submit of the same confirmation (double click, reload of the POST a minute later): nothing more.
    clock.set(new Date(clock.now().getTime() + 60_000));
    const again = await page.request.post(`${h.baseUrl}/console/vendors/${vendorId}/status/confirm`, {
      form: fields,
      maxRedirects: 0,
    });
    await Promise.all([
      page.request.post(`${h.baseUrl}/console/vendors/${vendorId}/status/confirm`, { form: fields }),
      page.request.post(`${h.baseUrl}/console/vendors/${vendorId}/status/confirm`, { form: fields }),
    ]);
    expect(await alertsSent()).toEqual(['ceo@kangning-test.cn', 'mgr@kangning-test.cn']);
    expect(again.status()).toBe(303);
    expect(again.headers().location).toBe(`/console/vendors/${vendorId}?done=unchanged`);
    const [{ n }] = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM notifications WHERE kind = 'continuity_alert' AND vendor_id = $1`,
      [vendorId],
    );
    expect(n).toBe(1);
    const events = await db.query<{ action: string; actor_label: string }[]>(
      `SELECT action, actor_label FROM audit_events WHERE entity_id = $1 AND action LIKE 'vendor.%' ORDER BY id`,
      [vendorId],
    );
    expect(events.filter((e) => e.action === 'vendor.status_changed')).toEqual([
      { action: 'vendor.status_changed', actor_label: `admin <${admin.email}>` },
    ]);
    await context.close();
  }, 90_000);

  it('ranks every mini-program by its risk, highest first, on pages of 50', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/risk`);
    // By hand (RISK_WEIGHTS, 2026-11-25): 康宁健康课堂 ceased 30 + admin 25 + source 20 + AppSecret 10 +
    // infrastructure 10 = 95; 康宁优选商城 25 + 20 + 10 + 10 + contract ends 2027-01-31 (67 days) 10 = 75;
    // the 48 imported ones 25 + 20 + 10 + 10 = 65; 康宁互联网医院 only its unverified server entry, 5.
    const rows = page.locator('main table tbody tr');
    expect(await rows.count()).toBe(50);
    const scores = (await page.locator('td.score-cell').allInnerTexts()).map(Number);
    expect(scores).toEqual([95, 75, ...Array<number>(48).fill(65)]);
    expect(await textOf(rows.nth(0))).toContain('康宁健康课堂');
    expect(await textOf(rows.nth(1))).toContain('康宁优选商城');
    expect(await rows.nth(1).locator('a').getAttribute('href')).toBe(
      `/console/mini-programs/${shop.id}/continuity`,
    );
    expect(await textOf(rows.nth(2))).toContain('批量小程序 01');
    expect(await textOf(page.getByTestId('organization-score'))).toBe('95');
    await check(page, 'risk');
    await submit(page, page.locator('a[rel=next]'));
    expect((await page.locator('td.score-cell').allInnerTexts()).map(Number)).toEqual([5]);
    expect(await textOf(page.locator('main table tbody tr'))).toContain('51');
    expect(await textOf(page.locator('main table tbody tr'))).toContain('康宁互联网医院');
    await context.close();
  }, 60_000);

  it("shows one mini-program's risk factors, custody, domains and handover downloads", async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/mini-programs/${school.id}`);
    await submit(page, page.locator(`a[href="/console/mini-programs/${school.id}/continuity"]`));
    expect(await textOf(page.getByTestId('risk-score'))).toBe('95 / 100');
    const factor = page.locator('tr', { hasText: '服务商已停止经营' }).first();
    expect(await textOf(factor)).toContain('30');
    expect(await textOf(factor)).toContain('立即按交接清单收回资产');
    expect(await textOf(page.locator('main'))).toContain('api.example-test.cn');
    expect(await textOf(page.locator('main'))).toContain('尚未检查');
    await check(page, 'continuity');

    const [md] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a', { hasText: '下载 Markdown' }).click(),
    ]);
    expect(md.suggestedFilename()).toBe(`mp-guard-handover_康宁健康课堂_${school.appId}_2026-11-25.md`);
    const markdown = await readFile(await md.path(), 'utf8');
    expect(markdown).toContain('康宁健康课堂');
    expect(markdown).toContain(school.appId);
    expect(markdown).toContain('杭州快码网络科技有限公司');
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a', { hasText: '下载 PDF' }).click(),
    ]);
    expect(pdf.suggestedFilename()).toBe(`mp-guard-handover_康宁健康课堂_${school.appId}_2026-11-25.pdf`);
    const bytes = await readFile(await pdf.path());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = await pdfText(bytes);
    expect(text).toContain(school.appId);
    expect(text).toContain('康宁健康课堂');
    await context.close();
  }, 90_000);

  it('refuses an AppSecret typed into a custody field with the API’s message beside it, and writes nothing', async () => {
    const secret = '9f86d081884c7d659a2feaa0c55ad015';
    const before = await assetCount(hospital.id);
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/mini-programs/${hospital.id}/continuity`);
    await submit(page, page.locator('a', { hasText: '登记资产' }));
    await page.locator('#f-kind').selectOption('app_secret');
    await page.locator('#f-holder').selectOption('owner');
    await page.locator('#f-location').fill(`AppSecret ${secret}`);
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(await textOf(page.locator('#f-location-error'))).toBe(
      '不能填写密钥或密码：内容看起来像 32 位密钥，例如 AppSecret 或 APIv3 密钥',
    );
    expect(await page.locator('#f-location').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-location').inputValue()).toBe(`AppSecret ${secret}`);
    await check(page, 'custody-new-errors');
    expect(await assetCount(hospital.id)).toBe(before);

    // In English the message is the API's own, word for word.
    const api = await h
      .http()
      .post(`/api/v1/mini-programs/${hospital.id}/assets`)
      .set('Authorization', orgA.bearer)
      .send({ kind: 'backups', holder: 'owner', notes: `key ${secret}` })
      .expect(400);
    const apiRule = (api.body as { problems: { field: string; rule: string }[] }).problems.find(
      (e) => e.field === 'notes',
    )!.rule;
    expect(apiRule).toBe(
      'must not contain secrets: looks like a 32-character key such as an AppSecret or APIv3 key',
    );
    const en = await signedIn(admin, 'en-US');
    await en.page.goto(`${h.baseUrl}/console/mini-programs/${hospital.id}/assets/new`);
    await en.page.locator('#f-kind').selectOption('backups');
    await en.page.locator('#f-notes').fill(`key ${secret}`);
    await submit(en.page, en.page.locator('form.stack button[type=submit]'));
    expect(await textOf(en.page.locator('#f-notes-error'))).toBe(
      'Must not contain secrets: looks like a 32-character key such as an AppSecret or APIv3 key',
    );
    expect(await assetCount(hospital.id)).toBe(before);
    await en.context.close();

    // Fixed, it is saved through the API's service, audited with the person as actor.
    await page.locator('#f-kind').selectOption('backups');
    await page.locator('#f-location').fill('本单位保险柜');
    await page.locator('#f-lastVerifiedOn').fill('2026-11-20');
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(page.url()).toBe(`${h.baseUrl}/console/mini-programs/${hospital.id}/continuity?done=added`);
    expect(await textOf(page.locator('main'))).toContain('本单位保险柜');
    expect(await assetCount(hospital.id)).toBe(before + 1);
    const [event] = await db.query<{ actor_label: string }[]>(
      `SELECT actor_label FROM audit_events WHERE action = 'asset.created' ORDER BY id DESC LIMIT 1`,
    );
    expect(event.actor_label).toBe(`admin <${admin.email}>`);
    await context.close();
  }, 90_000);

  it('imports no custody row from a CSV with one bad row and shows the row error table', async () => {
    const before = await assetCount(hospital.id);
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/mini-programs/${hospital.id}/continuity`);
    await submit(page, page.locator('a', { hasText: '从 CSV 导入' }));
    const csv = [
      'app_id,kind,holder,location,notes,last_verified_on',
      `${hospital.appId},cloud_account,owner,阿里云 杭州,,2026-11-01`,
      `${hospital.appId},spaceship,vendor,,,`,
      `${hospital.appId},domain_registrar,owner,万网,,2026-11-02`,
    ].join('\r\n');
    await page
      .locator('#f-file')
      .setInputFiles({ name: 'custody.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await submit(page, page.locator('form[enctype="multipart/form-data"] button'));
    expect(await textOf(page.locator('.alert'))).toBe('文件有错误，没有导入任何一行。');
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(1);
    expect((await rows.first().locator('td').allInnerTexts()).map((s) => s.trim())).toEqual([
      '3',
      'kind',
      '请从列表中选择',
    ]);
    await check(page, 'custody-import-errors');
    expect(await assetCount(hospital.id)).toBe(before);
    await context.close();
  }, 60_000);

  it("lists the owner's and the vendors' people and who receives which stage", async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/contacts`);
    const answering = page.getByRole('table', { name: '服务商正常时' });
    // DEFAULT_LADDER by hand: d-90 to operators (the owner's, and each vendor's for its own mini-programs).
    expect(await textOf(answering.locator('tr', { hasText: '到期前 90 天' }))).toContain(
      '刘洋、快码小李（杭州快码网络科技有限公司）',
    );
    expect(await textOf(answering.locator('tr', { hasText: '到期前 7 天' }))).toContain(
      '刘洋、张伟、Chen Jie、快码小李',
    );
    const unavailable = page.getByRole('table', { name: /^服务商联系不上或已停止经营时/ });
    expect(await textOf(unavailable.locator('tr', { hasText: '到期前 90 天' }))).toContain('刘洋、张伟');
    expect(await textOf(unavailable.locator('tr', { hasText: '到期前 90 天' }))).not.toContain('快码小李');
    expect(await textOf(unavailable.locator('tr', { hasText: '到期当天' }))).toContain(
      '刘洋、张伟、Chen Jie、王芳',
    );
    await check(page, 'contacts');

    await submit(page, page.locator('a', { hasText: '添加联系人' }));
    await page.locator('#f-name').fill('赵敏');
    await page.locator('#f-email').fill('zhao.min.kangning-test.cn');
    await page.locator('#f-role').selectOption('manager');
    await page.locator('#f-locale').selectOption('en');
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(await textOf(page.locator('#f-email-error'))).toBe(
      '请填写一个有效的邮箱地址，例如 name@example.com',
    );
    expect(await page.locator('#f-name').inputValue()).toBe('赵敏');
    await check(page, 'contact-new-errors');
    await page.locator('#f-email').fill('zhao.min@kangning-test.cn');
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(await textOf(page.locator('.flash'))).toBe('联系人已添加。');
    const added = page.locator('tr', { hasText: 'zhao.min@kangning-test.cn' });
    expect(await textOf(added)).toContain('负责人');
    expect(await textOf(added)).toContain('英文');
    await submit(page, added.locator('a', { hasText: '编辑' }));
    await page.locator('#f-role').selectOption('legal');
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(await textOf(page.locator('tr', { hasText: 'zhao.min@kangning-test.cn' }))).toContain('法务');
    await submit(
      page,
      page.locator('tr', { hasText: 'zhao.min@kangning-test.cn' }).getByRole('button', { name: '删除' }),
    );
    expect(await textOf(page.locator('.flash'))).toBe('联系人已删除。');
    expect(await page.locator('tr', { hasText: 'zhao.min@kangning-test.cn' }).count()).toBe(0);
    await context.close();
  }, 90_000);

  it('shows a viewer no write buttons and refuses forged POSTs with 403', async () => {
    const { context, page } = await signedIn(viewer);
    await page.goto(`${h.baseUrl}/console/vendors/${vendorId}`);
    expect(await page.locator('form[action$="/status"]').count()).toBe(0);
    await page.goto(`${h.baseUrl}/console/contacts`);
    expect(await page.locator('a[href="/console/contacts/new"]').count()).toBe(0);
    expect(await page.locator('form[action$="/delete"]').count()).toBe(0);
    await page.goto(`${h.baseUrl}/console/mini-programs/${hospital.id}/continuity`);
    expect(await page.locator(`a[href$="/assets/new"]`).count()).toBe(0);
    expect(await page.locator('a[href="/console/custody/import"]').count()).toBe(0);
    expect(await page.locator('form[action*="/assets/"]').count()).toBe(0);
    expect(await page.locator('a', { hasText: '下载 PDF' }).count()).toBe(1);
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const forged: [string, Record<string, string>][] = [
      [`/console/vendors/${vendorId}/status`, { status: 'ceased', statusReason: 'x' }],
      [
        `/console/vendors/${vendorId}/status/confirm`,
        { from: 'ceased', status: 'active', statusReason: 'x' },
      ],
      ['/console/contacts', { name: 'x', email: 'x@example.cn', role: 'operator' }],
      [`/console/contacts/${ownOperatorId}/delete`, {}],
      [`/console/mini-programs/${hospital.id}/assets`, { kind: 'backups', holder: 'owner' }],
    ];
    for (const [url, form] of forged) {
      const res = await page.request.post(`${h.baseUrl}${url}`, { form: { _csrf: csrf, ...form } });
      expect([url, res.status()]).toEqual([url, 403]);
    }
    expect((await page.goto(`${h.baseUrl}/console/custody/import`))!.status()).toBe(403);
    expect((await page.goto(`${h.baseUrl}/console/contacts/${ownOperatorId}/edit`))!.status()).toBe(403);
    const [{ status }] = await db.query<{ status: string }[]>('SELECT status FROM vendors WHERE id = $1', [
      vendorId,
    ]);
    expect(status).toBe('ceased');
    await context.close();
  }, 60_000);

  it("answers another organization's vendor and continuity pages with the same 404 as missing ones", async () => {
    const { context, page } = await signedIn(adminB);
    const missing = '00000000-0000-4000-8000-000000000000';
    const pairs: [string, string][] = [
      [`/console/vendors/${vendorId}`, `/console/vendors/${missing}`],
      [`/console/mini-programs/${school.id}/continuity`, `/console/mini-programs/${missing}/continuity`],
      [`/console/mini-programs/${school.id}/handover.md`, `/console/mini-programs/${missing}/handover.md`],
      [`/console/mini-programs/${school.id}/assets/new`, `/console/mini-programs/${missing}/assets/new`],
      [`/console/contacts/${ownOperatorId}/edit`, `/console/contacts/${missing}/edit`],
    ];
    for (const [theirs, none] of pairs) {
      const a = await page.request.get(`${h.baseUrl}${theirs}`);
      const b = await page.request.get(`${h.baseUrl}${none}`);
      expect([theirs, a.status(), b.status()]).toEqual([theirs, 404, 404]);
      const main = (body: string) => /<main[\s\S]*<\/main>/.exec(body)?.[0];
      expect(main(await a.text())).toBe(main(await b.text()));
      expect(main(await a.text())).toContain('找不到此页面');
    }
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const post = await page.request.post(`${h.baseUrl}/console/vendors/${vendorId}/status/confirm`, {
      form: { _csrf: csrf, from: 'ceased', status: 'active', statusReason: 'x' },
    });
    expect(post.status()).toBe(404);
    const del = await page.request.post(`${h.baseUrl}/console/contacts/${ownOperatorId}/delete`, {
      form: { _csrf: csrf },
    });
    expect(del.status()).toBe(404);
    await page.goto(`${h.baseUrl}/console/vendors`);
    expect(await page.locator('main').innerText()).not.toContain('快码');
    await page.goto(`${h.baseUrl}/console/risk`);
    expect(await page.locator('main').innerText()).not.toContain('康宁');
    await context.close();
  }, 60_000);

  it('finds no serious or critical accessibility violation on any new page', () => {
    expect(Object.keys(shots).sort()).toEqual(
      [
        'contact-new-errors',
        'contacts',
        'continuity',
        'custody-import-errors',
        'custody-new-errors',
        'risk',
        'vendor',
        'vendor-status-confirm',
        'vendors',
      ].sort(),
    );
    expect(findings).toEqual([]);
  });
});
