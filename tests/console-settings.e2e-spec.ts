import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { PDFParse } from 'pdf-parse';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { FixedClock } from '../libs/common/src/clock.js';
import { PeopleService } from '../libs/people/src/people.service.js';
import { CatalogueOverridesService } from '../libs/requirements/src/catalogue-overrides.service.js';
import { miniProgramBody } from './factories/registry.factory.js';
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
 * The console's exports, calendar feeds and admin settings (issue #16 items 5 and 6) in a real browser
 * against the real app, PostgreSQL and SMTP server. Expected values are written out by hand.
 */
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z')); // 10:00 in Shanghai
let h: ConsoleHarness;
let browser: Browser;
let orgA: ConsoleOrg;
let orgB: ConsoleOrg;
let admin: { email: string; password: string };
let manager: { email: string; password: string };
let viewer: { email: string; password: string };
let hospital: { id: string; appId: string };
const findings: AxeFinding[] = [];
const shots: Record<string, string> = {};

type AuditItem = { action: string; actorType: string; actorLabel: string; after: unknown; before: unknown };

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

async function auditEvents(action: string): Promise<AuditItem[]> {
  const res = await h
    .http()
    .get('/api/v1/audit-events?limit=100')
    .set('Authorization', orgA.bearer)
    .expect(200);
  return (res.body.items as (AuditItem & { action: string })[]).filter((e) => e.action === action);
}

/** Clicks a download button and returns the file the browser saved, with the name it suggested. */
async function download(page: Page, format: string) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`button[name=format][value=${format}]`).click(),
  ]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

beforeAll(async () => {
  h = await ConsoleHarness.start(clock);
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
  hospital = await post(
    orgA,
    '/api/v1/mini-programs',
    miniProgramBody({ name: '康宁互联网医院', certificationExpiresOn: '2026-12-20' }),
  );
  await post(
    orgA,
    '/api/v1/mini-programs',
    miniProgramBody({ name: '康宁优选商城', certificationExpiresOn: '2027-03-15' }),
  );
  await post(orgB, '/api/v1/mini-programs', miniProgramBody({ name: '别家小程序' }));
  admin = await h.person(orgA, 'admin@kangning-test.cn', 'admin');
  manager = await h.person(orgA, 'manager@kangning-test.cn', 'manager');
  viewer = await h.person(orgA, 'viewer@kangning-test.cn', 'viewer');
  await h.person(orgB, 'admin@other-test.cn', 'admin');
}, 240_000);

afterAll(async () => {
  await writeFile(
    path.join(SCREENSHOTS, 'axe-settings.json'),
    JSON.stringify({ findings, shots }, null, 2),
  ).catch(() => undefined);
  await browser?.close();
  await h?.close();
});

beforeEach(() => {
  // A new minute per test keeps the per-address sign-in limit out of unrelated tests.
  clock.set(new Date(clock.now().getTime() + 2 * 60_000));
});

