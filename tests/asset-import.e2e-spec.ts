import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';
import { appId, miniProgramBody } from './factories/registry.factory.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

const run = promisify(execFile);

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
const mp: Record<'clinic' | 'school' | 'theirs', { id: string; appId: string }> = {} as never;

beforeAll(async () => {
  t = await startTestApp();
  org = await t.createOrg('Custody importer');
  other = await t.createOrg('Someone else');
  const create = async (bearer: string, name: string) =>
    (
      await t
        .http()
        .post('/api/v1/mini-programs')
        .set('Authorization', bearer)
        .send(miniProgramBody({ name }))
        .expect(201)
    ).body as { id: string; appId: string };
  mp.clinic = await create(org.bearer, '导入诊所');
  mp.school = await create(org.bearer, '导入学堂');
  mp.theirs = await create(other.bearer, '别家的小程序');
});
afterAll(() => t.close());

const HEADER = 'app_id,kind,holder,location,notes,last_verified_on';

const upload = (body: Buffer | string, bearer = org.bearer) =>
  t
    .http()
    .post('/api/v1/assets/import')
    .set('Authorization', bearer)
    .set('Content-Type', 'text/csv')
    .send(Buffer.isBuffer(body) ? body : Buffer.from(body));

const register = async (id: string) =>
  (await t.http().get(`/api/v1/mini-programs/${id}/assets`).set('Authorization', org.bearer).expect(200))
    .body as {
    id: string;
    kind: string;
    holder: string;
    location: string | null;
    notes: string | null;
    lastVerifiedOn: string | null;
  }[];

const total = async () => (await register(mp.clinic.id)).length + (await register(mp.school.id)).length;

