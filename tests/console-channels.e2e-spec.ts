import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { FixedClock } from '../libs/common/src/clock.js';
import { generateSecretKey } from '../libs/common/src/secret-box.js';
import { contactBody } from './factories/registry.factory.js';
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
import { FakeWecom } from './support/fakes/wecom.fake.js';

/**
 * The chat-channel pages and each contact's choice of immediate mails or the daily digest, in a real
 * browser against the real app and PostgreSQL, with the WeCom robot played by a fake that checks the
 * documented protocol (path, key, Content-Type, JSON shape).
 */
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));
const wecom = new FakeWecom(() => clock.now().getTime());
const KEY = `k${randomBytes(16).toString('hex')}`; // the robot's key: write-only once saved
const WECOM_URL = `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`;
let h: ConsoleHarness;
let browser: Browser;
let db: DataSource;
let org: ConsoleOrg;
let admin: { email: string; password: string };
let manager: { email: string; password: string };
let viewer: { email: string; password: string };
let contactId: string;
const findings: AxeFinding[] = [];
const shots: string[] = [];
/** Every channel page's HTML the admin saw after creating the channel: none may contain the key. */
const htmlSeen: string[] = [];

async function submit(page: Page, target: Locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.first().click()]);
  htmlSeen.push(await page.content());
}

async function textOf(target: Locator): Promise<string> {
  return (await target.first().innerText()).trim();
}

async function check(page: Page, name: string) {
  findings.push(...(await seriousViolations(page, name)));
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect([name, overflow]).toEqual([name, 0]);
  await screenshots(page, name);
  shots.push(name);
}

async function signedIn(who: {
  email: string;
  password: string;
}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await person.signIn(page, h.baseUrl, who);
  return { context, page };
}

const api = (method: 'get' | 'post', path: string) => h.http()[method](path).set('Authorization', org.bearer);

async function channels(): Promise<{ id: string; name: string; status: string; target: string }[]> {
  return (await api('get', '/api/v1/channels').expect(200)).body.items;
}

async function audits(action: string): Promise<{ actor_label: string; entity_id: string }[]> {
  return db.query(
    `SELECT actor_label, entity_id FROM audit_events WHERE organization_id = $1 AND action = $2 ORDER BY id`,
    [org.id, action],
  );
}

beforeAll(async () => {
  await wecom.addKey(KEY).start();
  h = await ConsoleHarness.start(clock, {
    SECRETS_KEY: generateSecretKey(),
    WECOM_API_BASE_URL: wecom.baseUrl,
    OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
    CHANNEL_TIMEOUT_MS: '5000',
  });
  db = h.app.get(DataSource);
  browser = await launchBrowser();
  org = await h.createOrg('康宁测试集团');
  admin = await h.person(org, 'li.admin@kangning-test.cn', 'admin');
  manager = await h.person(org, 'wang.manager@kangning-test.cn', 'manager');
  viewer = await h.person(org, 'zhao.viewer@kangning-test.cn', 'viewer');
  const contact = await api('post', '/api/v1/contacts')
    .send(contactBody({ name: '陈静', email: 'chen.jing@kangning-test.cn', role: 'operator' }))
    .expect(201);
  contactId = contact.body.id;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await wecom.stop();
});

