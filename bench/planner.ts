import type pg from 'pg';
import { DEFAULT_LADDER } from '../libs/domain/src/reminders/index.js';
import { CANDIDATES_SQL } from '../libs/reminders/src/planner.service.js';
import type { Sizes } from './support/args.js';
import { type BenchServer, connect } from './support/database.js';
import { DIST, nextMessage, spawnNode } from './support/processes.js';
import type { BenchResult } from './support/report.js';
import { mib, summarize } from './support/stats.js';

/** The tick instant: 10:00 in Shanghai, after the default 09:00 send hour. */
const NOW = new Date('2027-03-15T10:00:00+08:00');
const TODAY = '2027-03-15';
const YESTERDAY_NOW = new Date(NOW.getTime() - 86_400_000);
const YESTERDAY = '2027-03-14';
const MAIL_DOMAIN = 'mp-guard.localhost';

/**
 * The same planning as PlannerService.plan in one statement, with the app's candidate filter (inside the
 * horizon, first stage due, latest due stage instance not yet planned: \`latest\` and \`todo\`), so only the
 * deadlines with something to plan reach the notifications join: the stage instances of each live deadline due
 * by today (the ladder from the deadline, the organization or the default; the `early` stage while the
 * vendor is unavailable; the weekly repeats of the last stage), the most severe one not yet planned is sent
 * and the earlier unplanned ones after the last planned one are skipped, then one delivery per reachable
 * contact of the stage's roles. $1 organization, $2 today, $3 now, $4 default ladder, $5 mail domain.
 */
export const PLAN_SQL = `
WITH live AS (
  SELECT d.id, d.due_on, d.vendor_id,
         COALESCE(v.status IN ('unresponsive', 'ceased'), false) AS vu,
         COALESCE(d.ladder, o.reminder_ladder, $4::jsonb) AS ladder,
         o.vendor_unavailable_lead_days AS lead
    FROM deadlines d
    JOIN organizations o ON o.id = d.organization_id
    LEFT JOIN vendors v ON v.id = d.vendor_id
   WHERE d.organization_id = $1 AND d.state IN ('open', 'snoozed')
     AND (d.snoozed_until IS NULL OR d.snoozed_until <= $2::date)
     AND d.due_on <= $2::date + ${730 + 365}
),
stages AS (
  SELECT l.id, l.due_on, l.vendor_id, l.vu, s.code, s.off, s.rep, s.roles
    FROM live l
    CROSS JOIN LATERAL (
      SELECT e->>'code' AS code, (e->>'offsetDays')::int AS off, (e->>'repeatEveryDays')::int AS rep,
             e->'roles' AS roles
        FROM jsonb_array_elements(l.ladder) e
      UNION ALL
      SELECT 'early', (l.ladder->0->>'offsetDays')::int - l.lead, NULL, '["operator","manager"]'::jsonb
       WHERE l.vu AND l.lead > 0 AND NOT l.ladder @> '[{"code":"early"}]'
    ) s
   WHERE l.due_on + (l.ladder->0->>'offsetDays')::int - CASE WHEN l.vu THEN l.lead ELSE 0 END <= $2::date
     AND l.due_on + s.off <= $2::date
),
inst AS (
  SELECT st.id, st.vendor_id, st.vu, st.roles,
         CASE WHEN k = 1 THEN st.code ELSE st.code || '-' || k END AS key,
         st.due_on + st.off + (k - 1) * COALESCE(st.rep, 0) AS trigger_on
    FROM stages st
    CROSS JOIN LATERAL generate_series(1,
      CASE WHEN st.rep IS NULL THEN 1 ELSE ($2::date - (st.due_on + st.off)) / st.rep + 1 END) k
),
latest AS (
  SELECT DISTINCT ON (i.id) i.id, i.key FROM inst i ORDER BY i.id, i.trigger_on DESC, i.key DESC
),
todo AS (
  SELECT l.id FROM latest l
   WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.deadline_id = l.id AND n.stage = l.key)
),
ranked AS (
  SELECT i.*, n.id IS NOT NULL AS planned,
         row_number() OVER (PARTITION BY i.id ORDER BY i.trigger_on, i.key) AS rn
    FROM inst i JOIN todo t ON t.id = i.id
    LEFT JOIN notifications n ON n.deadline_id = i.id AND n.stage = i.key
),
marked AS (
  SELECT r.*,
         COALESCE(max(rn) FILTER (WHERE planned) OVER (PARTITION BY id), 0) AS last_planned,
         max(rn) OVER (PARTITION BY id) AS last_rn,
         first_value(key) OVER (PARTITION BY id ORDER BY rn DESC) AS send_key
    FROM ranked r
),
chosen AS (SELECT * FROM marked WHERE rn > last_planned),
ins AS (
  INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, skip_reason,
                             vendor_unavailable, created_at)
  SELECT $1, c.id, 'reminder', c.key, c.trigger_on,
         CASE WHEN c.rn = c.last_rn THEN 'pending' ELSE 'skipped' END,
         CASE WHEN c.rn = c.last_rn THEN NULL ELSE 'superseded by ' || c.send_key END,
         c.vu, $3
    FROM chosen c
  ON CONFLICT (deadline_id, stage) DO NOTHING
  RETURNING id, deadline_id, stage, status
),
sends AS (
  SELECT ins.id AS notification_id, c.vendor_id, c.vu,
         CASE WHEN c.vu THEN c.roles || '["operator", "manager"]'::jsonb ELSE c.roles END AS roles
    FROM ins JOIN chosen c ON c.id = ins.deadline_id AND c.key = ins.stage
   WHERE ins.status = 'pending'
),
recipients AS (
  SELECT DISTINCT ON (s.notification_id, lower(btrim(ct.email)))
         s.notification_id, ct.id AS contact_id, ct.email, ct.name, ct.role, ct.locale
    FROM sends s
    JOIN contacts ct ON ct.organization_id = $1 AND s.roles ? ct.role
     AND (ct.vendor_id IS NULL OR (NOT s.vu AND ct.vendor_id = s.vendor_id))
     AND btrim(ct.email) <> ''
   ORDER BY s.notification_id, lower(btrim(ct.email)), ct.created_at, ct.id
)
INSERT INTO notification_deliveries (id, organization_id, notification_id, contact_id, email, name, role, locale,
                                     next_attempt_at, message_id, created_at, updated_at)
SELECT r.id, $1, r.notification_id, r.contact_id, r.email, r.name, r.role, r.locale, $3,
       '<notification-' || r.id || '@' || $5 || '>', $3, $3
  FROM (SELECT gen_random_uuid() AS id, recipients.* FROM recipients) r
ON CONFLICT (notification_id, email) DO NOTHING`;

