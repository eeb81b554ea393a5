import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PDFParse } from 'pdf-parse';
import type request from 'supertest';
import { FixedClock } from '../libs/common/src/clock.js';
import { contactBody, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { outbox } from './support/outbox.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

const run = promisify(execFile);

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
// 10:00 in Shanghai on 2026-11-25.
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));
let mp: { id: string; appId: string };
let feedUrl: string;
const SECRETS = [
  '-----BEGIN PRIVATE KEY-----',
  '3f1c0a9b2d4e5f60718293a4b5c6d7e8',
  'password=hunter2',
  'https://deploy:s3cr3t@git.vendor.example.cn/app',
];

const post = (p: string, body: object, bearer = org.bearer) =>
  t.http().post(p).set('Authorization', bearer).send(body);

const asBytes = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

async function download(file: string, options: { bearer?: string; language?: string; id?: string } = {}) {
  let req = t
    .http()
    .get(`/api/v1/mini-programs/${options.id ?? mp.id}/${file}`)
    .set('Authorization', options.bearer ?? org.bearer);
  if (options.language) req = req.set('Accept-Language', options.language);
  const res = await req.buffer(true).parse(asBytes as never);
  return { status: res.status, headers: res.headers, bytes: res.body as Buffer };
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
  t = await startTestApp({ clock });
  org = await t.createOrg('康宁健康集团');
  other = await t.createOrg('Other');
  await post(
    '/api/v1/contacts',
    contactBody({ name: '刘洋', email: 'liu.yang@kangning.cn', role: 'operator' }),
  ).expect(201);
  await post(
    '/api/v1/contacts',
    contactBody({ name: '王丽', email: 'wang.li@kangning.cn', role: 'manager' }),
  ).expect(201);
  const vendor = (
    await post('/api/v1/vendors', vendorBody({ name: '快码科技', contractEndsOn: '2027-06-30' })).expect(201)
  ).body;
  await post(
    '/api/v1/contacts',
    contactBody({ name: '陈工', email: 'chen@kuaima.cn', role: 'operator', vendorId: vendor.id }),
  ).expect(201);
  mp = (
    await post(
      '/api/v1/mini-programs',
      miniProgramBody({
        name: '康宁商城',
        ownerName: '深圳市康宁健康科技有限公司',
        vendorId: vendor.id,
        serviceCategories: ['餐饮 > 外卖'],
        certificationExpiresOn: '2027-01-10',
        serverDomains: ['api.kangning-mall.cn', 'static.kangning-mall.cn'],
        qualifications: [
          {
            requirementCode: 'food_business_licence',
            number: 'JY14403050012345',
            issuer: '深圳市市场监督管理局',
            expiresOn: '2027-05-01',
            originalHeldBy: 'vendor',
          },
        ],
      }),
    ).expect(201)
  ).body;
  await post(`/api/v1/mini-programs/${mp.id}/assets`, {
    kind: 'admin_binding',
    holder: 'vendor',
    location: '服务商项目经理的微信',
    lastVerifiedOn: '2026-11-20',
  }).expect(201);
  await post(`/api/v1/mini-programs/${mp.id}/assets`, {
    kind: 'backups',
    holder: 'owner',
    location: '本单位 NAS',
  }).expect(201);
  for (const secret of SECRETS) {
    await post(`/api/v1/mini-programs/${mp.id}/assets`, {
      kind: 'app_secret',
      holder: 'vendor',
      notes: secret,
    }).expect(400);
  }
  await post('/api/v1/deadlines', {
    title: '续签服务器合同',
    dueOn: '2027-02-01',
    miniProgramId: mp.id,
  }).expect(201);
  // The certificate watch writes deadlines like this one; the pack reads them generically.
  await outbox(
    t.databaseUrl,
    `INSERT INTO deadlines (organization_id, mini_program_id, kind, subject_key, cycle_key, title, due_on, window_opens_on, apply_by, act_by)
     VALUES ($1, $2, 'certificate_expiry', 'tls:api.kangning-mall.cn', '2026-12-20', 'TLS 证书 api.kangning-mall.cn', '2026-12-20', '2026-11-20', '2026-12-13', '2026-12-13')`,
    [org.id, mp.id],
  );
  feedUrl = (await post('/api/v1/calendar-feeds', { miniProgramId: mp.id }).expect(201)).body.url;
  await t
    .http()
    .patch(`/api/v1/vendors/${vendor.id}`)
    .set('Authorization', org.bearer)
    .send({
      status: 'ceased',
      statusReason: '公司注销',
      statusEvidence: '国家企业信用信息公示系统 2026-11-20',
    })
    .expect(200);
}, 60_000);
afterAll(() => t.close());

