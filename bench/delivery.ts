import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { createContext } from '../apps/bootstrap.js';
import { loadConfig } from '../libs/config/src/app-config.js';
import type { OutgoingMail } from '../libs/mail/src/mail-transport.js';
import { AppStateService } from '../libs/reminders/src/app-state.service.js';
import { type ClaimedDelivery, ReminderComposer } from '../libs/reminders/src/reminder-composer.js';
import type { Sizes } from './support/args.js';
import { type BenchServer, connect } from './support/database.js';
import { type Child, DIST, freePort, nextMessage, spawnNode } from './support/processes.js';
import type { BenchResult } from './support/report.js';
import { summarize } from './support/stats.js';

const WORKERS = 4;

/** N due deliveries as the planner leaves them: one mini-program, open annual review, d-30 stage and recipient each. */
async function seed(c: pg.Client, n: number): Promise<string> {
  const {
    rows: [org],
  } = await c.query<{ id: string }>(
    `INSERT INTO organizations (name) VALUES ('康宁健康集团 (bench)') RETURNING id`,
  );
  await c.query(
    `INSERT INTO mini_programs (organization_id, app_id, name, owner_name, owner_credit_code, certification_expires_on)
     SELECT $1, 'wx' || lpad(to_hex(g), 16, '0'), '康宁小程序 ' || g, '康宁健康集团', '91440300708461136T', current_date + 30
       FROM generate_series(1, $2::int) g`,
    [org.id, n],
  );
  await c.query(
    `INSERT INTO deadlines (organization_id, mini_program_id, kind, subject_key, cycle_key, requirement_code,
                            due_on, window_opens_on, apply_by, act_by)
     SELECT $1, id, 'annual_review', 'mp:' || id || ':annual_review', to_char(current_date + 30, 'YYYY-MM-DD'),
            'wechat_certification_annual_review', current_date + 30, current_date - 60, current_date + 30, current_date + 30
       FROM mini_programs WHERE organization_id = $1`,
    [org.id],
  );
  await c.query(
    `INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, created_at)
     SELECT $1, id, 'reminder', 'd-30', current_date, 'pending', now() FROM deadlines WHERE organization_id = $1`,
    [org.id],
  );
  await c.query(
    `INSERT INTO notification_deliveries (id, organization_id, notification_id, email, name, role, locale,
                                          next_attempt_at, message_id, created_at, updated_at)
     SELECT x.id, $1, x.nid, 'operator' || x.n || '@bench.example.cn', '刘洋 ' || x.n, 'operator', 'zh-CN',
            now() - interval '1 minute', '<notification-' || x.id || '@mp-guard.localhost>', now(), now()
       FROM (SELECT gen_random_uuid() AS id, n.id AS nid, row_number() OVER () AS n
               FROM notifications n WHERE n.organization_id = $1) x`,
    [org.id],
  );
  await c.query(`VACUUM ANALYZE mini_programs, deadlines, notifications, notification_deliveries`);
  return org.id;
}

async function resetOutbox(c: pg.Client) {
  await c.query(
    `UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now() - interval '1 minute',
            lease_until = NULL, claimed_by = NULL, last_error = NULL, smtp_response = NULL, sent_at = NULL`,
  );
  await c.query(`UPDATE notifications SET status = 'pending'`);
  await c.query(`VACUUM ANALYZE notifications, notification_deliveries`);
}

/** The mails the app would send, composed by the app's own ReminderComposer, for the baseline to send raw. */
async function composeAll(url: string): Promise<OutgoingMail[]> {
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', NODE_ENV: 'production' });
  const app = await createContext({ config, databaseUrl: url });
  try {
    const db = app.get(DataSource);
    const composer = app.get(ReminderComposer, { strict: false });
    const secret = await app.get(AppStateService).linkSecret();
    const claimed = await db.query<ClaimedDelivery[]>(
      `SELECT d.id, d.organization_id, d.notification_id, d.email, d.name, d.role, d.locale, d.message_id,
              d.claimed_by, d.attempts, n.kind, n.stage, n.deadline_id, n.vendor_id, n.vendor_unavailable,
              n.subject_ref, d.contact_id
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id ORDER BY d.id`,
    );
    const mails: OutgoingMail[] = [];
    const now = new Date();
    for (const d of claimed) {
      const deadline = await ReminderComposer.loadDeadline(db.manager, d.deadline_id!);
      mails.push(composer.compose(d, deadline!, now, secret));
    }
    return mails;
  } finally {
    await app.close();
  }
}

async function sinkStats(sink: Child): Promise<{ count: number; ms: number }> {
  const reply = nextMessage<{ type: string; count: number; ms: number }>(sink.child, 'stats');
  sink.child.send({ type: 'stats' });
  return reply;
}

async function sinkReset(sink: Child): Promise<void> {
  const reply = nextMessage(sink.child, 'reset');
  sink.child.send({ type: 'reset' });
  await reply;
}

async function runAll(children: Child[]): Promise<void> {
  const codes = await Promise.all(children.map((w) => w.exited));
  codes.forEach((code, i) => {
    if (code !== 0) throw new Error(`worker ${i} exited with ${code}:\n${children[i].output()}`);
  });
}