function planSql(c: pg.Client, org: string, today: string, now: Date) {
  return c.query(PLAN_SQL, [org, today, now, JSON.stringify(DEFAULT_LADDER), MAIL_DOMAIN]);
}

/**
 * Deadlines g in [from, to): 1% with a stage due today (a quarter of them after downtime, with no earlier
 * stage planned), 19% inside their ladder with nothing due today, 80% due later in the 1,095-day horizon the
 * planner reads. Half have a vendor; a fifth of the vendors are unresponsive (their deadlines get `early`).
 */
async function seedDeadlines(c: pg.Client, org: string, vendors: string[], from: number, to: number) {
  await c.query(
    `INSERT INTO deadlines (organization_id, vendor_id, kind, subject_key, cycle_key, title, due_on,
                            window_opens_on, apply_by, act_by)
     SELECT $1, CASE WHEN g % 2 = 0 THEN NULL ELSE ($3::uuid[])[1 + (g / 2) % array_length($3::uuid[], 1)] END,
            'custom', 'bench:' || g, 'c1', 'Bench deadline ' || g, x.due, x.due - 90, x.due, x.due
       FROM generate_series($4::int, $5::int - 1) g,
            LATERAL (SELECT $2::date + CASE
                WHEN g % 100 = 0 THEN (ARRAY[90, 60, 30, 14, 7, 3, 1, 0, -7, -14, 120])[1 + (g / 100) % 11]
                WHEN g % 100 < 20 THEN (ARRAY[89, 59, 29, 13, 6, 2, -3, -10])[1 + g % 8]
                ELSE 200 + g % 800 END AS due) x`,
    [org, TODAY, vendors, from, to],
  );
  // Fresh statistics first: planned with the previous size's (0 rows, or a tenth), the statement below had
  // not finished after ten minutes at 1,000,000 deadlines; with them, seeding takes about three.
  await c.query(`ANALYZE deadlines, notifications`);
  // Yesterday's tick ran: everything due by yesterday is planned (sent or skipped)...
  await planSql(c, org, YESTERDAY, YESTERDAY_NOW);
  await c.query(`UPDATE notifications SET status = 'sent' WHERE created_at = $1 AND status = 'pending'`, [
    YESTERDAY_NOW,
  ]);
  await c.query(
    `UPDATE notification_deliveries SET status = 'sent', sent_at = $1 WHERE created_at = $1 AND status = 'pending'`,
    [YESTERDAY_NOW],
  );
  // ...except for a quarter of the due ones, as after downtime: they catch up, skipping earlier stages.
  await c.query(
    `DELETE FROM notifications n USING deadlines d
      WHERE n.deadline_id = d.id AND d.subject_key IN (
            SELECT 'bench:' || g FROM generate_series($1::int, $2::int - 1) g WHERE g % 400 = 0)`,
    [from, to],
  );
  await c.query(`VACUUM ANALYZE deadlines, notifications, notification_deliveries`);
}