describe('handover pack', () => {
  it('gives the replacement vendor every section as Markdown, with the right values', async () => {
    const res = await download('handover.md?locale=zh-CN');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="mp-guard-handover_${mp.appId}_2026-11-25.md"; filename*=UTF-8''${encodeURIComponent(`mp-guard-handover_康宁商城_${mp.appId}_2026-11-25.md`)}`,
    );
    const md = res.bytes.toString('utf8');
    const lines = md.split('\n');
    for (const line of [
      '# 小程序交接资料：康宁商城',
      '- 机构：康宁健康集团',
      '- 生成时间：2026-11-25 10:00 (Asia/Shanghai)',
      `- AppID：${mp.appId}`,
      '- 主体：深圳市康宁健康科技有限公司',
      '- 服务类目：餐饮 > 外卖',
      '- 微信认证到期：2027-01-10',
      '- 名称：快码科技',
      '- 状态：已停止经营',
      '- 状态起始：2026-11-25',
      '- 原因：公司注销',
      '- 依据：国家企业信用信息公示系统 2026-11-20',
      '- 合同到期：2027-06-30',
      '| api.kangning-mall.cn | 2026-12-20 | 25 |',
      '| static.kangning-mall.cn | — | — |',
      '| 管理员绑定 | 服务商 | 服务商项目经理的微信 | 2026-11-20 | — |',
      '| 数据备份 | 业主 | 本单位 NAS | — | — |',
      '### 微信认证年审',
      '### 续签服务器合同',
      '| 食品经营许可证 (food_business_licence) | JY14403050012345 | 深圳市市场监督管理局 | — | 2027-05-01 | 服务商 |',
      '| 刘洋 | 运营 | liu.yang@kangning.cn |',
      '| 王丽 | 主管 | wang.li@kangning.cn |',
      '| 陈工 | 运营 | chen@kuaima.cn |',
    ]) {
      expect({ line, found: lines.includes(line) }).toEqual({ line, found: true });
    }
    for (const heading of [
      '## 基本信息',
      '## 服务商',
      '## 服务器域名',
      '## 资产与保管',
      '### 收回步骤',
      '## 待办截止事项与清单',
      '## 资质',
      '## 联系人',
    ]) {
      expect(lines).toContain(heading);
    }
    expect(md).toMatch(/- \[ \] \*\*管理员绑定\*\*：换绑管理员/);
    expect(md).toContain('业主自行办理（服务商已失联）');
    // Owner-held backups get no recovery step.
    expect(md).not.toMatch(/\*\*数据备份\*\*：/);
  });

  it('holds no secret: none of the refused values, no API key, no calendar feed token', async () => {
    const md = (await download('handover.md')).bytes.toString('utf8');
    const pdf = await pdfText((await download('handover.pdf')).bytes);
    expect(pdf).toContain(mp.appId);
    const token = feedUrl.split('/').pop()!;
    for (const text of [md, pdf]) {
      for (const s of [...SECRETS, 'hunter2', org.key, org.key.slice(0, 16), token, '/calendar/', '/ack/']) {
        expect({ s, leaked: text.includes(s) }).toEqual({ s, leaked: false });
      }
    }
  });

  it('withholds a key-shaped value that reached the database behind the API', async () => {
    await outbox(
      t.databaseUrl,
      `INSERT INTO assets (organization_id, mini_program_id, kind, holder, notes) VALUES ($1, $2, 'app_secret', 'vendor', $3)`,
      [org.id, mp.id, 'AppSecret 3f1c0a9b2d4e5f60718293a4b5c6d7e8'],
    );
    try {
      const md = (await download('handover.md?locale=en')).bytes.toString('utf8');
      expect(md).not.toContain('3f1c0a9b2d4e5f60718293a4b5c6d7e8');
      expect(md).toContain('| AppSecret | Vendor | - | - | \\[withheld: looks like a secret\\] |');
    } finally {
      await outbox(t.databaseUrl, `DELETE FROM assets WHERE mini_program_id = $1 AND kind = 'app_secret'`, [
        mp.id,
      ]);
    }
  });

  it('speaks English when Accept-Language asks for it', async () => {
    const md = (await download('handover.md', { language: 'en-GB,en;q=0.9' })).bytes.toString('utf8');
    expect(md.split('\n')[0]).toBe('# Mini-program handover pack: 康宁商城');
    expect(md).toContain('- Status: Ceased');
    expect(md).toContain('## Open deadlines and checklists');
  });

  it('renders the same pack as a PDF with the Chinese font embedded', async () => {
    const res = await download('handover.pdf');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('.pdf');
    expect(res.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(res.bytes.toString('latin1')).toMatch(/NotoSansSC/);
    const text = await pdfText(res.bytes);
    for (const expected of [
      '小程序交接资料',
      '康宁商城',
      mp.appId,
      '快码科技',
      'api.kangning-mall.cn',
      '换绑管理员',
      '食品经营许可证',
      '刘洋',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("answers another organization's mini-program exactly like a missing one, whatever the format", async () => {
    for (const file of ['handover.md', 'handover.pdf', 'handover.docx']) {
      const theirs = await download(file, { bearer: other.bearer });
      const nobody = await download(file, { id: crypto.randomUUID() });
      expect({ file, status: theirs.status }).toEqual({ file, status: 404 });
      expect(theirs.bytes.toString()).toBe(nobody.bytes.toString());
      expect(theirs.bytes.toString()).not.toContain('康宁');
    }
  });

  it('refuses an unknown format or locale with a 400 naming it', async () => {
    const format = await download('handover.docx');
    expect(format.status).toBe(400);
    expect(JSON.parse(format.bytes.toString()).problems).toEqual([
      { field: 'format', rule: 'must be one of: md, pdf' },
    ]);
    const locale = await download('handover.md?locale=fr');
    expect(locale.status).toBe(400);
    expect(JSON.parse(locale.bytes.toString()).problems).toEqual([
      { field: 'locale', rule: "must be 'zh-CN' or 'en'" },
    ]);
  });

  it('writes the pack from the CLI by AppID, and refuses what is not this organization’s without leaving a file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mpg-handover-'));
    const out = path.join(dir, '交接.md');
    const cli = (args: string[]) =>
      run(process.execPath, ['dist/apps/cli/main.js', 'export', 'handover', '--org', org.id, ...args], {
        env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' },
        timeout: 60_000,
      });
    const { stdout } = await cli([
      '--mini-program',
      mp.appId,
      '--format',
      'md',
      '--out',
      out,
      '--locale',
      'en',
    ]);
    expect(stdout).toMatch(/^wrote .*交接\.md: 康宁商城 \(wx[0-9a-f]{16}\), 2 assets, \d+ open deadlines\n$/);
    expect(readFileSync(out, 'utf8')).toContain('# Mini-program handover pack: 康宁商城');
    const theirs = path.join(dir, 'theirs.pdf');
    const otherMp = (await post('/api/v1/mini-programs', miniProgramBody(), other.bearer).expect(201)).body;
    const refused = await cli(['--mini-program', otherMp.id, '--format', 'pdf', '--out', theirs]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('Mini-program not found') });
    expect(existsSync(theirs)).toBe(false);
    expect(readdirSync(dir)).toEqual(['交接.md']);
  }, 90_000);
});
