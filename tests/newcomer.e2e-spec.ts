import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import pg from 'pg';
import { DEMO_ORGANIZATION, seedDemo } from '../database/seed/demo.js';
import { FixedClock } from '../libs/common/src/clock.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

let t: TestApp;
let org: TestOrg;
let small: TestOrg;
let smallMp: { id: string; appId: string };
let base: string;
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));

/** Every line the app logs, as Nest hands it to the logger (level, message, then the other arguments). */
const logged: { level: string; args: unknown[] }[] = [];
const recorder: LoggerService = Object.fromEntries(
  ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'].map((level) => [
    level,
    (...args: unknown[]) => logged.push({ level, args }),
  ]),
) as unknown as LoggerService;

beforeAll(async () => {
  t = await startTestApp({ clock });
  t.app.useLogger(recorder);
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  org = await t.createOrg('中途断开');
  small = await t.createOrg('小机构');
  smallMp = (
    await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', small.bearer)
      .send({
        appId: 'wx00000000000000a1',
        name: '单个小程序',
        ownerName: '广州康宁医疗科技有限公司',
        ownerCreditCode: '91440101MA59UQ8L6Y',
        certificationExpiresOn: '2027-01-20',
      })
      .expect(201)
  ).body as { id: string; appId: string };
  const db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO deadlines (organization_id, kind, subject_key, cycle_key, title, due_on, window_opens_on, apply_by, act_by)
       SELECT $1, 'custom', 'custom:abort-' || g, '2027-01-01', '续签合同 ' || g, '2027-01-01', '2026-10-01', '2027-01-01', '2027-01-01'
         FROM generate_series(1, 3000) g`,
      [org.id],
    );
  } finally {
    await db.end();
  }
}, 60_000);
afterAll(() => t.close());

/** GETs a download and closes the connection on its headers (as `curl -OJ` does when the file exists) or
 * after the first chunk of the body; then waits for the app's "went away" line. */
async function abandon(path: string, bearer: string, when: 'headers' | 'first-chunk'): Promise<void> {
  logged.length = 0;
  await new Promise<void>((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers: { Authorization: bearer } }, (res) => {
      expect(res.statusCode).toBe(200);
      if (when === 'headers') {
        req.destroy();
        resolve();
      } else {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      }
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve() : reject(e)));
  });
  for (let i = 0; i < 40 && !logged.some((l) => /went away/.test(String(l.args[0]))); i++)
    await new Promise((r) => setTimeout(r, 100));
}

const warningsAndErrors = () =>
  logged
    .filter((l) => l.level === 'warn' || l.level === 'error' || l.level === 'fatal')
    .map((l) => [l.level, l.args.map(String)]);

describe('a download the client closes halfway', () => {
  it.each(['pdf', 'xlsx'])(
    'checklist.%s of 3,000 deadlines, closed after the first chunk: one calm warning, no stack',
    async (format) => {
      await abandon(`/api/v1/exports/checklist.${format}`, org.bearer, 'first-chunk');
      expect(warningsAndErrors()).toEqual([
        ['warn', [`checklist.${format} export stopped: the client went away`, 'ExportsController']],
      ]);
    },
    30_000,
  );

  it.each(['pdf', 'xlsx', 'csv', 'md'])(
    'checklist.%s of one mini-program, closed on its headers: at most one calm warning, no stack',
    async (format) => {
      await abandon(
        `/api/v1/exports/checklist.${format}?miniProgramId=${smallMp.id}`,
        small.bearer,
        'headers',
      );
      // A small file can fit whole in the socket's buffers before the close is seen: then nothing is said.
      expect([
        [],
        [['warn', [`checklist.${format} export stopped: the client went away`, 'ExportsController']]],
      ]).toContainEqual(warningsAndErrors());
    },
    30_000,
  );

  it('handover.pdf closed on its headers: at most one calm warning, no stack', async () => {
    await abandon(`/api/v1/mini-programs/${smallMp.id}/handover.pdf`, small.bearer, 'headers');
    expect([
      [],
      [['warn', ['handover.pdf export stopped: the client went away', 'HandoverController']]],
    ]).toContainEqual(warningsAndErrors());
  }, 30_000);
});

describe('curl -OJ, as the README shows it', () => {
  it('saves the organization-wide, the one-mini-program and the windowed PDF side by side', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mpguard-curl-'));
    try {
      for (const query of ['', `?miniProgramId=${smallMp.id}`, '?dueFrom=2026-12-01&dueTo=2027-03-31']) {
        await promisify(execFile)(
          'curl',
          [
            '-sf',
            '-OJ',
            '-H',
            `Authorization: ${small.bearer}`,
            `${base}/api/v1/exports/checklist.pdf${query}`,
          ],
          { cwd: dir },
        );
      }
      expect((await readdir(dir)).sort()).toEqual([
        'mp-guard-checklist_all_2026-11-25.pdf',
        'mp-guard-checklist_due-2026-12-01-to-2027-03-31_2026-11-25.pdf',
        'mp-guard-checklist_wx00000000000000a1_2026-11-25.pdf',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('the demo organization exists at most once', () => {
  it('seeds it once however often and however concurrently it is asked for', async () => {
    const [a, b] = await Promise.all([seedDemo(t.app), seedDemo(t.app)]);
    const again = await seedDemo(t.app);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(new Set([a.organizationId, b.organizationId, again.organizationId]).size).toBe(1);
    expect(again).toMatchObject({ created: false, apiKey: null, miniPrograms: 3 });
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM organizations WHERE name = $1`,
        [DEMO_ORGANIZATION],
      );
      expect(rows[0].n).toBe(1);
    } finally {
      await db.end();
    }
  }, 60_000);
});