async function resetTick(c: pg.Client) {
  await c.query(`DELETE FROM notifications WHERE created_at = $1`, [NOW]);
  await c.query(`VACUUM ANALYZE notifications, notification_deliveries`);
}

/** What a tick wrote, as a fingerprint to prove the baseline plans exactly what the app does. */
async function fingerprint(c: pg.Client) {
  const { rows } = await c.query<{ pending: number; skipped: number; deliveries: number; hash: string }>(
    `SELECT (SELECT count(*)::int FROM notifications WHERE created_at = $1 AND status = 'pending') AS pending,
            (SELECT count(*)::int FROM notifications WHERE created_at = $1 AND status = 'skipped') AS skipped,
            (SELECT count(*)::int FROM notification_deliveries WHERE created_at = $1) AS deliveries,
            md5(concat(
              (SELECT string_agg(deadline_id || ':' || stage || ':' || status || ':' || trigger_on || ':' ||
                                 coalesce(skip_reason, '') || ':' || vendor_unavailable, ',' ORDER BY deadline_id, stage)
                 FROM notifications WHERE created_at = $1),
              (SELECT string_agg(n.deadline_id || ':' || n.stage || ':' || d.email || ':' || d.contact_id, ','
                                 ORDER BY n.deadline_id, n.stage, d.email)
                 FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
                WHERE d.created_at = $1))) AS hash`,
    [NOW],
  );
  return rows[0];
}

/** The parameters of the app's candidate page query (CANDIDATES_SQL) for the bench organization. */
function pageParams(org: string, after: string) {
  return [org, TODAY, after, '2030-03-13', JSON.stringify(DEFAULT_LADDER), 30];
}

/**
 * The app's read path alone, for the finding: its keyset pages of candidates, as PlannerService issues them
 * (same SQL, one connection), without transactions or JS.
 */
async function readPathMs(c: pg.Client, org: string): Promise<{ ms: number; pages: number }> {
  const started = performance.now();
  let after = '00000000-0000-0000-0000-000000000000';
  let pages = 0;
  for (;;) {
    const { rows } = await c.query<{ id: string }>(CANDIDATES_SQL, pageParams(org, after));
    if (!rows.length) break;
    pages++;
    after = rows[rows.length - 1].id;
    if (rows.length < 1000) break;
  }
  return { ms: performance.now() - started, pages };
}

interface ChildResult {
  ms: number;
  peakRss: number;
  rssBefore: number;
  result: { planned: number; skipped: number; deliveries: number };
}

/** The planner process: booted once, ticked on demand. */
async function startPlanner(url: string) {
  const child = spawnNode(
    `${DIST}/bench/workers/planner-child.js`,
    [],
    { DATABASE_URL: url, BENCH_NOW: NOW.toISOString() },
    ['--expose-gc'],
    true,
  );
  const fail = (e: Error) => {
    throw new Error(`${e.message}\n${child.output()}`);
  };
  await nextMessage(child.child, 'ready').catch(fail);
  return {
    async tick(): Promise<ChildResult> {
      const done = nextMessage<ChildResult & { type: string }>(child.child, 'done').catch(fail);
      child.child.send({ type: 'tick' });
      return done;
    },
    async stop() {
      child.child.send({ type: 'exit' });
      await child.exited;
    },
  };
}