describe('custody register CSV import', () => {
  it('imports three rows over two mini-programs, and the register and the audit log show them', async () => {
    const res = await upload(
      [
        HEADER,
        `${mp.clinic.appId},admin_binding,vendor,服务商项目经理的微信,需现管理员扫码,2026-11-20`,
        `${mp.clinic.appId},source_code,vendor,https://git.vendor.example.cn/clinic/app,,`,
        `${mp.school.appId},backups,owner,本单位 NAS,"每周备份, 保留 90 天",2026-10-01`,
      ].join('\n'),
    ).expect(201);
    expect(res.body).toMatchObject({ imported: 3, created: 3, updated: 0, unchanged: 0, encoding: 'utf-8' });
    expect(res.body.assetIds).toHaveLength(3);
    const clinic = await register(mp.clinic.id);
    expect(clinic.map((a) => [a.kind, a.holder, a.location, a.lastVerifiedOn])).toEqual([
      ['admin_binding', 'vendor', '服务商项目经理的微信', '2026-11-20'],
      ['source_code', 'vendor', 'https://git.vendor.example.cn/clinic/app', null],
    ]);
    expect(await register(mp.school.id)).toEqual([
      expect.objectContaining({ kind: 'backups', holder: 'owner', notes: '每周备份, 保留 90 天' }),
    ]);
    const audit = (
      await t.http().get('/api/v1/audit-events?limit=10').set('Authorization', org.bearer).expect(200)
    ).body.items as { action: string; after: Record<string, unknown> }[];
    expect(audit.filter((e) => e.action === 'asset.created')).toHaveLength(3);
    expect(audit.find((e) => e.action === 'asset.imported')?.after).toMatchObject({ rows: 3, created: 3 });
  });

  it('updates the entry with the same AppID, kind and location, and changes nothing on a second identical import', async () => {
    const before = await total();
    const file = [
      HEADER,
      `${mp.clinic.appId},source_code,owner,https://git.vendor.example.cn/clinic/app,已移交业主,2026-11-24`,
      `${mp.clinic.appId},admin_binding,vendor,服务商项目经理的微信,,`,
    ].join('\r\n');
    const first = await upload(file).expect(201);
    expect(first.body).toMatchObject({ imported: 2, created: 0, updated: 1, unchanged: 1 });
    const again = await upload(file).expect(201);
    expect(again.body).toMatchObject({ imported: 2, created: 0, updated: 0, unchanged: 2 });
    expect(await total()).toBe(before);
    const clinic = await register(mp.clinic.id);
    expect(clinic.find((a) => a.kind === 'source_code')).toMatchObject({
      holder: 'owner',
      notes: '已移交业主',
      lastVerifiedOn: '2026-11-24',
    });
    // An empty cell never erases what is stored.
    expect(clinic.find((a) => a.kind === 'admin_binding')).toMatchObject({
      notes: '需现管理员扫码',
      lastVerifiedOn: '2026-11-20',
    });
  });

  it('writes nothing when one row holds a secret, and lists every bad row with its line, column and rule', async () => {
    const before = await total();
    const res = await upload(
      [
        HEADER,
        `${mp.clinic.appId},servers,third_party,腾讯云广州,,2026-11-01`,
        `${mp.clinic.appId},payment_keys,vendor,-----BEGIN PRIVATE KEY-----,,`,
        `${mp.clinic.appId},app_secret,vendor,服务商后端,AppSecret 3f1c0a9b2d4e5f60718293a4b5c6d7e8,`,
        `${mp.school.appId},spaceship,nobody,,,2026-02-30`,
        `${mp.school.appId},cloud_account,owner,阿里云,,`,
        `${mp.school.appId},cloud_account,vendor,阿里云,,`,
      ].join('\n'),
    ).expect(400);
    expect(res.body.message).toMatch(/nothing was written/);
    expect(res.body.rows).toEqual([
      {
        line: 3,
        column: 'location',
        rule: 'must not contain secrets: looks like a PEM private key or certificate',
      },
      {
        line: 4,
        column: 'notes',
        rule: 'must not contain secrets: looks like a 32-character key such as an AppSecret or APIv3 key',
      },
      { line: 5, column: 'kind', rule: expect.stringMatching(/^must be one of: source_code, /) },
      { line: 5, column: 'holder', rule: 'must be one of: owner, vendor, third_party, unknown' },
      { line: 5, column: 'last_verified_on', rule: 'must be a real calendar date written YYYY-MM-DD' },
      { line: 7, column: 'location', rule: 'duplicates line 6: the same AppID, kind and location' },
    ]);
    expect(res.body.problems[0]).toEqual({
      field: 'line 3, column location',
      rule: 'must not contain secrets: looks like a PEM private key or certificate',
    });
    expect(JSON.stringify(res.body)).not.toContain('3f1c0a9b2d4e5f60718293a4b5c6d7e8');
    expect(await total()).toBe(before);
  });

  it('reads a GB18030 file as Excel in China saves it', async () => {
    const res = await upload(
      iconv.encode(
        [
          HEADER,
          `${mp.school.appId},domain_registrar,owner,万网（本单位账号）,域名到期前自动续费,2026-11-02`,
        ].join('\r\n'),
        'gb18030',
      ),
    ).expect(201);
    expect(res.body).toMatchObject({ imported: 1, created: 1, encoding: 'gb18030' });
    expect(await register(mp.school.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'domain_registrar',
          location: '万网（本单位账号）',
          notes: '域名到期前自动续费',
        }),
      ]),
    );
  });

  it("answers another organization's AppID exactly like one nobody registered, and writes nothing", async () => {
    const before = await total();
    const theirs = await upload(
      [HEADER, `${mp.clinic.appId},backups,owner,,,`, `${mp.theirs.appId},backups,vendor,,,`].join('\n'),
    ).expect(400);
    const nobody = await upload(
      [HEADER, `${mp.clinic.appId},backups,owner,,,`, `${appId()},backups,vendor,,,`].join('\n'),
    ).expect(400);
    expect(theirs.body.rows).toEqual([
      { line: 3, column: 'app_id', rule: 'is not a mini-program registered in this organization' },
    ]);
    expect(nobody.body.rows).toEqual(theirs.body.rows);
    expect(JSON.stringify(theirs.body)).not.toContain(mp.theirs.id);
    expect(JSON.stringify(theirs.body)).not.toContain('别家');
    expect(await total()).toBe(before);
    const theirRegister = await t
      .http()
      .get(`/api/v1/mini-programs/${mp.theirs.id}/assets`)
      .set('Authorization', other.bearer)
      .expect(200);
    expect(theirRegister.body).toEqual([]);
  });

  it('refuses a body that is not CSV, an empty file and a wrong header with a 400', async () => {
    const json = await t
      .http()
      .post('/api/v1/assets/import')
      .set('Authorization', org.bearer)
      .send({ app_id: mp.clinic.appId })
      .expect(400);
    expect(json.body.problems).toEqual([
      { field: 'Content-Type', rule: 'must be text/csv (got application/json)' },
    ]);
    await upload(`${HEADER}\n`).expect(400);
    const header = await upload(`app_id,kind\n${mp.clinic.appId},backups\n`).expect(400);
    expect(header.body.rows).toEqual([
      { line: 1, column: 'holder', rule: 'is a required column but is missing from the header' },
    ]);
  });

  it('imports the example file from the CLI with the same rules', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mpg-assets-'));
    const file = path.join(dir, '资产.csv');
    await writeFile(
      file,
      `\uFEFF${HEADER}\n${mp.school.appId},message_push_url,vendor,服务商服务器,,2026-11-25\n`,
    );
    const { stdout } = await run(
      process.execPath,
      ['dist/apps/cli/main.js', 'import', 'assets', file, '--org', org.id],
      { env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' }, timeout: 60_000 },
    );
    expect(stdout).toBe('imported 1 assets (utf-8-bom): 1 new, 0 updated, 0 unchanged\n');
    expect((await register(mp.school.id)).map((a) => a.kind)).toContain('message_push_url');
    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, `${HEADER}\n${mp.school.appId},backups,vendor,"password=hunter2",,\n`);
    const failed = await run(
      process.execPath,
      ['dist/apps/cli/main.js', 'import', 'assets', bad, '--org', org.id],
      { env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' }, timeout: 60_000 },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('line 2, column location: must not contain secrets'),
    });
  }, 90_000);
});
