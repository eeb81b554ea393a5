import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { PDFParse } from 'pdf-parse';
import pg from 'pg';
import type request from 'supertest';
import { contactBody, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let org: TestOrg;
const ids: Record<string, string> = {};

/** Secrets as people paste them, and the part of each that must never come back. */
const LABELLED = '登录密码：Kangning@2026';
const GROUPED = 'AppSecret 3f1c 0a9b 2d4e 5f60 7182 93a4 b5c6 d7e8';
const API_KEY = 'mpg_0a1b2c3d4e5f_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz';
const ASSIGNED = 'password=hunter2!';
const NEVER = ['Kangning@2026', '3f1c 0a9b', '3f1c', 'mpg_0a1b', 'Zx9Qw8Er', 'hunter2'];
const NOTICE = '〔已隐去：内容疑似密钥〕';

const call = (method: 'post' | 'patch', path: string, body: object) =>
  t.http()[method](path).set('Authorization', org.bearer).send(body);

beforeAll(async () => {
  t = await startTestApp();
  org = await t.createOrg('Secrets');
  const created = async (path: string, body: object) => (await call('post', path, body).expect(201)).body;
  const vendor = await created('/api/v1/vendors', vendorBody());
  const mp = await created(
    '/api/v1/mini-programs',
    miniProgramBody({ vendorId: vendor.id, qualifications: [{ requirementCode: 'food_business_licence' }] }),
  );
  const deadline = await created('/api/v1/deadlines', {
    title: '续签服务器托管合同',
    dueOn: '2027-05-01',
    miniProgramId: mp.id,
  });
  const asset = await created(`/api/v1/mini-programs/${mp.id}/assets`, { kind: 'servers', holder: 'vendor' });
  Object.assign(ids, {
    vendor: vendor.id,
    mp: mp.id,
    deadline: deadline.id,
    asset: asset.id,
    qualification: mp.qualifications[0].id,
  });
});
afterAll(() => t.close());

describe('free text is refused when it looks like a secret', () => {
  const cases: [string, 'post' | 'patch', () => string, (v: string) => object, string][] = [
    ['vendor name', 'post', () => '/api/v1/vendors', (v) => vendorBody({ name: v }), 'name'],
    [
      'vendor reason',
      'post',
      () => '/api/v1/vendors',
      (v) => vendorBody({ status: 'unresponsive', statusReason: v }),
      'statusReason',
    ],
    [
      'vendor evidence',
      'patch',
      () => `/api/v1/vendors/${ids.vendor}`,
      (v) => ({ statusEvidence: v }),
      'statusEvidence',
    ],
    ['mini-program name', 'patch', () => `/api/v1/mini-programs/${ids.mp}`, (v) => ({ name: v }), 'name'],
    ['owner name', 'patch', () => `/api/v1/mini-programs/${ids.mp}`, (v) => ({ ownerName: v }), 'ownerName'],
    ['mini-program notes', 'patch', () => `/api/v1/mini-programs/${ids.mp}`, (v) => ({ notes: v }), 'notes'],
    ['contact name', 'post', () => '/api/v1/contacts', (v) => contactBody({ name: v }), 'name'],
    [
      'qualification number',
      'patch',
      () => `/api/v1/mini-programs/${ids.mp}/qualifications/${ids.qualification}`,
      (v) => ({ number: v }),
      'number',
    ],
    [
      'qualification issuer',
      'post',
      () => `/api/v1/mini-programs/${ids.mp}/qualifications`,
      (v) => ({ requirementCode: 'food_business_licence', issuer: v }),
      'issuer',
    ],
    [
      'deadline title',
      'post',
      () => '/api/v1/deadlines',
      (v) => ({ title: v, dueOn: '2027-06-01' }),
      'title',
    ],
    [
      'completion note',
      'post',
      () => `/api/v1/deadlines/${ids.deadline}/complete`,
      (v) => ({ note: v }),
      'note',
    ],
    [
      'acknowledgement note',
      'post',
      () => `/api/v1/deadlines/${ids.deadline}/acknowledge`,
      (v) => ({ note: v }),
      'note',
    ],
    [
      'custody location',
      'patch',
      () => `/api/v1/mini-programs/${ids.mp}/assets/${ids.asset}`,
      (v) => ({ location: v }),
      'location',
    ],
    [
      'custody notes',
      'post',
      () => `/api/v1/mini-programs/${ids.mp}/assets`,
      (v) => ({ kind: 'backups', holder: 'owner', notes: v }),
      'notes',
    ],
  ];

  it.each(cases)('%s: 400 naming the field and what it looked like, never the secret', async (...c) => {
    const [, method, path, body, field] = c;
    for (const [secret, looksLike] of [
      [LABELLED, 'a password or secret assignment'],
      [GROUPED, 'a key written in groups of hexadecimal characters'],
      [API_KEY, 'an mp-guard API key'],
      [ASSIGNED, 'a password or secret assignment'],
    ]) {
      const res = await call(method, path(), body(secret));
      expect([field, secret, res.status]).toEqual([field, secret, 400]);
      expect(res.body.problems).toContainEqual({
        field,
        rule: expect.stringContaining(`must not contain secrets: looks like ${looksLike}`),
      });
      for (const part of NEVER) expect(res.text).not.toContain(part);
    }
  });

  it('CSV import: a vendor name that is a secret is a bad row, and nothing is written', async () => {
    const csv = [
      'app_id,name,owner_name,owner_credit_code,vendor_name',
      `wx00000000000000c1,康宁课堂,康宁健康,91440300708461136T,${LABELLED}`,
    ].join('\n');
    const res = await t
      .http()
      .post('/api/v1/mini-programs/import')
      .set('Authorization', org.bearer)
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(csv));
    expect(res.status).toBe(400);
    expect(res.body.rows).toEqual([
      {
        line: 2,
        column: 'vendor_name',
        rule: expect.stringMatching(/^must not contain secrets: looks like a password/),
      },
    ]);
    for (const part of NEVER) expect(res.text).not.toContain(part);
    const found = await t
      .http()
      .get('/api/v1/mini-programs?q=wx00000000000000c1')
      .set('Authorization', org.bearer)
      .expect(200);
    expect(found.body.page.total).toBe(0);
  });
});