async function sqlTick(c: pg.Client, org: string): Promise<number> {
  const started = performance.now();
  await planSql(c, org, TODAY, NOW);
  return performance.now() - started;
}

export async function plannerBench(server: BenchServer, sizes: Sizes, log: (l: string) => void) {
  const started = performance.now();
  const url = await server.createDatabase('planner');
  const c = await connect(url);
  try {
    const {
      rows: [org],
    } = await c.query<{ id: string }>(
      `INSERT INTO organizations (name, time_zone) VALUES ('Planner bench', 'Asia/Shanghai') RETURNING id`,
    );
    const { rows: vendors } = await c.query<{ id: string }>(
      `INSERT INTO vendors (organization_id, name, status)
       SELECT $1, 'Vendor ' || g, CASE WHEN g % 5 = 0 THEN 'unresponsive' ELSE 'active' END
         FROM generate_series(1, 20) g RETURNING id`,
      [org.id],
    );
    await c.query(
      `INSERT INTO contacts (organization_id, vendor_id, name, email, role)
       SELECT $1, NULL, 'Owner ' || r, 'owner.' || r || '@bench.example.cn', r
         FROM unnest(ARRAY['operator', 'manager', 'executive', 'legal']) r`,
      [org.id],
    );
    await c.query(
      `INSERT INTO contacts (organization_id, vendor_id, name, email, role)
       SELECT $1, v, 'Vendor person ' || r, r || '.' || v || '@vendor.example.cn', r
         FROM unnest($2::uuid[]) v, unnest(ARRAY['operator', 'manager']) r`,
      [org.id, vendors.map((v) => v.id)],
    );
    const ids = vendors.map((v) => v.id);
    const n = sizes.plannerDeadlines;
    const tenth = Math.round(n / 10);

    // Memory flat in N: one app tick at a tenth of the size, then the full size.
    log(`planner: seeding ${tenth.toLocaleString('en')} deadlines`);
    await seedDeadlines(c, org.id, ids, 0, tenth);
    const planner = await startPlanner(url);
    const atTenth = await planner.tick();
    await resetTick(c);
    log(`planner: seeding ${(n - tenth).toLocaleString('en')} more deadlines`);
    await seedDeadlines(c, org.id, ids, tenth, n);

    const appMs: number[] = [];
    const sqlMs: number[] = [];
    const peaks: number[] = [];
    let appPrint = '';
    let sqlPrint = '';
    let counts = { pending: 0, skipped: 0, deliveries: 0 };
    for (let run = 0; run < sizes.runs; run++) {
      const a = await planner.tick();
      const fa = await fingerprint(c);
      await resetTick(c);
      const s = await sqlTick(c, org.id);
      const fs = await fingerprint(c);
      await resetTick(c);
      appMs.push(a.ms);
      sqlMs.push(s);
      peaks.push(Math.max(0, a.peakRss - a.rssBefore));
      appPrint = fa.hash;
      sqlPrint = fs.hash;
      counts = fa;
      log(
        `planner run ${run + 1}: app ${a.ms.toFixed(0)} ms, SQL ${s.toFixed(0)} ms, peak RSS growth ${mib(Math.max(0, a.peakRss - a.rssBefore)).toFixed(0)} MiB`,
      );
      if (fa.hash !== fs.hash)
        throw new Error(
          `the SQL baseline planned different rows: app ${JSON.stringify(fa)}, SQL ${JSON.stringify(fs)}`,
        );
    }
    await planner.stop();
    const { rows: plan } = await c.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${PLAN_SQL}`,
      [org.id, TODAY, NOW, JSON.stringify(DEFAULT_LADDER), MAIL_DOMAIN],
    );
    await resetTick(c);
    const read = await readPathMs(c, org.id);
    const { rows: pagePlan } = await c.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${CANDIDATES_SQL}`,
      pageParams(org.id, '00000000-0000-0000-0000-000000000000'),
    );
    const app = summarize(appMs.map((ms) => ms / 1000));
    const base = summarize(sqlMs.map((ms) => ms / 1000));
    const ratio = app.median / base.median;
    // Growth above what the booted process held just before the tick: the Nest context is not the planner's.
    const peak = summarize(peaks.map(mib));
    const tenthGrowth = mib(Math.max(0, atTenth.peakRss - atTenth.rssBefore));
    const flatEnough = peak.median <= 1.25 * tenthGrowth + 8;
    const size = `${n.toLocaleString('en')} open deadlines`;
    const result: BenchResult = {
      name: 'Planner tick',
      seconds: (performance.now() - started) / 1000,
      rows: [
        {
          work: 'Planner tick',
          size,
          figure: 'time of one tick',
          unit: 's',
          value: app,
          baseline: { label: 'one INSERT … SELECT', value: base },
          ratio,
          goal: '≤ 1.5×',
          met: ratio <= 1.5,
          digits: 2,
        },
        {
          work: 'Planner tick',
          size,
          figure:
            `peak RSS growth of the planning process during the tick (at ${tenth.toLocaleString('en')}: ` +
            `${tenthGrowth.toFixed(0)} MiB)`,
          unit: 'MiB',
          value: peak,
          ratio: tenthGrowth > 0 ? peak.median / tenthGrowth : undefined,
          goal: 'flat in N (≤ 1.25× the growth at N/10 + 8 MiB)',
          met: flatEnough,
          digits: 0,
        },
      ],
      notes: [
        `Data: ${n.toLocaleString('en')} open deadlines of one organization (Asia/Shanghai, default ladder), ` +
          `half with one of 20 vendors (4 unresponsive, so their deadlines get the \`early\` stage). ` +
          `Yesterday's tick has run: every stage due by yesterday is planned. 1% have a stage due today ` +
          `(a quarter of these after downtime, with nothing planned, so earlier stages are skipped), 19% are ` +
          `inside their ladder with nothing due today, 80% fall due later within the planner's 1,095-day horizon. ` +
          `Each tick wrote ${counts.pending.toLocaleString('en')} pending and ${counts.skipped.toLocaleString('en')} ` +
          `skipped notifications and ${counts.deliveries.toLocaleString('en')} deliveries; the rows are deleted between runs.`,
        `App: \`PlannerService.plan(now)\` in a process of its own (\`dist/bench/workers/planner-child.js\`, booted once), timed ` +
          `around the call; memory is the growth of the process's peak RSS (VmHWM, reset just before the call) ` +
          `above its RSS just before the call (the booted Nest context held ${mib(atTenth.rssBefore).toFixed(0)} MiB ` +
          `before the tick at N/10). ` +
          `Baseline: \`PLAN_SQL\` in \`bench/planner.ts\`, one \`WITH … INSERT … SELECT … ON CONFLICT DO NOTHING\` ` +
          `statement that filters the candidates as the app does and selects the same stages and recipients. Both write identical rows: the runner ` +
          `compares a fingerprint of every notification and delivery after each (${appPrint === sqlPrint ? 'equal in every run' : 'DIFFERENT'}).`,
        'The app reads only candidates: its keyset page query (`CANDIDATES_SQL` in ' +
          'libs/reminders/src/planner.service.ts) keeps the live deadlines whose first stage (minus the lead ' +
          'while the vendor is unavailable) is due and whose most severe stage instance due today has no ' +
          'notification yet, which is exactly when `selectStage` plans something, and brings their planned ' +
          `stage keys along; ${read.pages.toLocaleString('en')} page(s) here, replayed alone with pg in ` +
          `${(read.ms / 1000).toFixed(2)} s. A transaction is opened only for a page with rows to insert, and ` +
          "the organization's contacts are read once per tick. Nothing is kept across pages but the counts, so " +
          'memory follows the page size (1,000 candidates), not the number of deadlines.',
        'EXPLAIN ANALYZE of the app’s candidate page query (the first page, before the tick):\n\n```\n' +
          pagePlan.map((r) => r['QUERY PLAN']).join('\n') +
          '\n```',
        'EXPLAIN ANALYZE of the baseline (last run):\n\n```\n' +
          plan
            .map((r) =>
              r['QUERY PLAN'].replace(/'\[\{"code": "d-90"[^']*'::jsonb/g, "'<default ladder>'::jsonb"),
            )
            .join('\n') +
          '\n```',
      ],
    };
    return result;
  } finally {
    await c.end();
    await server.dropDatabase(url);
  }
}