describe('the command line, as a newcomer runs it', () => {
  const run = promisify(execFile);
  const cli = (args: string[], cwd: string, databaseUrl = t.databaseUrl) =>
    run(process.execPath, [path.resolve('scripts/cli.mjs'), ...args], {
      cwd,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });

  it('`demo` twice makes one demo organization and says so the second time', async () => {
    const fresh = await createTestDatabase();
    const cwd = await mkdtemp(path.join(tmpdir(), 'mpguard-cli-'));
    try {
      const first = await cli(['demo'], cwd, fresh.url);
      expect(first.stdout).toMatch(
        /^demo organization [0-9a-f-]{36} "康宁健康集团（演示）" with 3 mini-programs\n/,
      );
      expect(first.stdout).toMatch(/API key \(shown once, store it now\): mpg_/);
      const second = await cli(['demo'], cwd, fresh.url);
      expect(second.stdout).toMatch(/already exists \(3 mini-programs\): nothing added/);
      expect(second.stdout).not.toMatch(/mpg_/);
      const list = await cli(['org', 'list'], cwd, fresh.url);
      expect(list.stdout.split('\n').filter((l) => l.includes(DEMO_ORGANIZATION))).toHaveLength(1);
    } finally {
      await fresh.drop();
      await rm(cwd, { recursive: true, force: true });
    }
  }, 120_000);

  it('writes exports to ./exports/ under the current directory unless --out says otherwise', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'mpguard-cli-'));
    try {
      const checklist = await cli(
        ['export', 'checklist', '--org', small.id, '--format', 'md', '--mini-program', smallMp.id],
        cwd,
      );
      const handover = await cli(
        ['export', 'handover', '--org', small.id, '--mini-program', smallMp.appId, '--format', 'md'],
        cwd,
      );
      const files = (await readdir(path.join(cwd, 'exports'))).sort();
      expect(files).toHaveLength(2);
      expect(files[0]).toMatch(/^mp-guard-checklist_单个小程序_wx00000000000000a1_\d{4}-\d{2}-\d{2}\.md$/);
      expect(files[1]).toMatch(/^mp-guard-handover_单个小程序_wx00000000000000a1_\d{4}-\d{2}-\d{2}\.md$/);
      expect(checklist.stdout).toContain(path.join(cwd, 'exports', files[0]));
      expect(handover.stdout).toContain(path.join(cwd, 'exports', files[1]));
      await cli(['export', 'checklist', '--org', small.id, '--format', 'csv', '--out', 'mine.csv'], cwd);
      expect((await readdir(cwd)).sort()).toEqual(['exports', 'mine.csv']);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('input a newcomer gets wrong: 400 naming the field and its own rule', () => {
  const create = (body: Record<string, unknown>) =>
    t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', small.bearer)
      .send({
        appId: 'wx00000000000000b2',
        name: '输入检查',
        ownerName: '广州康宁医疗科技有限公司',
        ownerCreditCode: '91440101MA59UQ8L6Y',
        ...body,
      });

  it.each([
    [
      { serverDomains: ['api.example.cn', 'a.example.cn/path'] },
      'serverDomains[1]',
      'must be a bare hostname without scheme, path or credentials',
    ],
    [
      { serverDomains: ['api.example.cn', 'api..example.cn'] },
      'serverDomains[1]',
      'must have labels of 1-63 characters a-z, 0-9 and hyphen, not starting or ending with a hyphen',
    ],
    [{ serverDomains: ['localhost'] }, 'serverDomains[0]', 'must be a public domain name, not localhost'],
    [{ name: '\u200b' }, 'name', 'must contain visible characters, not only invisible ones'],
    [{ name: '\u200b\u200d\ufeff' }, 'name', 'must contain visible characters, not only invisible ones'],
    [
      { name: '康宁😀商城' },
      'name',
      'must not contain emoji or characters the PDF exports cannot print (found U+1F600)',
    ],
    [
      { ownerName: '𠮷野家餐饮有限公司' },
      'ownerName',
      'must not contain emoji or characters the PDF exports cannot print (found U+20BB7)',
    ],
  ])('%j: %s %s', async (body, field, rule) => {
    const res = await create(body).expect(400);
    expect(res.body.problems).toEqual([{ field, rule }]);
  });

  it('stores nothing for a refused domain list, and keeps a valid one exactly', async () => {
    const ok = await create({ serverDomains: ['API.Example.cn'] }).expect(201);
    expect(ok.body.serverDomains).toEqual(['api.example.cn']);
  });
});

describe('headers a client or a browser relies on', () => {
  it('a 401 says how to authenticate (RFC 6750)', async () => {
    const missing = await t.http().get('/api/v1/mini-programs').expect(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="mp-guard"');
    const refused = await t
      .http()
      .get('/api/v1/mini-programs')
      .set('Authorization', 'Bearer mpg_000000000000_nope')
      .expect(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="mp-guard", error="invalid_token"');
  });

  it('the acknowledge page cannot be framed, whatever the link', async () => {
    for (const method of ['get', 'post'] as const) {
      const res = await t.http()[method]('/ack/not-a-real-token');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });
});
