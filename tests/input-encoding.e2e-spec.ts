import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  t = await startTestApp();
  org = await t.createOrg('Encodings');
});
afterAll(() => t.close());

/**
 * Files as Excel saves them, written byte by byte: "CSV UTF-8" starts with a BOM, "CSV (逗号分隔)" on a
 * Chinese Windows is GBK; both end lines with CRLF. The GBK codes come from the GB 2312 table
 * (康 BFB5, 宁 C4FE, 健 BDA1, 康 BFB5, 测 B2E2, 试 CAD4), the UTF-8 ones from the code points.
 */
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string) => Buffer.from(s, 'latin1');
const HEADER = ascii('app_id,name,owner_name,owner_credit_code\r\n'); // 42 bytes
// 91440300708461136T: Tencent's published unified social credit code.
const row = (appId: string, name: Buffer) =>
  Buffer.concat([ascii(`${appId},`), name, ascii(',Kangning Health,91440300708461136T\r\n')]);
const KANGNING_UTF8 = hex('e5 ba b7 e5 ae 81 e5 81 a5 e5 ba b7 e6 b5 8b e8 af 95'); // 康宁健康测试
const KANGNING_GBK = hex('bf b5 c4 fe bd a1 bf b5 b2 e2 ca d4');
const SAVE_AS =
  'save the file as "CSV UTF-8" (or as GB18030/GBK) and upload it again, or declare its charset';

const upload = (body: Buffer, type = 'text/csv', path = '/api/v1/mini-programs/import') =>
  t.http().post(path).set('Authorization', org.bearer).set('Content-Type', type).send(body);

async function names(): Promise<Record<string, string>> {
  const res = await t
    .http()
    .get('/api/v1/mini-programs?limit=200')
    .set('Authorization', org.bearer)
    .expect(200);
  return Object.fromEntries(
    (res.body.items as { appId: string; name: string }[]).map((m) => [m.appId, m.name]),
  );
}

describe('CSV encodings', () => {
  it.each<[string, Buffer, string, string]>([
    [
      'an Excel "CSV UTF-8" file',
      Buffer.concat([hex('ef bb bf'), HEADER, row('wx00000000000000a1', KANGNING_UTF8)]),
      'text/csv',
      'utf-8-bom',
    ],
    [
      'an Excel GBK file',
      Buffer.concat([HEADER, row('wx00000000000000a2', KANGNING_GBK)]),
      'text/csv',
      'gb18030',
    ],
    [
      'a GBK file declared as such',
      Buffer.concat([HEADER, row('wx00000000000000a3', KANGNING_GBK)]),
      'text/csv; charset=GBK',
      'gb18030',
    ],
  ])('imports %s and stores 康宁健康测试', async (_, file, type, encoding) => {
    const res = await upload(file, type).expect(201);
    expect(res.body).toMatchObject({ imported: 1, encoding });
    const appId = file.toString('latin1').match(/wx[0-9a-f]{16}/)![0];
    expect((await names())[appId]).toBe('康宁健康测试');
  });

  it.each<[string, Buffer, string, string]>([
    [
      // The report's case: re-detected as GB18030, it was stored as 搴峰畞鍋ュ悍娴嬭瘯 with a 201.
      'a UTF-8 file with one stray byte after 康宁',
      Buffer.concat([
        HEADER,
        row(
          'wx00000000000000b1',
          Buffer.concat([KANGNING_UTF8.subarray(0, 6), hex('b5'), KANGNING_UTF8.subarray(6)]),
        ),
      ]),
      'text/csv',
      // 42 (header) + 19 (AppID and comma) + 6 (康宁)
      `is not valid UTF-8: bad byte sequence at byte offset 67 of the file (bytes b5 e5 81 a5); ${SAVE_AS}`,
    ],
    [
      'a GBK file with a corrupt byte',
      Buffer.concat([
        HEADER,
        row('wx00000000000000b2', Buffer.concat([KANGNING_GBK.subarray(0, 4), hex('ff')])),
      ]),
      'text/csv',
      `is not valid UTF-8 or GB18030: bad byte sequence at byte offset 65 of the file (bytes ff 2c 4b 61); ${SAVE_AS}`,
    ],
    [
      'a GBK file declared as UTF-8',
      Buffer.concat([HEADER, row('wx00000000000000b3', KANGNING_GBK)]),
      'text/csv; charset=utf-8',
      `is not valid UTF-8: bad byte sequence at byte offset 61 of the file (bytes bf b5 c4 fe); ${SAVE_AS}`,
    ],
  ])('refuses %s, naming the line and byte offset, and writes nothing', async (_, file, type, rule) => {
    const before = await names();
    const res = await upload(file, type).expect(400);
    expect(res.body.rows).toEqual([{ line: 2, column: null, rule }]);
    expect(res.body.problems).toEqual([{ field: 'line 2', rule }]);
    expect(await names()).toEqual(before);
  });

  it('refuses the stray byte in the custody register import too', async () => {
    const file = Buffer.concat([
      ascii('app_id,kind,holder,location,notes,last_verified_on\r\n'),
      ascii('wx00000000000000a1,source_code,vendor,'),
      KANGNING_UTF8.subarray(0, 6),
      hex('b5'),
      ascii(',,\r\n'),
    ]);
    const res = await upload(file, 'text/csv', '/api/v1/assets/import').expect(400);
    expect(res.body.rows).toEqual([
      {
        line: 2,
        column: null,
        // 52 (header) + 38 (AppID, kind, holder) + 6 (康宁)
        rule: `is not valid UTF-8: bad byte sequence at byte offset 96 of the file (bytes b5 2c 2c 0d); ${SAVE_AS}`,
      },
    ]);
  });

  it('refuses a declared charset it does not read, naming the Content-Type', async () => {
    const res = await upload(
      Buffer.concat([HEADER, row('wx00000000000000b4', ascii('Kangning'))]),
      'text/csv; charset=iso-8859-1',
    ).expect(400);
    expect(res.body.problems).toEqual([
      {
        field: 'Content-Type',
        rule: 'charset must be utf-8 or gb18030 (gbk and gb2312 are read as gb18030); got "iso-8859-1"',
      },
    ]);
  });
});

describe('JSON bodies', () => {
  const post = (body: Buffer) =>
    t
      .http()
      .post('/api/v1/vendors')
      .set('Authorization', org.bearer)
      .set('Content-Type', 'application/json')
      // superagent would serialize a Buffer as JSON; these bytes must go out as they are.
      .serialize((b: unknown) => b as string)
      .send(body as never);
  const vendors = async () =>
    (await t.http().get('/api/v1/vendors?limit=200').set('Authorization', org.bearer).expect(200)).body
      .items as { name: string }[];

  it('refuses invalid UTF-8 with a 400 naming the body and the offset, and stores nothing', async () => {
    const before = await vendors();
    // {"name":"康宁 then a stray 0xb5
    const body = Buffer.concat([ascii('{"name":"'), KANGNING_UTF8.subarray(0, 6), hex('b5'), ascii('"}')]);
    const res = await post(body).expect(400);
    expect(res.body.problems).toEqual([
      { field: 'body', rule: 'must be valid UTF-8 (bad byte sequence at byte offset 15)' },
    ]);
    expect(await vendors()).toEqual(before);
  });

  it('stores valid UTF-8 as sent', async () => {
    const body = Buffer.concat([ascii('{"name":"'), KANGNING_UTF8, ascii('"}')]);
    const res = await post(body).expect(201);
    expect(res.body.name).toBe('康宁健康测试');
  });
});