const asBytes = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

async function bytesOf(path: string, bearer: string | null = org.bearer): Promise<Buffer> {
  const req = t.http().get(path);
  if (bearer) req.set('Authorization', bearer);
  const res = await req.buffer(true).parse(asBytes as never);
  expect([path, res.status]).toEqual([path, 200]);
  return res.body as Buffer;
}

async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

async function xlsxText(bytes: Buffer): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as never);
  const cells: string[] = [];
  workbook.eachSheet((sheet) => {
    cells.push(sheet.name);
    sheet.eachRow((row) => row.eachCell((cell) => cells.push(cell.text)));
  });
  return cells.join('\n');
}

describe('every export withholds secrets stored before the rule', () => {
  let feedUrl: string;
  beforeAll(async () => {
    feedUrl = new URL((await call('post', '/api/v1/calendar-feeds', {}).expect(201)).body.url).pathname;
    // Written straight into the database, as rows from before the detector (or another tool) would be.
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      await db.query('UPDATE organizations SET name = $1 WHERE id = $2', [ASSIGNED, org.id]);
      await db.query('UPDATE mini_programs SET name = $1, notes = $2 WHERE id = $3', [
        LABELLED,
        API_KEY,
        ids.mp,
      ]);
      await db.query('UPDATE deadlines SET title = $1 WHERE id = $2', [GROUPED, ids.deadline]);
      await db.query('UPDATE vendors SET name = $1 WHERE id = $2', [API_KEY, ids.vendor]);
      await db.query('UPDATE assets SET location = $1, notes = $2 WHERE id = $3', [
        LABELLED,
        GROUPED,
        ids.asset,
      ]);
      await db.query('UPDATE qualifications SET number = $1 WHERE id = $2', [GROUPED, ids.qualification]);
    } finally {
      await db.end();
    }
  });

  it.each<[string, () => string, (b: Buffer) => Promise<string> | string, boolean]>([
    ['checklist CSV', () => '/api/v1/exports/checklist.csv', (b) => b.toString('utf8'), true],
    ['checklist Markdown', () => '/api/v1/exports/checklist.md', (b) => b.toString('utf8'), true],
    ['checklist XLSX', () => '/api/v1/exports/checklist.xlsx', xlsxText, true],
    ['checklist PDF', () => '/api/v1/exports/checklist.pdf', pdfText, false],
    [
      'checklist of one mini-program (CSV)',
      () => `/api/v1/exports/checklist.csv?miniProgramId=${ids.mp}`,
      (b) => b.toString('utf8'),
      true,
    ],
    [
      'handover Markdown',
      () => `/api/v1/mini-programs/${ids.mp}/handover.md`,
      (b) => b.toString('utf8'),
      true,
    ],
    ['handover PDF', () => `/api/v1/mini-programs/${ids.mp}/handover.pdf`, pdfText, false],
    // ICS folds lines at 75 octets; unfolded before searching.
    ['calendar ICS', () => feedUrl, (b) => b.toString('utf8').replace(/\r\n[ \t]/g, ''), true],
  ])('%s', async (name, path, text, exactNotice) => {
    const content = await text(await bytesOf(path(), name === 'calendar ICS' ? null : org.bearer));
    for (const part of NEVER) expect([name, part, content.includes(part)]).toEqual([name, part, false]);
    // PDF text extraction may split the notice's brackets from its words.
    expect(content).toContain(exactNotice ? NOTICE : '已隐去');
  });
});
