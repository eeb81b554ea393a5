import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { FixedClock } from '../libs/common/src/clock.js';
import { ComplianceGaps } from '../libs/console/src/compliance-gaps.service.js';
import { ConsoleQueries } from '../libs/console/src/console-queries.service.js';
import { SessionService } from '../libs/people/src/session.service.js';
import { creditCode, miniProgramBody } from './factories/registry.factory.js';
import { ConsoleHarness, type ConsoleOrg } from './support/console-browser.js';

/**
 * What the console's pages promise once an organization is large (issue #15): compliance gaps over every
 * mini-program with a true total, search anywhere in a name (Chinese too), and a deadline count that says
 * when it stopped counting. Pages are read over HTTP with a session cookie; no browser is needed for them.
 */
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z')); // 2026-11-25, 10:00 in Shanghai
let h: ConsoleHarness;
let org: ConsoleOrg;
let cookie: string;

const COMPLIANT = 600;
const HEADER =
  'app_id,name,owner_name,owner_credit_code,service_categories,features,vendor_name,certification_expires_on,icp_filing_number,server_domains';
let serial = 0;
function row(name: string, category: string, certifiedTo: string, filing = true): string {
  const n = ++serial;
  return [
    `wx${n.toString(16).padStart(16, '0')}`,
    name,
    '广州测试科技有限公司',
    creditCode(),
    category,
    '',
    '',
    certifiedTo,
    filing ? `粤ICP备${2024000000 + n}号-1` : '',
    `api${n}.example-test.cn`,
  ].join(',');
}

async function page(path: string): Promise<string> {
  const res = await h.http().get(path).set('Cookie', cookie).expect(200);
  return res.text;
}

beforeAll(async () => {
  h = await ConsoleHarness.start(clock);
  org = await h.createOrg('规模测试集团');
  // 600 compliant mini-programs (a department store needs only the annual review and the ICP filing),
  // then 13 with a gap, each counted by hand:
  // 缺口 01-06: no certification → 1 missing; 缺口 07-12: certification expired 2026-10-01 → 1 expired;
  // 缺口 13: a restaurant whose only food licence expired 2026-01-01 → 1 expired.
  // 合规 餐饮: the same restaurant, with a second licence valid to 2028 → no gap (the longest-lasting counts).
  const lines = [HEADER];
  for (let i = 0; i < COMPLIANT; i++)
    lines.push(row(`合规 ${String(i).padStart(4, '0')}`, '商家自营 > 百货', '2027-06-30'));
  for (let i = 1; i <= 6; i++) lines.push(row(`缺口 ${String(i).padStart(2, '0')}`, '商家自营 > 百货', ''));
  for (let i = 7; i <= 12; i++)
    lines.push(row(`缺口 ${String(i).padStart(2, '0')}`, '商家自营 > 百货', '2026-10-01'));
  lines.push(row('缺口 13', '餐饮 > 点餐平台', '2027-06-30'));
  lines.push(row('合规 餐饮', '餐饮 > 点餐平台', '2027-06-30'));
  lines.push(row('康宁互联网医院', '商家自营 > 百货', '2027-06-30'));
  lines.push(row('北京协和测试', '商家自营 > 百货', '2027-06-30'));
  await h
    .http()
    .post('/api/v1/mini-programs/import')
    .set('Authorization', org.bearer)
    .set('Content-Type', 'text/csv; charset=utf-8')
    .send(lines.join('\n') + '\n')
    .expect(201);
  const db = h.app.get(DataSource);
  const ids = Object.fromEntries(
    (
      await db.query<{ id: string; name: string }[]>(
        `SELECT id, name FROM mini_programs WHERE organization_id = $1 AND name IN ('缺口 13', '合规 餐饮')`,
        [org.id],
      )
    ).map((r) => [r.name, r.id]),
  );
  const licence = (id: string, expiresOn: string) =>
    h
      .http()
      .post(`/api/v1/mini-programs/${id}/qualifications`)
      .set('Authorization', org.bearer)
      .send({
        requirementCode: 'food_business_licence',
        number: `JY${expiresOn.replace(/-/g, '')}`,
        expiresOn,
      })
      .expect(201);
  await licence(ids['缺口 13'], '2026-01-01');
  await licence(ids['合规 餐饮'], '2026-01-01');
  await licence(ids['合规 餐饮'], '2028-01-01');

  const admin = await h.person(org, 'admin@scale-test.cn', 'admin');
  const [user] = await db.query<{ id: string }[]>(`SELECT id FROM users WHERE email = $1`, [admin.email]);
  cookie = `mpg_session=${await h.app.get(SessionService).start(user.id, org.id, '127.0.0.1')}`;
}, 180_000);