describe('chat channels in the console', () => {
  it('adds a WeCom channel, never shows its key again, and refuses a bad URL beside the field', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/channels`);
    expect(await textOf(page.locator('main'))).toContain('还没有添加任何渠道');
    await submit(page, page.locator('a', { hasText: '添加企业微信渠道' }));
    // A URL on another host: refused beside the field, the name kept, nothing saved.
    await page.locator('#f-name').fill('合规群');
    await page.locator('#f-url').fill(`https://example.com/cgi-bin/webhook/send?key=${KEY}`);
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(await textOf(page.locator('#f-url-error'))).toBe(
      '必须是企业微信群机器人的地址 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
    );
    expect(await page.locator('#f-url').getAttribute('aria-describedby')).toContain('f-url-error');
    expect(await page.locator('#f-name').inputValue()).toBe('合规群');
    expect(await channels()).toEqual([]);
    expect(await audits('channel.created')).toEqual([]);
    await check(page, 'channel-new-errors');
    htmlSeen.length = 0; // that page was before creation and echoes what was typed
    // No role ticked: refused beside the roles.
    for (const box of await page.locator('input[name=roles]').all()) await box.uncheck();
    await page.locator('#f-url').fill(WECOM_URL);
    await Promise.all([page.waitForNavigation(), page.locator('form.stack button[type=submit]').click()]);
    expect(await textOf(page.locator('fieldset .error'))).toBe('请至少选择一个角色');
    expect(await channels()).toEqual([]);
    await page.locator('input[name=roles][value=manager]').check();
    await page.locator('input[name=roles][value=executive]').check();
    await page.locator('#f-url').fill(WECOM_URL);
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(await textOf(page.locator('.flash'))).toBe('渠道已添加。');
    const row = page.locator('tr', { hasText: '合规群' });
    expect(await textOf(row)).toContain('企业微信');
    expect(await textOf(row)).toContain('启用');
    expect(await textOf(row)).toContain('负责人、高管');
    expect(await textOf(row)).toContain('整个机构');
    expect(await textOf(row)).toContain('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****');
    const saved = await channels();
    expect(saved.map((c) => [c.name, c.status])).toEqual([['合规群', 'active']]);
    await page.goto(`${h.baseUrl}/console/channels/${saved[0].id}/delete`);
    htmlSeen.push(await page.content());
    await page.goto(`${h.baseUrl}/console/channels`);
    htmlSeen.push(await page.content());
    await check(page, 'channels');
    expect(htmlSeen.length).toBeGreaterThanOrEqual(3);
    for (const text of htmlSeen) expect(text.includes(KEY)).toBe(false);
    const [created] = await audits('channel.created');
    expect(created.actor_label).toBe('li.admin <li.admin@kangning-test.cn>');
    await context.close();
  }, 120_000);

  it('asks DingTalk for its signing secret and never sends a refused secret back to the page', async () => {
    const { context, page } = await signedIn(admin);
    const before = await channels();
    await page.goto(`${h.baseUrl}/console/channels/new?kind=dingtalk`);
    expect(await textOf(page.locator('h1'))).toBe('添加钉钉渠道');
    await page.locator('#f-name').fill('钉钉合规群');
    await page
      .locator('#f-url')
      .fill(`https://oapi.dingtalk.com/robot/send?access_token=${randomBytes(16).toString('hex')}`);
    const wrongSecret = `SEC-not-hex-${randomBytes(8).toString('hex')}`;
    await page.locator('#f-secret').fill(wrongSecret);
    await Promise.all([page.waitForNavigation(), page.locator('form.stack button[type=submit]').click()]);
    expect(await textOf(page.locator('#f-secret-error'))).toBe('必须是机器人的加签密钥：SEC 加十六进制字符');
    expect(await page.locator('#f-secret').inputValue()).toBe('');
    expect(await page.content()).not.toContain(wrongSecret);
    expect(await page.locator('#f-name').inputValue()).toBe('钉钉合规群');
    expect(await channels()).toEqual(before);
    await check(page, 'channel-new-dingtalk-errors');
    await context.close();
  }, 60_000);

  it('sends one test message through the robot and shows the platform answer', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/channels`);
    await submit(
      page,
      page.locator('tr', { hasText: '合规群' }).getByRole('button', { name: '发送测试消息' }),
    );
    expect(await textOf(page.locator('#test-answer'))).toBe('测试消息已送达。 平台答复：0 ok');
    expect(wecom.violations).toEqual([]);
    expect(wecom.received).toHaveLength(1);
    const seen = wecom.received[0];
    expect(seen.path).toBe('/cgi-bin/webhook/send');
    expect(seen.query.get('key')).toBe(KEY);
    const body = seen.body as { msgtype: string; markdown: { content: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toContain('康宁测试集团');
    expect(await page.content()).not.toContain(KEY);
    await check(page, 'channels-tested');
    const [tested] = await audits('channel.tested');
    expect(tested.actor_label).toBe('li.admin <li.admin@kangning-test.cn>');
    await context.close();
  }, 60_000);

  it('pauses, resumes and removes (after a confirmation), each audited with the person', async () => {
    const { context, page } = await signedIn(admin);
    const [{ id }] = await channels();
    await page.goto(`${h.baseUrl}/console/channels`);
    const row = () => page.locator(`#channel-${id}`);
    await submit(page, row().getByRole('button', { name: '暂停' }));
    expect(await textOf(page.locator('.flash'))).toBe('渠道已暂停。');
    expect(await textOf(row())).toContain('已暂停');
    expect(await textOf(row())).toContain('paused by li.admin <li.admin@kangning-test.cn>');
    expect((await channels())[0].status).toBe('paused');
    await submit(page, row().getByRole('button', { name: '恢复' }));
    expect(await textOf(page.locator('.flash'))).toBe('渠道已恢复，等待中的消息将陆续发出。');
    expect((await channels())[0].status).toBe('active');
    await submit(page, row().locator('a', { hasText: '删除' }));
    expect(await textOf(page.locator('h1'))).toBe('删除渠道：合规群');
    await check(page, 'channel-delete-confirm');
    // Cancel keeps it.
    await submit(page, page.locator('main a', { hasText: '取消' }));
    expect(await channels()).toHaveLength(1);
    await submit(page, row().locator('a', { hasText: '删除' }));
    await submit(page, page.getByRole('button', { name: '确认删除' }));
    expect(await textOf(page.locator('.flash'))).toBe('渠道已删除。');
    expect(await channels()).toEqual([]);
    await api('get', `/api/v1/channels/${id}`).expect(404);
    const label = 'li.admin <li.admin@kangning-test.cn>';
    for (const action of ['channel.paused', 'channel.resumed', 'channel.deleted'])
      expect([action, await audits(action)]).toEqual([action, [{ actor_label: label, entity_id: id }]]);
    await context.close();
  }, 60_000);

  it('switches a contact to the daily digest, shown on the list and read back from the API', async () => {
    const { context, page } = await signedIn(admin);
    await page.goto(`${h.baseUrl}/console/contacts`);
    const row = page.locator('tr', { hasText: 'chen.jing@kangning-test.cn' });
    expect(await textOf(row)).toContain('逐条发送');
    await submit(page, row.locator('a', { hasText: '编辑' }));
    expect(await page.locator('#f-reminderMode').inputValue()).toBe('immediate');
    expect(await page.locator('#f-digestHour').inputValue()).toBe('');
    await page.locator('#f-reminderMode').selectOption('digest');
    await page.locator('#f-digestHour').selectOption('7');
    await check(page, 'contact-edit-digest');
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(await textOf(page.locator('.flash'))).toBe('联系人已保存。');
    expect(await textOf(row)).toContain('每日汇总，07:00');
    const back = (await api('get', `/api/v1/contacts/${contactId}`).expect(200)).body;
    expect([back.reminderMode, back.digestHour]).toEqual(['digest', 7]);
    const [updated] = await db.query<{ actor_label: string; after: { reminderMode: string } }[]>(
      `SELECT actor_label, after FROM audit_events WHERE organization_id = $1 AND action = 'contact.updated' ORDER BY id DESC LIMIT 1`,
      [org.id],
    );
    expect([updated.actor_label, updated.after.reminderMode]).toEqual([
      'li.admin <li.admin@kangning-test.cn>',
      'digest',
    ]);
    // A forged hour is refused beside the field, in Chinese, and changes nothing.
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const bad = await page.request.post(`${h.baseUrl}/console/contacts/${contactId}`, {
      form: {
        _csrf: csrf,
        name: '陈静',
        email: 'chen.jing@kangning-test.cn',
        role: 'operator',
        locale: 'zh-CN',
        reminderMode: 'digest',
        digestHour: '24',
      },
    });
    expect(bad.status()).toBe(400);
    expect(await bad.text()).toMatch(/id="f-digestHour-error">必须是 0 至 23 的整点</);
    // Back to the organization's hour: the default option posts nothing.
    await page.goto(`${h.baseUrl}/console/contacts/${contactId}/edit`);
    await page.locator('#f-digestHour').selectOption('');
    await submit(page, page.locator('form.stack button[type=submit]'));
    expect(await textOf(row)).toContain('每日汇总，机构默认时间（09:00）');
    const again = (await api('get', `/api/v1/contacts/${contactId}`).expect(200)).body;
    expect([again.reminderMode, again.digestHour]).toEqual(['digest', null]);
    await check(page, 'contacts-digest');
    await context.close();
  }, 90_000);

  it('shows a manager no write buttons, keeps a viewer out, and refuses their forged POSTs with 403', async () => {
    const made = (
      await api('post', '/api/v1/channels')
        .send({ kind: 'wecom', name: '值班群', url: WECOM_URL })
        .expect(201)
    ).body as { id: string };
    const m = await signedIn(manager);
    await m.page.goto(`${h.baseUrl}/console/channels`);
    expect(await textOf(m.page.locator('tr', { hasText: '值班群' }))).toContain('企业微信');
    expect(await m.page.locator('main form').count()).toBe(0);
    expect(await m.page.locator('a[href^="/console/channels/new"]').count()).toBe(0);
    expect(await m.page.locator(`a[href$="/delete"]`).count()).toBe(0);
    expect(await m.page.content()).not.toContain(KEY);
    await check(m.page, 'channels-manager');
    const v = await signedIn(viewer);
    expect(await v.page.locator('nav.main a[href="/console/channels"]').count()).toBe(0);
    expect((await v.page.goto(`${h.baseUrl}/console/channels`))!.status()).toBe(403);
    for (const s of [m, v]) {
      await s.page.goto(`${h.baseUrl}/console`);
      const csrf = await s.page.locator('input[name=_csrf]').first().inputValue();
      const forged: [string, Record<string, string>][] = [
        ['/console/channels', { kind: 'wecom', name: 'x', url: WECOM_URL, roles: 'operator' }],
        [`/console/channels/${made.id}/test`, {}],
        [`/console/channels/${made.id}/pause`, {}],
        [`/console/channels/${made.id}/resume`, {}],
        [`/console/channels/${made.id}/delete`, {}],
      ];
      for (const [url, form] of forged) {
        const res = await s.page.request.post(`${h.baseUrl}${url}`, { form: { _csrf: csrf, ...form } });
        expect([url, res.status()]).toEqual([url, 403]);
      }
      await s.context.close();
    }
    expect((await channels()).map((c) => [c.name, c.status])).toEqual([['值班群', 'active']]);
    expect(wecom.received).toHaveLength(1);
  }, 90_000);

  it('finds no serious or critical accessibility violation on the new pages', () => {
    expect(shots.sort()).toEqual(
      [
        'channel-delete-confirm',
        'channel-new-dingtalk-errors',
        'channel-new-errors',
        'channels',
        'channels-manager',
        'channels-tested',
        'contact-edit-digest',
        'contacts-digest',
      ].sort(),
    );
    expect(findings).toEqual([]);
  });
});