describe('console exports', () => {
  it('downloads the checklist in every format with the file name the API gives, and reads each back', async () => {
    const { context, page } = await signedIn(viewer);
    await page.goto(`${h.baseUrl}/console/exports`);
    expect(await textOf(page.locator('h1'))).toBe('导出与日历');
    // A viewer reads and downloads, but calendar feeds are an administrator's.
    expect(await page.locator('form[action="/console/calendar-feeds"]').count()).toBe(0);
    await check(page, 'exports-viewer');

    // CSV, everything: UTF-8 with BOM, both mini-programs, not the other organization's.
    const csv = await download(page, 'csv');
    expect(csv.name).toBe('mp-guard-checklist_全部小程序_2026-11-25.csv');
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse<Record<string, string>>(csv.bytes, { bom: true, columns: true });
    const names = new Set(records.map((r) => r['小程序']));
    expect(names.has('康宁互联网医院')).toBe(true);
    expect(names.has('康宁优选商城')).toBe(true);
    expect(names.has('别家小程序')).toBe(false);
    const review = records.find((r) => r['小程序'] === '康宁互联网医院' && r['截止日期'] === '2026-12-20');
    expect(review).toBeDefined();

    // XLSX with a due window: only the hospital's review (2026-12-20) falls in December and January.
    await page.locator('#f-dueFrom').fill('2026-12-01');
    await page.locator('#f-dueTo').fill('2027-01-31');
    const xlsx = await download(page, 'xlsx');
    expect(xlsx.name).toBe('mp-guard-checklist_全部小程序-截止-2026-12-01-至-2027-01-31_2026-11-25.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const cells: string[] = [];
    // a date cell holds a Date of another realm (jest's VM), so its type says so, not instanceof
    book.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) =>
          cells.push(
            cell.type === ExcelJS.ValueType.Date
              ? (cell.value as Date).toISOString().slice(0, 10)
              : String(cell.text),
          ),
        ),
      ),
    );
    expect(cells).toContain('康宁互联网医院');
    expect(cells).not.toContain('康宁优选商城');
    expect(cells).toContain('2026-12-20');

    // PDF of one mini-program: its name and due date are extractable text.
    await page.goto(`${h.baseUrl}/console/exports`);
    await page.locator('#f-miniProgramId').selectOption(hospital.id);
    const pdf = await download(page, 'pdf');
    expect(pdf.name).toBe(`mp-guard-checklist_康宁互联网医院_${hospital.appId}_2026-11-25.pdf`);
    const text = await pdfText(pdf.bytes);
    expect(text).toContain('小程序合规续期清单');
    expect(text).toContain('康宁互联网医院');
    expect(text).toContain('2026-12-20');
    expect(text).not.toContain('康宁优选商城');

    // Markdown in English.
    await page.locator('#f-locale').selectOption('en');
    const md = await download(page, 'md');
    expect(md.name).toBe(`mp-guard-checklist_康宁互联网医院_${hospital.appId}_2026-11-25.md`);
    const markdown = md.bytes.toString('utf8');
    expect(markdown).toContain('# Mini-program compliance renewal checklist');
    expect(markdown).toContain('康宁互联网医院');

    // The same Content-Disposition as the API's for the same request.
    const query = `miniProgramId=${hospital.id}&locale=en`;
    const viaConsole = await page.request.get(`${h.baseUrl}/console/exports/download?format=md&${query}`);
    const viaApi = await h
      .http()
      .get(`/api/v1/exports/checklist.md?${query}`)
      .set('Authorization', orgA.bearer)
      .expect(200);
    expect(viaConsole.headers()['content-disposition']).toBe(viaApi.headers['content-disposition']);
    expect(viaConsole.headers()['content-type']).toBe('text/markdown; charset=utf-8');
    await context.close();
  }, 240_000);

  it('shows a bad due window beside its field, with the values kept', async () => {
    const { context, page } = await signedIn(viewer);
    await page.goto(`${h.baseUrl}/console/exports`);
    await page.locator('#f-dueFrom').fill('2027-02-01');
    await page.locator('#f-dueTo').fill('2027-01-01');
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('button[name=format][value=csv]').click(),
    ]);
    expect(response!.status()).toBe(400);
    expect(await textOf(page.locator('#f-dueTo-error'))).toBe('不能早于开始日期（2027-02-01）');
    expect(await page.locator('#f-dueFrom').inputValue()).toBe('2027-02-01');
    // Another organization's mini-program is the same 404 as a missing one.
    const theirs = await page.request.get(
      `${h.baseUrl}/console/exports/download?format=csv&miniProgramId=00000000-0000-4000-8000-000000000000`,
    );
    expect(theirs.status()).toBe(404);
    await context.close();
  }, 240_000);
});