afterAll(async () => {
  await h?.close();
});

describe('console at scale', () => {
  it('judges compliance gaps over every mini-program, not only the first 500', async () => {
    const { gaps, total } = await h.app.get(ConsoleQueries).complianceGaps(org.ctx, 100);
    expect(total).toBe(13);
    expect(gaps.map((g) => [g.name, g.missing, g.expired])).toEqual([
      ['缺口 01', 1, 0],
      ['缺口 02', 1, 0],
      ['缺口 03', 1, 0],
      ['缺口 04', 1, 0],
      ['缺口 05', 1, 0],
      ['缺口 06', 1, 0],
      ['缺口 07', 0, 1],
      ['缺口 08', 0, 1],
      ['缺口 09', 0, 1],
      ['缺口 10', 0, 1],
      ['缺口 11', 0, 1],
      ['缺口 12', 0, 1],
      ['缺口 13', 0, 1],
    ]);
  });

  it('shows the first gaps by name on the overview and says how many there are in all', async () => {
    const html = await page('/console');
    // The gaps section only (the next deadlines above it name mini-programs too).
    const section = html.slice(html.indexOf('<h2>合规缺口</h2>'), html.indexOf('<h2>不可用的服务商</h2>'));
    const listed = [...section.matchAll(/<a href="\/console\/mini-programs\/[^"]+">([^<]+)<\/a>/g)].map(
      (m) => m[1],
    );
    expect(listed).toEqual([
      '缺口 01',
      '缺口 02',
      '缺口 03',
      '缺口 04',
      '缺口 05',
      '缺口 06',
      '缺口 07',
      '缺口 08',
    ]);
    expect(section).toContain('共 13 个小程序有缺口，按名称列出前 8 个。');
  });

  it.each([
    ['the middle of a Chinese name', '互联网', ['康宁互联网医院'], ['北京协和测试']],
    ['two characters inside a name', '协和', ['北京协和测试'], ['康宁互联网医院']],
  ])('finds mini-programs by %s', async (_what, q, found, absent) => {
    const html = await page(`/console/mini-programs?q=${encodeURIComponent(q)}`);
    for (const name of found) expect(html).toContain(name);
    for (const name of absent) expect(html).not.toContain(name);
  });

  it('finds a mini-program by the middle of its AppID', async () => {
    // 康宁互联网医院 is the file's 615th row: its AppID is wx0000000000000267 (615 in hexadecimal).
    const html = await page(`/console/mini-programs?q=${encodeURIComponent('0267')}`);
    expect(html).toContain('康宁互联网医院');
    expect(html).not.toContain('北京协和测试');
  });
});