export async function deliveryBench(server: BenchServer, sizes: Sizes, log: (l: string) => void) {
  const started = performance.now();
  const n = sizes.deliveries;
  const url = await server.createDatabase('delivery');
  const c = await connect(url);
  const dir = await mkdtemp(path.join(tmpdir(), 'mpguard-bench-mails-'));
  const port = await freePort();
  const sink = spawnNode(`${DIST}/bench/workers/smtp-sink.js`, [], { SINK_PORT: String(port) }, [], true);
  try {
    await nextMessage(sink.child, 'ready');
    const smtpUrl = `smtp://127.0.0.1:${port}`;
    log(`delivery: seeding ${n.toLocaleString('en')} due deliveries`);
    await seed(c, n);
    const mails = await composeAll(url);
    const mailsFile = path.join(dir, 'mails.json');
    await writeFile(mailsFile, JSON.stringify(mails));
    const avgBytes = mails.reduce((s, m) => s + m.html.length + m.text.length, 0) / mails.length;

    // The app's defaults: the baseline gets its SMTP pool and as many sends in flight as it has lanes.
    const defaults = loadConfig({});
    const lanes = Math.max(1, Math.min(defaults.DELIVERY_CONCURRENCY, defaults.DB_POOL_SIZE - 2));
    const appRates: number[] = [];
    const rawRates: number[] = [];
    const appWall: number[] = [];
    for (let run = 0; run < sizes.runs; run++) {
      await resetOutbox(c);
      await sinkReset(sink);
      const t0 = performance.now();
      const workers = Array.from({ length: WORKERS }, () =>
        spawnNode(`${DIST}/apps/cli/main.js`, ['deliver'], {
          DATABASE_URL: url,
          SMTP_URL: smtpUrl,
          LOG_LEVEL: 'warn',
          NODE_ENV: 'production',
        }),
      );
      await runAll(workers);
      appWall.push((performance.now() - t0) / 1000);
      const app = await sinkStats(sink);
      const {
        rows: [{ sent }],
      } = await c.query<{ sent: number }>(
        `SELECT count(*)::int AS sent FROM notification_deliveries WHERE status = 'sent'`,
      );
      if (app.count !== n || sent !== n)
        throw new Error(`app run delivered ${app.count} mails, ${sent} marked sent, expected ${n}`);
      appRates.push(app.count / (app.ms / 1000));

      await sinkReset(sink);
      const per = Math.ceil(n / WORKERS);
      const senders = Array.from({ length: WORKERS }, (_, i) =>
        spawnNode(`${DIST}/bench/workers/raw-sender.js`, [], {
          MAILS_FILE: mailsFile,
          FROM: String(i * per),
          TO: String(Math.min(n, (i + 1) * per)),
          SMTP_URL: smtpUrl,
          POOL: String(defaults.SMTP_POOL_SIZE),
          LANES: String(lanes),
        }),
      );
      await runAll(senders);
      const raw = await sinkStats(sink);
      if (raw.count !== n) throw new Error(`raw run delivered ${raw.count} mails, expected ${n}`);
      rawRates.push(raw.count / (raw.ms / 1000));
      log(
        `delivery run ${run + 1}: app ${appRates.at(-1)!.toFixed(0)} mails/s, raw nodemailer ${rawRates.at(-1)!.toFixed(0)} mails/s`,
      );
    }
    const app = summarize(appRates);
    const raw = summarize(rawRates);
    const ratio = app.median / raw.median;
    const wall = summarize(appWall);
    return {
      name: 'Delivery',
      seconds: (performance.now() - started) / 1000,
      rows: [
        {
          work: 'Delivery',
          size: `${n.toLocaleString('en')} due mails, ${WORKERS} worker processes`,
          figure: 'throughput (claim, render, send, mark)',
          unit: 'mails/s',
          value: app,
          baseline: { label: 'raw pooled nodemailer', value: raw },
          ratio,
          goal: '≥ 0.70× (70% of its throughput)',
          met: ratio >= 0.7,
          digits: 0,
        },
      ],
      notes: [
        `Data: ${n.toLocaleString('en')} due deliveries as the planner leaves them (one open annual-review deadline ` +
          `of its own mini-program each, stage d-30, one recipient, zh-CN; average text+HTML ${Math.round(avgBytes).toLocaleString('en')} ` +
          `characters). App: ${WORKERS} \`node dist/apps/cli/main.js deliver\` processes at the default settings ` +
          `(batch ${defaults.DELIVERY_BATCH_SIZE}, ${lanes} send lanes, SMTP pool ${defaults.SMTP_POOL_SIZE}, DB pool ${defaults.DB_POOL_SIZE} each) claim, compose, send and mark every mail. ` +
          `Baseline: ${WORKERS} processes (\`dist/bench/workers/raw-sender.js\`) each send a quarter of the same mails, ` +
          `composed beforehand by the app's ReminderComposer, through pooled nodemailer with the app's transport ` +
          `options and as many sends in flight. Both send to the same sink, an smtp-server in a separate process ` +
          `that does not parse (\`dist/bench/workers/smtp-sink.js\`); throughput is counted at the sink, from its ` +
          `first to its last accepted mail, so process start-up is left out of both. The app's wall time from ` +
          `spawning the workers to the last exit, start-up included, was ${wall.median.toFixed(1)} s (median). ` +
          `Every run checks that the sink got exactly ${n.toLocaleString('en')} mails and the outbox marks all sent.`,
        'Per mail the app runs one transaction of four round trips to PostgreSQL: BEGIN; one statement ' +
          'that locks the delivery if it is still ours, shares its deadline and reads what composing needs; ' +
          '(the send); one statement that marks it sent, locks its notification and settles it when no other ' +
          'delivery of it is open (a second one only when a sibling looked open); COMMIT, a WAL flush with ' +
          'fsync on. The claim of a batch is one more statement. The send lanes of a worker share one queue: ' +
          'the lane that finds it empty claims the next batch while the others keep sending.',
        // No "why" paragraph: this run measured throughput, not where the time went (a profile would).
      ],
    } satisfies BenchResult;
  } finally {
    await sink.stop();
    await c.end();
    await server.dropDatabase(url);
    await rm(dir, { recursive: true, force: true });
  }
}
