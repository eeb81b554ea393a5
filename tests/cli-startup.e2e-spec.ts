import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from './support/test-database.js';

// Issue #13: a CLI that starts in under 2 s. Most of a command's start was importing the whole application
// (console, exports, PDF and XLSX writers, OpenAPI decorators, validation) before even reading its arguments.
// These run the built CLI as `npm run cli` does and read which modules each command loaded.

const run = promisify(execFile);
let db: { url: string; drop: () => Promise<void> };
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'mpg-cli-startup-'));
});
afterAll(async () => {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

let traces = 0;
/** Runs `scripts/cli.mjs args` and returns its output and the modules it loaded (file URLs). */
async function cli(
  args: string[],
): Promise<{ stdout: string; stderr: string; code: number; loaded: string[] }> {
  const trace = path.join(dir, `trace-${++traces}.txt`);
  const result = await run(
    process.execPath,
    ['--import', path.resolve('tests/support/module-trace.mjs'), path.resolve('scripts/cli.mjs'), ...args],
    {
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent', MODULE_TRACE_FILE: trace },
      timeout: 60_000,
    },
  ).then(
    (r) => ({ ...r, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => ({
      stdout: e.stdout,
      stderr: e.stderr,
      code: e.code,
    }),
  );
  const loaded = (await readFile(trace, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { ...result, loaded };
}

/** What only other commands, the HTTP API or the console need. */
const HEAVY = [
  /node_modules\/@nestjs\/swagger\//,
  /node_modules\/class-validator\//,
  /node_modules\/@nestjs\/platform-express\//,
  /node_modules\/(pdfkit|exceljs)\//,
  // their entities are loaded with the data source; their services, controllers and views are not needed
  /\/dist\/libs\/(console|exports|registry|reminders|continuity)\/src\/(?!.*\.entity\.js$)/,
];
const heavyIn = (loaded: string[]) => loaded.filter((url) => HEAVY.some((h) => h.test(url)));

describe('organizations and keys from the command line load the core and the auth module only', () => {
  let orgId: string;

  it('org create: prints the organization and its first key, without loading the rest of the app', async () => {
    const r = await cli(['org', 'create', '--name', '启动测试', '--time-zone', 'Asia/Shanghai']);
    expect(r.code).toBe(0);
    const m =
      /^organization ([0-9a-f-]{36}) {2}启动测试 {2}\(Asia\/Shanghai\)\nAPI key \(shown once, store it now\): mpg_/.exec(
        r.stdout,
      );
    expect(m).not.toBeNull();
    orgId = m![1];
    expect(r.loaded.some((url) => url.includes('/node_modules/@nestjs/core/'))).toBe(true); // the trace works
    expect(heavyIn(r.loaded)).toEqual([]);
  });

  it('org list, key create, key list and key revoke work the same way', async () => {
    const list = await cli(['org', 'list']);
    expect(list.stdout).toContain(`${orgId}  启动测试  Asia/Shanghai  zh-CN`);
    expect(heavyIn(list.loaded)).toEqual([]);

    const created = await cli(['key', 'create', '--org', orgId, '--name', 'ci']);
    const key = /^key ([0-9a-f-]{36}) "ci"\nAPI key \(shown once, store it now\): (mpg_[0-9a-f]{12})_/.exec(
      created.stdout,
    );
    expect(key).not.toBeNull();
    expect(heavyIn(created.loaded)).toEqual([]);

    const revoked = await cli(['key', 'revoke', '--org', orgId, key![2]]);
    expect(revoked.stdout).toMatch(new RegExp(`^revoked ${key![1]} "ci" at \\d{4}-`));

    const keys = await cli(['key', 'list', '--org', orgId]);
    const lines = keys.stdout.trim().split('\n');
    expect(lines).toHaveLength(2); // the first key of `org create` and this one
    expect(lines.find((l) => l.startsWith(key![1]))).toMatch(/ {2}ci {2}revoked \d{4}-/);
    expect(heavyIn(keys.loaded)).toEqual([]);
  });

  it('a wrong argument is answered before Nest, TypeORM or the database is loaded', async () => {
    const r = await cli(['key', 'list', '--org', 'not-a-uuid']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/must be an organization id \(UUID\)/);
    expect(r.loaded.filter((url) => /node_modules\/(@nestjs|typeorm|pg)\//.test(url))).toEqual([]);
  });

  it('a command that needs the application still loads it (export checklist, with its own format rule)', async () => {
    const bad = await cli(['export', 'checklist', '--org', orgId, '--format', 'docx']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/must be one of: csv, xlsx, pdf, md/);

    const r = await cli([
      'export',
      'checklist',
      '--org',
      orgId,
      '--format',
      'md',
      '--out',
      path.join(dir, 'c.md'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*c\.md: 0 deadlines/);
    expect(r.loaded.some((url) => url.includes('/dist/libs/exports/'))).toBe(true);
  });
});