describe('searches of one or two characters', () => {
  // An organization of its own, every piece found by reading the three rows below:
  // 'ce', 'CE' and 'x3' are in the third AppID only (the other two are all 1s and all 2s) and in no name
  // or owner; '文化' only in the first owner, '川' only in the second; '点餐' only in the second
  // name (its owner has 捞餐 and 餐饮), '具' only in the first.
  let small: ConsoleOrg;
  beforeAll(async () => {
    small = await h.createOrg('短搜索测试');
    for (const [appId, name, ownerName] of [
      ['wx1111111111111111', '晨光文具', '上海晨光文化有限公司'],
      ['wx2222222222222222', '海底捞点餐', '四川海底捞餐饮股份有限公司'],
      ['wx33333333333333ce', '便利店', '深圳便利店有限公司'],
    ])
      await h
        .http()
        .post('/api/v1/mini-programs')
        .set('Authorization', small.bearer)
        .send(miniProgramBody({ appId, name, ownerName }))
        .expect(201);
  });

  it.each([
    ['two hex digits of one AppID', 'ce', ['便利店']],
    ['the same in capitals', 'CE', ['便利店']],
    ['x and a digit of one AppID', 'x3', ['便利店']],
    ['two characters of an owner', '文化', ['晨光文具']],
    ['one character of an owner', '川', ['海底捞点餐']],
    ['two characters of a name', '点餐', ['海底捞点餐']],
    ['one character of a name', '具', ['晨光文具']],
  ])('finds a mini-program by %s (%s)', async (_what, q, found) => {
    const res = await h
      .http()
      .get(`/api/v1/mini-programs?q=${encodeURIComponent(q)}`)
      .set('Authorization', small.bearer)
      .expect(200);
    expect((res.body as { items: { name: string }[] }).items.map((i) => i.name)).toEqual(found);
  });

  it('reads the index of name and owner pieces for a rare two-character Chinese search', async () => {
    const db = h.app.get(DataSource);
    // VACUUM as well: until it folds the rows just written into the GIN index, the planner charges every
    // scan of that index for its whole pending list, and at this size chose to read every row instead.
    await db.query('VACUUM ANALYZE mini_programs');
    const query = jest.spyOn(db, 'query');
    try {
      await page(`/console/mini-programs?q=${encodeURIComponent('协和')}`);
      const list = query.mock.calls.find(([sql]) => /^SELECT mp\.id\b[\s\S]*ORDER BY/.test(sql));
      if (!list) throw new Error('the list query was not sent');
      const [sql, params] = list;
      query.mockRestore();
      const plan = await db.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`, params);
      expect(plan.map((line) => line['QUERY PLAN']).join('\n')).toContain('mini_programs_name_grams_idx');
    } finally {
      query.mockRestore();
    }
  });
});

describe('the deadline list past 10,000', () => {
  beforeAll(async () => {
    // 10,050 more live custom deadlines, written directly: the count is what is under test, not how they came.
    await h.app.get(DataSource).query(
      `INSERT INTO deadlines (organization_id, kind, subject_key, cycle_key, title, due_on, window_opens_on,
                              apply_by, act_by)
       SELECT $1, 'custom', 'custom:bulk-' || i, '2027-03-01', '批量事项 ' || i, date '2027-03-01',
              date '2027-02-01', date '2027-02-20', date '2027-02-20'
         FROM generate_series(1, 10050) AS i`,
      [org.id],
    );
  }, 60_000);

  it('counts up to 10,000 and says so, with a next page', async () => {
    const res = await h.http().get('/api/v1/deadlines?limit=50').set('Authorization', org.bearer).expect(200);
    expect(res.body.page).toMatchObject({ total: 10_001, totalIsExact: false, offset: 0 });
    expect(res.body.page.next).toContain('offset=50');
    const html = await page('/console/deadlines');
    expect(html).toContain('第 1–50 条，共 10000 条以上');
    expect(html).toContain('事项最多计数到 10,000 条');
  });

  it('counts exactly once the page reaches past the cap', async () => {
    // Filtered to the custom kind there are exactly 10,050: at offset 10,000 the count is capped at
    // 10,051, which is past them all, so it is exact and there is no next page.
    const custom = await h
      .http()
      .get('/api/v1/deadlines?kind=custom&limit=50&offset=10000')
      .set('Authorization', org.bearer)
      .expect(200);
    expect(custom.body.page).toMatchObject({ total: 10_050, totalIsExact: true, next: null });
    expect(custom.body.items).toHaveLength(50);
    const small = await h
      .http()
      .get('/api/v1/deadlines?kind=annual_review&limit=50')
      .set('Authorization', org.bearer)
      .expect(200);
    expect(small.body.page.totalIsExact).toBe(true);
    expect(small.body.page.total).toBeLessThan(10_000);
    const html = await page('/console/deadlines?kind=custom&offset=10000');
    expect(html).toContain('第 10001–10050 条，共 10050 条');
    expect(html).not.toContain('事项最多计数到');
  });
});

describe('compliance gaps stay current on every write', () => {
  const db = () => h.app.get(DataSource);
  const total = async () => {
    const html = await page('/console');
    const all = /共 (\d+) 个小程序有缺口/.exec(html)?.[1];
    if (all) return Number(all);
    // Eight or fewer: the page lists them all and says no total.
    const section = html.slice(html.indexOf('<h2>合规缺口</h2>'), html.indexOf('<h2>不可用的服务商</h2>'));
    return [...section.matchAll(/<a href="\/console\/mini-programs\//g)].length;
  };
  const idOf = async (name: string) =>
    (
      await db().query<{ id: string }[]>(
        `SELECT id FROM mini_programs WHERE organization_id = $1 AND name = $2`,
        [org.id, name],
      )
    )[0].id;
  const api = () => ({
    post: (path: string) => h.http().post(path).set('Authorization', org.bearer),
    patch: (path: string) => h.http().patch(path).set('Authorization', org.bearer),
    delete: (path: string) => h.http().delete(path).set('Authorization', org.bearer),
  });
  let renewedId: string;

  // Counted by hand from the 13 above; each step says which mini-program moved and why.
  it.each<[string, () => Promise<unknown>, number]>([
    [
      'a valid licence added to 缺口 13 (API)',
      async () => {
        const res = await api()
          .post(`/api/v1/mini-programs/${await idOf('缺口 13')}/qualifications`)
          .send({ requirementCode: 'food_business_licence', number: 'JY20280101', expiresOn: '2028-01-01' })
          .expect(201);
        renewedId = (res.body as { id: string }).id;
      },
      12,
    ],
    [
      '缺口 01 certified to 2027-06-30 (API)',
      async () =>
        api()
          .patch(`/api/v1/mini-programs/${await idOf('缺口 01')}`)
          .send({ certificationExpiresOn: '2027-06-30' })
          .expect(200),
      11,
    ],
    [
      'that licence of 缺口 13 corrected to 2026-03-01, expired like its first one (API)',
      async () =>
        api()
          .patch(`/api/v1/mini-programs/${await idOf('缺口 13')}/qualifications/${renewedId}`)
          .send({ expiresOn: '2026-03-01' })
          .expect(200),
      12,
    ],
    [
      'two imported, one without certification (CSV import)',
      async () =>
        h
          .http()
          .post('/api/v1/mini-programs/import')
          .set('Authorization', org.bearer)
          .set('Content-Type', 'text/csv; charset=utf-8')
          .send(
            [
              HEADER,
              row('导入 无认证', '商家自营 > 百货', ''),
              row('导入 合规', '商家自营 > 百货', '2027-06-30'),
            ].join('\n') + '\n',
          )
          .expect(201),
      13,
    ],
    [
      '合规 0000 loses its certification date (SQL, as the WeChat sync writes)',
      () =>
        db().query(
          `UPDATE mini_programs SET certification_expires_on = NULL WHERE organization_id = $1 AND name = '合规 0000'`,
          [org.id],
        ),
      14,
    ],
    [
      '缺口 02 deleted (API)',
      async () =>
        api()
          .delete(`/api/v1/mini-programs/${await idOf('缺口 02')}`)
          .expect(204),
      13,
    ],
    [
      '合规 0001 becomes a restaurant without a food licence (API)',
      async () =>
        api()
          .patch(`/api/v1/mini-programs/${await idOf('合规 0001')}`)
          .send({ serviceCategories: ['餐饮 > 点餐平台'] })
          .expect(200),
      14,
    ],
  ])('after %s the overview counts at once', async (_what, write, expected) => {
    await write();
    expect(await total()).toBe(expected);
  });

  it('counts by the organization’s date without any write', async () => {
    // 缺口 07-12 are certified to 2026-10-01: valid that day, expired the next.
    try {
      clock.set(new Date('2026-10-01T02:00:00Z'));
      expect(await total()).toBe(14 - 6);
      clock.set(new Date('2026-10-01T16:00:00Z')); // 2026-10-02, 00:00 in Shanghai
      expect(await total()).toBe(14);
    } finally {
      clock.set(new Date('2026-11-25T02:00:00Z'));
    }
  });

  it('a write that commits while the gaps are being judged is not lost', async () => {
    // 缺口 13 is stale (as after any write), and a transaction is adding it a valid licence: it holds
    // the gap row, so the judgement waits for it and must then judge again with the licence seen.
    const id = await idOf('缺口 13');
    await db().query(`UPDATE mini_program_gaps SET stale = true WHERE mini_program_id = $1`, [id]);
    const writer = db().createQueryRunner();
    await writer.connect();
    try {
      await writer.startTransaction();
      await writer.query(
        `INSERT INTO qualifications (organization_id, mini_program_id, requirement_code, number, expires_on)
         VALUES ($1, $2, 'food_business_licence', 'JY20290101', '2029-01-01')`,
        [org.id, id],
      );
      const judging = h.app.get(ComplianceGaps).fresh(org.id, null);
      for (let waited = 0; ; waited += 50) {
        const [w] = await db().query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%mini_program_gaps%'`,
        );
        if (w.n > 0) break;
        if (waited > 20_000) throw new Error('the judgement never waited for the writer');
        await new Promise((r) => setTimeout(r, 50));
      }
      await writer.commitTransaction();
      await judging;
    } finally {
      await writer.release();
    }
    expect(await total()).toBe(13);
  });
});
