import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';
import { appId, creditCode } from './factories/registry.factory.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  t = await startTestApp();
  org = await t.createOrg('Importer');
});
afterAll(() => t.close());

const HEADER =
  'app_id,name,owner_name,owner_credit_code,service_categories,features,vendor_name,certification_expires_on,icp_filing_number,server_domains';

function rows(n: number, vendor = '导入服务商'): string[] {
  return Array.from({ length: n }, (_, i) =>
    [
      appId(),
      `导入小程序 ${i + 1}`,
      '深圳导入科技有限公司',
      creditCode(),
      '医疗 > 互联网医院;医疗 > 药品信息',
      'wechat_pay',
      vendor,
      '2027-04-01',
      '',
      `api${i}.import-test.cn`,
    ].join(','),
  );
}

const upload = (body: Buffer | string, bearer = org.bearer) =>
  t
    .http()
    .post('/api/v1/mini-programs/import')
    .set('Authorization', bearer)
    .set('Content-Type', 'text/csv')
    .send(Buffer.from(body as string));

const count = async (bearer = org.bearer) =>
  (await t.http().get('/api/v1/mini-programs?limit=1').set('Authorization', bearer).expect(200)).body.page
    .total as number;

describe('CSV import', () => {
  it('writes nothing when row 57 of 100 is bad, and names its line, column and rule', async () => {
    const before = await count();
    const data = rows(100);
    data[56] = data[56].replace(/,2027-04-01,/, ',2027-02-30,');
    const res = await upload([HEADER, ...data].join('\n')).expect(400);
    expect(res.body.rows).toEqual([
      { line: 58, column: 'certification_expires_on', rule: expect.stringMatching(/calendar date/) },
    ]);
    expect(res.body.message).toMatch(/nothing was written/);
    expect(await count()).toBe(before);
    const vendors = (await t.http().get('/api/v1/vendors').set('Authorization', org.bearer).expect(200)).body
      .items;
    expect(vendors).toEqual([]);
  });

  it('lists every bad row, including AppIDs repeated in the file', async () => {
    const data = rows(5);
    const dupe = data[0].split(',')[0];
    data[1] = data[1].replace(/^wx[0-9a-f]{16}/, 'wxBAD');
    data[3] = data[3].replace(/^wx[0-9a-f]{16}/, dupe);
    const res = await upload([HEADER, ...data].join('\r\n')).expect(400);
    expect(res.body.rows.map((r: { line: number; column: string }) => [r.line, r.column])).toEqual([
      [3, 'app_id'],
      [5, 'app_id'],
    ]);
    expect(res.body.rows[1].rule).toMatch(/line 2/);
  });

  it('imports UTF-8 with a BOM and creates the named vendor in the same transaction', async () => {
    const res = await upload(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from([HEADER, ...rows(3, 'BOM 服务商')].join('\n')),
      ]),
    ).expect(201);
    expect(res.body).toMatchObject({ imported: 3, encoding: 'utf-8-bom', vendorsCreated: ['BOM 服务商'] });
    const list = (
      await t
        .http()
        .get('/api/v1/mini-programs?vendorStatus=active&q=%E5%AF%BC%E5%85%A5')
        .set('Authorization', org.bearer)
        .expect(200)
    ).body;
    expect(list.items[0].serviceCategories).toEqual(['医疗 > 互联网医院', '医疗 > 药品信息']);
    expect(list.items[0].vendor.name).toBe('BOM 服务商');
  });

  it('imports GB18030, as Excel in China writes it, with the Chinese intact', async () => {
    const other = await t.createOrg('GB importer');
    const text = [HEADER, ...rows(2, '国标服务商')].join('\r\n');
    const res = await upload(iconv.encode(text, 'gb18030'), other.bearer).expect(201);
    expect(res.body).toMatchObject({ imported: 2, encoding: 'gb18030' });
    const list = (
      await t.http().get('/api/v1/mini-programs?sort=name').set('Authorization', other.bearer).expect(200)
    ).body;
    expect(list.items.map((i: { name: string }) => i.name)).toEqual(['导入小程序 1', '导入小程序 2']);
    expect(list.items[0].ownerName).toBe('深圳导入科技有限公司');
  });

  it('refuses an AppID already registered, a missing column and an empty body', async () => {
    const other = await t.createOrg('Again');
    const data = rows(2);
    await upload([HEADER, data[0]].join('\n'), other.bearer).expect(201);
    const again = await upload([HEADER, ...data].join('\n'), other.bearer).expect(400);
    expect(again.body.rows).toEqual([
      { line: 2, column: 'app_id', rule: expect.stringMatching(/already registered/) },
    ]);
    const noColumn = await upload('app_id,name\nwx0123456789abcdef,x', other.bearer).expect(400);
    expect(JSON.stringify(noColumn.body.rows)).toMatch(/owner_name/);
    await upload('', other.bearer).expect(400);
    await t
      .http()
      .post('/api/v1/mini-programs/import')
      .set('Authorization', other.bearer)
      .send({ a: 1 })
      .expect(400);
    expect(await count(other.bearer)).toBe(1);
  });

  it('writes nothing when row 7,001 of 7,500 is bad, although the first 5,000 were already written', async () => {
    // Rows are validated and written in one pass, 5,000 to a statement (MiniProgramCreation): by the time
    // row 7,001 is read, the first 5,000 mini-programs, their cycles, their vendor and their audit events are
    // in the transaction. The problem must roll all of it back.
    const other = await t.createOrg('Late problem');
    const data = rows(7500, '迟到的服务商');
    data[7000] = data[7000].replace(/,2027-04-01,/, ',2027-13-01,');
    const res = await upload([HEADER, ...data].join('\n'), other.bearer).expect(400);
    expect(res.body.rows).toEqual([
      { line: 7002, column: 'certification_expires_on', rule: expect.stringMatching(/calendar date/) },
    ]);
    expect(await count(other.bearer)).toBe(0);
    const get = (path: string) => t.http().get(path).set('Authorization', other.bearer).expect(200);
    expect((await get('/api/v1/vendors')).body.items).toEqual([]);
    expect((await get('/api/v1/deadlines')).body.items).toEqual([]);
    // the organization's own creation and its API key are its only audit events
    const events = (await get('/api/v1/audit-events?limit=100')).body.items as { action: string }[];
    expect(
      events.filter((e) => e.action.startsWith('mini_program.') || e.action === 'vendor.created'),
    ).toEqual([]);
  });

  it('writes nothing when only the last row, 5,001, is bad and the first 5,000 are still being written', async () => {
    // The 400 is thrown while the first chunk's statements are in flight. Rows without a certification
    // date derive no cycle, so the chunk's next statement after the mini-programs is the audit insert,
    // which has no foreign key: sent after the ROLLBACK it would commit on its own.
    const other = await t.createOrg('Last row bad');
    const data = rows(5001, '末行服务商').map((line) => line.replace(/,2027-04-01,/, ',,'));
    data[5000] = data[5000].replace(/^wx[0-9a-f]{16}/, 'wxNOTHEX');
    const res = await upload([HEADER, ...data].join('\n'), other.bearer).expect(400);
    expect(res.body.rows).toEqual([{ line: 5002, column: 'app_id', rule: expect.any(String) }]);
    const get = (path: string) => t.http().get(path).set('Authorization', other.bearer).expect(200);
    // let anything still queued on the import's connection finish before looking
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await count(other.bearer)).toBe(0);
    expect((await get('/api/v1/vendors')).body.items).toEqual([]);
    const events = (await get('/api/v1/audit-events?limit=100')).body.items as { action: string }[];
    expect(
      events.filter((e) => e.action.startsWith('mini_program.') || e.action === 'vendor.created'),
    ).toEqual([]);
  });

  it('names the line and column of a feature the catalogue does not know', async () => {
    const other = await t.createOrg('Unknown feature');
    const data = rows(3);
    data[1] = data[1].replace(',wechat_pay,', ',wechat_pay;live_streaming_xyz,');
    const res = await upload([HEADER, ...data].join('\n'), other.bearer).expect(400);
    expect(res.body.rows).toEqual([
      { line: 3, column: 'features', rule: expect.stringMatching(/^must be one of: .*wechat_pay/) },
    ]);
    expect(await count(other.bearer)).toBe(0);
  });

  it('refuses a date outside 1900-2999 with its line, where a year-1 expiry used to fail the whole import', async () => {
    const other = await t.createOrg('Year one');
    const data = rows(2).map((line) => line.replace(/,2027-04-01,/, ',0001-01-02,'));
    const res = await upload([HEADER, ...data].join('\n'), other.bearer).expect(400);
    expect(res.body.rows).toEqual([
      { line: 2, column: 'certification_expires_on', rule: 'must be a date from 1900-01-01 to 2999-12-31' },
      { line: 3, column: 'certification_expires_on', rule: 'must be a date from 1900-01-01 to 2999-12-31' },
    ]);
    expect(await count(other.bearer)).toBe(0);
  });

  it('imports the example file shipped in database/seed', async () => {
    const other = await t.createOrg('Example');
    const file = await readFile(new URL('../database/seed/mini-programs.example.csv', import.meta.url));
    const res = await upload(file, other.bearer).expect(201);
    expect(res.body.imported).toBeGreaterThanOrEqual(5);
  });
});
