import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedDueDeliveries } from './support/bulk-outbox.js';
import { outbox } from './support/outbox.js';
import { SmtpSink } from './support/smtp-sink.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CLI = path.resolve('dist/apps/cli/main.js');
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A separate delivery worker process (`cli deliver`), with its own connection pool and SMTP pool. */
function worker(
  sink: SmtpSink,
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(process.execPath, [CLI, 'deliver'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: t.databaseUrl,
      SMTP_URL: sink.url(),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return { child, done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, out }))) };
}

const statuses = async (orgId: string) =>
  Object.fromEntries(
    (
      await outbox(
        t.databaseUrl,
        `SELECT status, count(*)::int AS n FROM notification_deliveries WHERE organization_id = $1 GROUP BY 1`,
        [orgId],
      )
    ).map((r) => [r.status, r.n]),
  );

describe('delivery workers racing', () => {
  it('four worker processes deliver 10,000 due mails, every one exactly once', async () => {
    const org = await t.createOrg('Race');
    const sink = await SmtpSink.start();
    sink.parse = false;
    await seedDueDeliveries(t.databaseUrl, org.id, 10_000, new Date());
    const started = performance.now();
    const workers = [worker(sink), worker(sink), worker(sink), worker(sink)];
    const results = await Promise.all(workers.map((w) => w.done));
    const seconds = (performance.now() - started) / 1000;
    for (const r of results) expect({ code: r.code, out: r.out.slice(-300) }).toMatchObject({ code: 0 });
    const perWorker = results.map((r) => JSON.parse(r.out.trim().split('\n').pop()!).sent as number);
    // Every worker took part, and together they sent each mail once.
    expect(perWorker.every((n) => n > 0)).toBe(true);
    expect(perWorker.reduce((a, b) => a + b, 0)).toBe(10_000);
    const ids = sink.messageIds();
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids).size).toBe(10_000);
    const expected = (
      await outbox(
        t.databaseUrl,
        `SELECT message_id FROM notification_deliveries WHERE organization_id = $1`,
        [org.id],
      )
    ).map((r) => r.message_id);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(await statuses(org.id)).toEqual({ sent: 10_000 });
    process.stdout.write(
      `[delivery-race] 4 workers delivered 10,000 mails in ${seconds.toFixed(1)} s: ${(10_000 / seconds).toFixed(0)} mails/s (per worker ${perWorker.join(', ')})\n`,
    );
    await sink.stop();
  }, 300_000);

  it('a worker killed mid-send loses nothing; only its in-flight mails repeat, with the same Message-ID', async () => {
    const org = await t.createOrg('Killed');
    const sink = await SmtpSink.start();
    sink.parse = false;
    sink.dataDelayMs = 40;
    await seedDueDeliveries(t.databaseUrl, org.id, 300, new Date());
    const first = worker(sink, { DELIVERY_LEASE_SECONDS: '2' });
    while (sink.raw.length < 60) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await first.done;
    const atKill = sink.raw.length;
    const mid = await statuses(org.id);
    expect(mid.sending).toBeGreaterThan(0);
    // The dead worker's leases run out; a new worker takes over.
    await new Promise((r) => setTimeout(r, 2500));
    sink.dataDelayMs = 0;
    const second = worker(sink);
    expect((await second.done).code).toBe(0);
    expect(await statuses(org.id)).toEqual({ sent: 300 });
    const ids = sink.messageIds();
    const unique = new Set(ids);
    expect(unique.size).toBe(300);
    const repeats = ids.length - unique.size;
    // At most the sends that were in flight when it died (one per send lane) went out twice.
    expect(repeats).toBeLessThanOrEqual(5);
    expect(atKill).toBeGreaterThanOrEqual(60);
    await sink.stop();
  }, 120_000);
});