describe('calendar feed in the console', () => {
  it('creates, rotates and revokes a feed; each address works until replaced, then answers 404', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/exports`);
    await submit(page, page.locator('form[action="/console/calendar-feeds"] button'));
    expect(await textOf(page.locator('.issued p'))).toBe('已创建新的订阅地址，请立即复制。');
    const first = await page.locator('#feed-url').inputValue();
    expect(first).toMatch(new RegExp(`^${h.baseUrl}/calendar/[A-Za-z0-9_-]{43}\\.ics$`));
    expect(await page.locator('#feed-url').getAttribute('readonly')).not.toBeNull();
    await check(page, 'exports-feed-issued');
    let res = await fetch(first);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const ics = await res.text();
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain('康宁互联网医院');

    // The address is shown once: the list page never carries it.
    await page.goto(`${h.baseUrl}/console/exports`);
    expect(await page.content()).not.toContain(first.split('/').pop()!);

    await submit(page, page.locator('form[action$="/rotate"] button'));
    expect(await textOf(page.locator('.issued p'))).toBe('已更换地址：旧地址已失效，请复制新地址。');
    const second = await page.locator('#feed-url').inputValue();
    expect(second).not.toBe(first);
    expect((await fetch(first)).status).toBe(404);
    res = await fetch(second);
    expect(res.status).toBe(200);

    await page.goto(`${h.baseUrl}/console/exports`);
    await submit(page, page.locator('form[action$="/revoke"] button'));
    expect(await textOf(page.locator('.flash'))).toBe('订阅已停用，它的地址已失效。');
    expect((await fetch(second)).status).toBe(404);
    expect(await page.locator('form[action$="/rotate"]').count()).toBe(0);

    const actions = ['calendar_feed.created', 'calendar_feed.rotated', 'calendar_feed.revoked'];
    for (const action of actions) {
      const [event] = await auditEvents(action);
      expect(event).toMatchObject({ actorType: 'user', actorLabel: 'admin <admin@kangning-test.cn>' });
    }
    await context.close();
  }, 240_000);
});

describe('admin settings', () => {
  it('invites a person (the mail arrives) and changes a member’s role', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/settings`);
    expect(await textOf(page.locator('h1'))).toBe('设置');
    await check(page, 'settings');
    await submit(page, page.locator('a[href="/console/people"]').last());
    await page.locator('#f-email').fill('li.na@kangning-test.cn');
    await page.locator('#f-role').selectOption('viewer');
    await submit(page, page.locator('form[action="/console/people/invitations"] button'));
    expect(await textOf(page.locator('.flash'))).toBe('邀请已发送到 li.na@kangning-test.cn。');
    await h.deliver(() => clock.now());
    const mail = h.sink.to('li.na@kangning-test.cn');
    expect(mail).toHaveLength(1);
    expect(mail[0].subject).toContain('康宁测试集团');

    const row = page.locator('tr', { hasText: 'manager@kangning-test.cn' });
    await row.locator('select[name=role]').selectOption('operator');
    await submit(page, row.locator('form[action$="/role"] button'));
    expect(await textOf(page.locator('.flash'))).toBe('已将 manager@kangning-test.cn 的角色改为 经办人。');
    expect(
      await textOf(page.locator('tr', { hasText: 'manager@kangning-test.cn' }).locator('td').nth(2)),
    ).toBe('经办人');
    await check(page, 'people-settings');
    const [changed] = await auditEvents('membership.role_changed');
    expect(changed).toMatchObject({
      actorType: 'user',
      actorLabel: 'admin <admin@kangning-test.cn>',
      before: { email: 'manager@kangning-test.cn', role: 'manager' },
      after: { email: 'manager@kangning-test.cn', role: 'operator' },
    });
    // Back to manager for the role tests below.
    const again = page.locator('tr', { hasText: 'manager@kangning-test.cn' });
    await again.locator('select[name=role]').selectOption('manager');
    await submit(page, again.locator('form[action$="/role"] button'));
    await context.close();
  }, 240_000);

  it('refuses to remove or demote the last administrator, with a clear message, and changes nothing', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/people`);
    const self = page.locator('tr', { hasText: 'admin@kangning-test.cn' });
    const [removal] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      self.locator('form[action$="/remove"] button').click(),
    ]);
    expect(removal!.status()).toBe(409);
    expect(await textOf(page.locator('.alert'))).toBe(
      '不能这样做：admin@kangning-test.cn 是本机构唯一的管理员。请先把另一位成员设为管理员。',
    );
    await check(page, 'people-last-admin');
    const demote = page.locator('tr', { hasText: 'admin@kangning-test.cn' });
    await demote.locator('select[name=role]').selectOption('viewer');
    const [demotion] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      demote.locator('form[action$="/role"] button').click(),
    ]);
    expect(demotion!.status()).toBe(409);
    // Still an admin: the settings page opens.
    expect((await page.goto(`${h.baseUrl}/console/settings`))!.status()).toBe(200);
    expect(await auditEvents('membership.removed')).toEqual([]);
    await context.close();
  }, 240_000);

  it('creates an API key shown once that then works against the API, and revokes it (401)', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/settings/api-keys`);
    await page.locator('#f-name').fill('ERP 同步');
    await submit(page, page.locator('form[action="/console/settings/api-keys"] button'));
    const key = await page.locator('#issued-key').inputValue();
    expect(key).toMatch(/^mpg_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/);
    await check(page, 'settings-api-keys');
    const list = await h
      .http()
      .get('/api/v1/mini-programs')
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
    expect((list.body.items as { name: string }[]).map((p) => p.name).sort()).toEqual([
      '康宁互联网医院',
      '康宁优选商城',
    ]);
    // Listed without the key.
    await page.goto(`${h.baseUrl}/console/settings/api-keys`);
    const listed = page.locator('tr', { hasText: 'ERP 同步' });
    expect(await listed.count()).toBe(1);
    expect(await page.content()).not.toContain(key.slice(18));
    await submit(page, listed.locator('form[action$="/revoke"] button'));
    expect(await textOf(page.locator('.flash'))).toBe('密钥已吊销，使用它的请求会被拒绝（401）。');
    await h.http().get('/api/v1/mini-programs').set('Authorization', `Bearer ${key}`).expect(401);
    const [created] = await auditEvents('api_key.created');
    expect(created).toMatchObject({ actorType: 'user', actorLabel: 'admin <admin@kangning-test.cn>' });
    expect(JSON.stringify(created)).not.toContain(key.slice(18));
    expect(await auditEvents('api_key.revoked')).toHaveLength(1);
    await context.close();
  }, 240_000);

  it('refuses a ladder with a bad stage beside it and saves nothing; saves a good one, audited', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/settings/reminders`);
    expect(await page.locator('#f-code_0').inputValue()).toBe('d-90');
    // The second stage (d-60) moved before the first (-90): not after the previous stage.
    await page.locator('#f-offset_1').fill('-95');
    const [bad] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('form[action="/console/settings/reminders/ladder"] button[type=submit]').click(),
    ]);
    expect(bad!.status()).toBe(400);
    expect(await textOf(page.locator('#f-offset_1-error'))).toBe('必须大于上一阶段的天数（-90）');
    expect(await page.locator('#f-offset_1').inputValue()).toBe('-95');
    await check(page, 'settings-reminders-error');
    let api = await h.http().get('/api/v1/organization/reminders').set('Authorization', orgA.bearer);
    expect(api.body.isDefaultLadder).toBe(true);

    // A good one: the first stage 120 days ahead, and an extra stage for legal 2 days before.
    await page.locator('#f-offset_1').fill('-60');
    await page.locator('#f-code_0').fill('d-120');
    await page.locator('#f-offset_0').fill('-120');
    await submit(page, page.locator('form[action="/console/settings/reminders/ladder"] button[type=submit]'));
    expect(await textOf(page.locator('.flash'))).toBe('提醒阶梯已保存。');
    api = await h.http().get('/api/v1/organization/reminders').set('Authorization', orgA.bearer);
    expect(api.body.isDefaultLadder).toBe(false);
    expect(api.body.ladder[0]).toEqual({ code: 'd-120', offsetDays: -120, roles: ['operator'] });
    expect(api.body.ladder).toHaveLength(9);
    // While a vendor is unavailable: an early stage 30 days before the first, to operator and manager.
    const effective = page.locator('table').last().locator('tbody tr').first();
    expect(await textOf(effective.locator('td').nth(1))).toBe('-150');
    expect(await textOf(effective.locator('td').nth(2))).toBe('经办人、负责人');
    await check(page, 'settings-reminders');
    const [changed] = await auditEvents('organization.ladder_changed');
    expect(changed).toMatchObject({ actorType: 'user', actorLabel: 'admin <admin@kangning-test.cn>' });
    expect((changed.after as { ladder: { code: string }[] }).ladder[0].code).toBe('d-120');
    await context.close();
  }, 240_000);

  it('refuses a time zone that is not IANA beside the field, and saves a good one', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/settings/organization`);
    expect(await page.locator('#f-timeZone').inputValue()).toBe('Asia/Shanghai');
    await page.locator('#f-timeZone').fill('Mars/Olympus_Mons');
    const [bad] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('form[action="/console/settings/organization"] button').click(),
    ]);
    expect(bad!.status()).toBe(400);
    expect(await textOf(page.locator('#f-timeZone-error'))).toBe('必须是 IANA 时区名，例如 Asia/Shanghai');
    expect(await page.locator('#f-timeZone').inputValue()).toBe('Mars/Olympus_Mons');
    await check(page, 'settings-organization-error');
    let api = await h.http().get('/api/v1/organization/reminders').set('Authorization', orgA.bearer);
    expect(api.body.timeZone).toBe('Asia/Shanghai');

    await page.locator('#f-timeZone').fill('Asia/Hong_Kong');
    await submit(page, page.locator('form[action="/console/settings/organization"] button'));
    expect(await textOf(page.locator('.flash'))).toBe('时区与语言已保存。');
    api = await h.http().get('/api/v1/organization/reminders').set('Authorization', orgA.bearer);
    expect(api.body.timeZone).toBe('Asia/Hong_Kong');
    await check(page, 'settings-organization');
    const [changed] = await auditEvents('organization.settings_changed');
    expect(changed).toMatchObject({
      actorType: 'user',
      before: { timeZone: 'Asia/Shanghai', locale: 'zh-CN' },
      after: { timeZone: 'Asia/Hong_Kong', locale: 'zh-CN' },
    });
    // Back, so the other tests' dates stay in Shanghai's zone.
    await page.locator('#f-timeZone').fill('Asia/Shanghai');
    await submit(page, page.locator('form[action="/console/settings/organization"] button'));
    await context.close();
  }, 240_000);

  it('shows the overridable catalogue facts and saves an override the API then reports', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/settings/catalogue`);
    await check(page, 'settings-catalogue');
    const api = await h
      .http()
      .get('/api/v1/organization/catalogue-overrides')
      .set('Authorization', orgA.bearer)
      .expect(200);
    const overridable = api.body.overridable as { code: string; applyBy?: unknown }[];
    expect(overridable.length).toBeGreaterThan(0);
    expect(await page.locator('table.overrides tbody tr').count()).toBe(overridable.length);
    const target = overridable.find((o) => o.applyBy)!;
    await page.locator(`[id="f-${target.code}-applyBy-amount"]`).fill('abc');
    const [bad] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('form[action="/console/settings/catalogue"] button[type=submit]').click(),
    ]);
    expect(bad!.status()).toBe(400);
    expect(await textOf(page.locator(`[id="f-${target.code}-applyBy-amount-error"]`))).toBe(
      '必须是 0 到 3650 之间的整数',
    );
    await page.locator(`[id="f-${target.code}-applyBy-amount"]`).fill('45');
    await page.locator(`[id="f-${target.code}-applyBy-unit"]`).selectOption('days');
    await submit(page, page.locator('form[action="/console/settings/catalogue"] button[type=submit]'));
    expect(await textOf(page.locator('.flash'))).toBe('目录事实覆盖已保存，截止事项已重新计算。');
    const after = await h
      .http()
      .get('/api/v1/organization/catalogue-overrides')
      .set('Authorization', orgA.bearer)
      .expect(200);
    expect(after.body.overrides).toEqual({ [target.code]: { applyBy: { amount: 45, unit: 'days' } } });
    const [changed] = await auditEvents('organization.catalogue_overrides_changed');
    expect(changed).toMatchObject({ actorType: 'user', actorLabel: 'admin <admin@kangning-test.cn>' });
    await context.close();
  }, 240_000);

  it('keeps a person’s language on the user, so it follows them to a new browser', async () => {
    const first = await signedIn(admin, 'zh-CN');
    expect(await textOf(first.page.locator('h1'))).toBe('概览');
    await submit(first.page, first.page.locator('a[href^="/console/language?to=en"]'));
    expect(await textOf(first.page.locator('h1'))).toBe('Overview');
    await first.context.close();
    // Another browser, asking for Chinese, with no language cookie: the person's choice wins.
    const second = await signedIn(admin, 'zh-CN');
    expect(await textOf(second.page.locator('h1'))).toBe('Overview');
    await second.page.goto(`${h.baseUrl}/console/settings`);
    expect(await textOf(second.page.locator('h1'))).toBe('Settings');
    await check(second.page, 'settings-en');
    await submit(second.page, second.page.locator('a[href^="/console/language?to=zh-CN"]'));
    expect(await textOf(second.page.locator('h1'))).toBe('设置');
    await second.context.close();
    // Before sign-in, the cookie alone decides.
    const anonymous = await newContext(browser, 'en');
    const page = await anonymous.newPage();
    await page.goto(`${h.baseUrl}/console/sign-in`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await anonymous.close();
  }, 240_000);
});

describe('roles', () => {
  it('shows viewers and managers no admin settings and refuses their forged POSTs with 403', async () => {
    for (const who of [viewer, manager]) {
      const { context, page } = await signedIn(who);
      expect(await page.locator('nav.main a[href="/console/settings"]').count()).toBe(0);
      expect(await page.locator('nav.main a[href="/console/people"]').count()).toBe(0);
      expect(await page.locator('nav.main a[href="/console/exports"]').count()).toBe(1);
      for (const url of [
        '/console/settings',
        '/console/settings/api-keys',
        '/console/settings/reminders',
        '/console/settings/organization',
        '/console/settings/catalogue',
      ]) {
        expect({ url, status: (await page.goto(`${h.baseUrl}${url}`))!.status() }).toEqual({
          url,
          status: 403,
        });
      }
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const members = await h.app.get(PeopleService).members(orgA.ctx);
      const adminId = members.find((m) => m.email === admin.email)!.id;
      const forged: [string, Record<string, string>][] = [
        ['/console/settings/api-keys', { name: 'forged' }],
        [
          '/console/settings/reminders/ladder',
          { rows: '1', code_0: 'x', offset_0: '-1', roles_0: 'operator' },
        ],
        ['/console/settings/organization', { timeZone: 'Europe/Berlin', locale: 'en' }],
        ['/console/settings/catalogue', {}],
        ['/console/calendar-feeds', {}],
        [`/console/people/${adminId}/role`, { role: 'viewer' }],
        [`/console/people/${adminId}/remove`, {}],
      ];
      for (const [url, form] of forged) {
        const res = await page.request.post(`${h.baseUrl}${url}`, { form: { _csrf: csrf, ...form } });
        expect({ url, status: res.status() }).toEqual({ url, status: 403 });
      }
      await context.close();
    }
    // Nothing of it happened.
    const api = await h.http().get('/api/v1/organization/reminders').set('Authorization', orgA.bearer);
    expect(api.body.timeZone).toBe('Asia/Shanghai');
    expect(await auditEvents('api_key.created')).toHaveLength(1);
  }, 240_000);

  it('refuses catalogue overrides from a person who is not an admin in the service itself', async () => {
    const service = h.app.get(CatalogueOverridesService);
    const ctx = { ...orgA.ctx, actorType: 'user' as const, actorId: null, role: 'manager' as const };
    await expect(service.replace(ctx, {})).rejects.toMatchObject({ status: 403 });
    // An API key acts for the whole organization.
    await h
      .http()
      .put('/api/v1/organization/catalogue-overrides')
      .set('Authorization', orgB.bearer)
      .send({})
      .expect(200);
  }, 30_000);

  it('writes axe results for every new page', () => {
    expect(findings).toEqual([]);
  });
});
