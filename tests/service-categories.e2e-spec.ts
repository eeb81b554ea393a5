import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PeopleService } from '../libs/people/src/people.service.js';
import { appId, creditCode, miniProgramBody } from './factories/registry.factory.js';
import { ConsoleSession } from './support/console-session.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

/**
 * A service category no catalogue entry maps is accepted (WeChat publishes no fixed list, so a refusal would
 * stop owners recording what WeChat shows them) but flagged everywhere the owner looks: the API response, the
 * CSV import's answer and the console page, each with the catalogue paths they may have meant.
 */
let t: TestApp;
let org: TestOrg;
const PASSWORD = 'correct horse battery staple 42';

beforeAll(async () => {
  t = await startTestApp();
  org = await t.createOrg('类目测试');
});
afterAll(() => t.close());

const api = () => ({
  post: (path: string, body: unknown) =>
    t
      .http()
      .post(path)
      .set('Authorization', org.bearer)
      .send(body as object),
  patch: (path: string, body: unknown) =>
    t
      .http()
      .patch(path)
      .set('Authorization', org.bearer)
      .send(body as object),
  get: (path: string) => t.http().get(path).set('Authorization', org.bearer),
});

const UNKNOWN = {
  rule: 'unknown_service_category',
  message: 'unknown service category: the qualifications it needs cannot be judged',
};

describe('service categories the catalogue does not know', () => {
  it('are stored, and every answer names the position, the rule and the near matches', async () => {
    const created = await api()
      .post(
        '/api/v1/mini-programs',
        miniProgramBody({ serviceCategories: ['医疗 > 互联网医院', '金融 > 支付', '旅游 > 酒店服务'] }),
      )
      .expect(201);
    expect(created.body.serviceCategories).toEqual(['医疗 > 互联网医院', '金融 > 支付', '旅游 > 酒店服务']);
    const expected = [
      { field: 'serviceCategories[1]', value: '金融 > 支付', ...UNKNOWN, nearMatches: ['金融业 > 支付'] },
      { field: 'serviceCategories[2]', value: '旅游 > 酒店服务', ...UNKNOWN, nearMatches: [] },
    ];
    expect(created.body.warnings).toEqual(expected);

    const read = await api().get(`/api/v1/mini-programs/${created.body.id}`).expect(200);
    expect(read.body.warnings).toEqual(expected);
    const listed = await api().get('/api/v1/mini-programs?limit=50').expect(200);
    expect(listed.body.items.find((i: { id: string }) => i.id === created.body.id).warnings).toEqual(
      expected,
    );

    // The known category still brings its requirements; fixing the typo clears its warning.
    const fixed = await api()
      .patch(`/api/v1/mini-programs/${created.body.id}`, {
        serviceCategories: ['医疗 > 互联网医院', '金融业 > 支付'],
      })
      .expect(200);
    expect(fixed.body.warnings).toEqual([]);
    const compliance = await api().get(`/api/v1/mini-programs/${created.body.id}/compliance`).expect(200);
    expect(compliance.body.items.map((i: { requirementCode: string }) => i.requirementCode)).toEqual(
      expect.arrayContaining(['internet_hospital', 'payment_business_licence']),
    );
  });

  it('a mini-program whose categories are all mapped has no warning', async () => {
    const res = await api()
      .post('/api/v1/mini-programs', miniProgramBody({ serviceCategories: ['餐饮 > 外卖', '游戏'] }))
      .expect(201);
    expect(res.body.warnings).toEqual([]);
  });

  it('a malformed category is still refused with a 400 naming the item and the rule', async () => {
    const res = await api()
      .post('/api/v1/mini-programs', miniProgramBody({ serviceCategories: ['医疗', '医疗>互联网医院'] }))
      .expect(400);
    expect(res.body.problems).toEqual([
      { field: 'serviceCategories[1]', rule: expect.stringMatching(/levels joined by ' > '/) },
    ]);
  });

  it('the CSV import writes the rows and lists each unknown category with its line', async () => {
    const header = 'app_id,name,owner_name,owner_credit_code,service_categories';
    const csv = [
      header,
      `${appId()},类目一,深圳类目科技有限公司,${creditCode()},医疗 > 药品信息`,
      `${appId()},类目二,深圳类目科技有限公司,${creditCode()},教育 > 培训机购;餐饮`,
      `${appId()},类目三,深圳类目科技有限公司,${creditCode()},医疗`,
    ].join('\n');
    const res = await t
      .http()
      .post('/api/v1/mini-programs/import')
      .set('Authorization', org.bearer)
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(csv))
      .expect(201);
    expect(res.body.imported).toBe(3);
    expect(res.body.warnings).toEqual([
      {
        line: 3,
        column: 'service_categories',
        value: '教育 > 培训机购',
        rule: 'unknown_service_category',
        nearMatches: ['教育 > 培训机构', '教育 > 民办学校'],
      },
      {
        line: 4,
        column: 'service_categories',
        value: '医疗',
        rule: 'unknown_service_category',
        nearMatches: ['医疗 > 医疗器械', '医疗 > 医疗机构', '医疗 > 药品信息'],
      },
    ]);
  });

  it('the console says it in Chinese on the mini-program page and after an import', async () => {
    const people = t.app.get(PeopleService);
    const ctx = {
      organizationId: org.id,
      timeZone: 'Asia/Shanghai',
      locale: 'zh-CN' as const,
      actorType: 'cli' as const,
      actorId: null,
      actorLabel: 'test setup',
    };
    const { link } = await people.invite(
      ctx,
      { email: 'op@categories.test', role: 'operator' },
      { mail: false },
    );
    await people.accept(link.split('/').pop()!, 'invite', { name: '类目操作员', password: PASSWORD });
    const session = await new ConsoleSession(t.http).signIn('op@categories.test', PASSWORD);

    const mp = await api()
      .post('/api/v1/mini-programs', miniProgramBody({ serviceCategories: ['金融 > 支付'] }))
      .expect(201);
    const page = await session.get(`/console/mini-programs/${mp.body.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-warning="unknown_service_category"');
    expect(page.text).toContain('服务类目「金融 &gt; 支付」：类目未知，无法判断所需资质。');
    expect(page.text).toContain('是否想填：金融业 &gt; 支付？');

    const clean = await api()
      .post('/api/v1/mini-programs', miniProgramBody({ serviceCategories: ['医疗 > 互联网医院'] }))
      .expect(201);
    expect((await session.get(`/console/mini-programs/${clean.body.id}`)).text).not.toContain(
      'data-warning="unknown_service_category"',
    );

    const csv = `app_id,name,owner_name,owner_credit_code,service_categories\n${appId()},控制台导入,深圳类目科技有限公司,${creditCode()},Games\n`;
    const imported = await t
      .http()
      .post(`/console/mini-programs/import?_csrf=${encodeURIComponent(session.csrf)}`)
      .set('Cookie', [...session.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
      .attach('file', Buffer.from(csv), { filename: 'mp.csv', contentType: 'text/csv' })
      .expect(200);
    expect(imported.text).toContain('以下服务类目已导入，但类目未知，无法判断所需资质：');
    expect(imported.text).toMatch(/行\s*2 — Games/);
  });
});
