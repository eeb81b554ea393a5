import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  FIRST_GAPS_SQL,
  GAP_COUNT_SQL,
  GAPS_FRESH_SQL,
} from '../libs/console/src/compliance-gaps.service.js';
import { largeOrgCsv, seedLargeOrgExtras } from './large-org.js';
import { createOrgWithKey, startApi } from './support/api.js';
import { type BenchServer, connect } from './support/database.js';
import type { BenchResult, ResultRow } from './support/report.js';
import { quantile, summarize } from './support/stats.js';

const p95 = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.95,
  );
const p50 = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/**
 * A console session made as the people service makes one at sign-in (a user, a membership, and a row in
 * `sessions` holding the SHA-256 of the cookie's random value), so the bench needs no password hashing.
 */
async function signedInCookie(c: pg.Client, organizationId: string): Promise<string> {
  const now = new Date();
  const {
    rows: [user],
  } = await c.query<{ id: string }>(
    `INSERT INTO users (email, name, locale, created_at) VALUES ('bench@example.cn', 'Bench', 'zh-CN', $1)
     RETURNING id`,
    [now],
  );
  await c.query(
    `INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES ($1, $2, 'admin', $3)`,
    [user.id, organizationId, now],
  );
  const token = randomBytes(32).toString('base64url');
  const day = 86_400_000;
  await c.query(
    `INSERT INTO sessions (token_hash, user_id, organization_id, csrf_token, created_at, last_seen_at,
                           idle_expires_at, absolute_expires_at, ip)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $6, '127.0.0.1')`,
    [
      createHash('sha256').update(token).digest('hex'),
      user.id,
      organizationId,
      randomBytes(32).toString('base64url'),
      now,
      new Date(now.getTime() + day),
    ],
  );
  return `mpg_session=${token}`;
}

/**
 * What a year of reminders leaves behind for the history pages: 8 contacts, and for every other live
 * deadline one sent reminder mailed to the operator and the manager (1 delivery in 50 failed).
 */
export async function seedReminderHistory(c: pg.Client, organizationId: string): Promise<void> {
  await c.query(
    `INSERT INTO contacts (organization_id, name, email, role)
     SELECT $1, r.role || ' ' || i, r.role || i || '@bench.example.cn', r.role
       FROM (VALUES ('operator'), ('manager'), ('executive'), ('legal')) AS r(role), generate_series(1, 2) AS i`,
    [organizationId],
  );
  await c.query(
    `INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, created_at)
     SELECT organization_id, id, 'reminder', 'd-30', due_on - 30, 'sent',
            (due_on - 30)::timestamp AT TIME ZONE 'Asia/Shanghai'
       FROM deadlines
      WHERE organization_id = $1 AND state IN ('open', 'acknowledged', 'snoozed') AND abs(hashtext(id::text)) % 2 = 0`,
    [organizationId],
  );
  await c.query(
    `INSERT INTO notification_deliveries (organization_id, notification_id, email, name, role, locale, status,
                                         attempts, next_attempt_at, message_id, smtp_response, last_error,
                                         sent_at, created_at, updated_at)
     SELECT n.organization_id, n.id, r.role || '1@bench.example.cn', r.role || ' 1', r.role, 'zh-CN', s.status, 1,
            n.created_at, '<' || n.id || '.' || r.role || '@bench>',
            CASE s.status WHEN 'sent' THEN '250 2.0.0 Ok' END,
            CASE s.status WHEN 'failed' THEN '550 5.1.1 mailbox unavailable' END,
            CASE s.status WHEN 'sent' THEN n.created_at END, n.created_at, n.created_at + interval '1 minute'
       FROM notifications n CROSS JOIN (VALUES ('operator'), ('manager')) AS r(role)
      CROSS JOIN LATERAL (SELECT CASE WHEN abs(hashtext(n.id::text || r.role)) % 50 = 0 THEN 'failed'
                                      ELSE 'sent' END AS status) s
      WHERE n.organization_id = $1`,
    [organizationId],
  );
  await c.query(`VACUUM ANALYZE notifications`);
  await c.query(`VACUUM ANALYZE notification_deliveries`);
}

/** The risk ranking's score of every mini-program, first 50 by score: what the page cannot do with less. */
const RISK_BASELINE_SQL = `
  SELECT mp.id, LEAST(100,
      CASE v.status WHEN 'ceased' THEN 30 WHEN 'unresponsive' THEN 20 ELSE 0 END
    + CASE WHEN 'admin_binding' = ANY(c.owner_kinds) THEN 0 ELSE 15 END
    + CASE WHEN 'source_code' = ANY(c.owner_kinds) THEN 0 ELSE 15 END
    + CASE WHEN 'app_secret' = ANY(c.owner_kinds) THEN 0 ELSE 10 END
    + CASE WHEN COALESCE(c.infra_assets, 0) = 0 OR c.infra_not_owner > 0 THEN 10 ELSE 0 END
    + CASE WHEN 'wechat_pay' = ANY(mp.features) AND NOT COALESCE('payment_keys' = ANY(c.owner_kinds), false)
           THEN 10 ELSE 0 END
    + LEAST(10, COALESCE(c.vendor_originals, 0) * 5)
    + CASE WHEN v.contract_ends_on - $2::date <= 90 THEN 10 ELSE 0 END
    + CASE WHEN c.unverified_assets > 0 OR $2::date - c.oldest_verified > 180 THEN 5 ELSE 0 END) AS score
    FROM mini_programs mp
    LEFT JOIN vendors v ON v.organization_id = mp.organization_id AND v.id = mp.vendor_id
    LEFT JOIN mini_program_custody c ON c.organization_id = mp.organization_id AND c.mini_program_id = mp.id
   WHERE mp.organization_id = $1 ORDER BY score DESC, mp.name, mp.id LIMIT 50`;

interface ConsolePage {
  label: string;
  path: string;
  /** The statements the page's answer rests on, run one after the other through pg: its baseline. */
  baseline?: { label: string; statements: { sql: string; params: unknown[] }[] };
}

async function timePage(base: string, page: ConsolePage, cookie: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}${page.path}`, { headers: { Cookie: cookie }, redirect: 'manual' });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${page.path} answered ${res.status}: ${body.slice(0, 300)}`);
  return performance.now() - started;
}

async function timeStatements(c: pg.Client, statements: { sql: string; params: unknown[] }[]) {
  const started = performance.now();
  for (const s of statements) await c.query(s.sql, s.params);
  return performance.now() - started;
}

/**
 * Every console page at the size issue #15 names (100,000 mini-programs in one organization), each timed
 * over HTTP with a signed-in session, most of them against the bare SQL the page's answer rests on.
 */
export async function consoleBench(
  server: BenchServer,
  sizes: { consoleOrg: number; largeOrgSamples: number },
  log: (l: string) => void,
): Promise<BenchResult> {
  const started = performance.now();
  const n = sizes.consoleOrg;
  const samples = sizes.largeOrgSamples;
  const url = await server.createDatabase('console');
  const c = await connect(url);
  c.on('error', () => undefined);
  let api: Awaited<ReturnType<typeof startApi>> | null = null;
  try {
    const org = await createOrgWithKey(c, 'Console bench');
    api = await startApi(url);
    // 10,000 a request: under load a 50,000-row import outlasted fetch’s 300 s wait for response headers.
    const chunk = 10_000;
    for (let offset = 0; offset < n; offset += chunk) {
      const rows = Math.min(chunk, n - offset);
      log(`console: importing mini-programs ${offset + 1}–${offset + rows} over HTTP`);
      const res = await fetch(`${api.base}/api/v1/mini-programs/import`, {
        method: 'POST',
        headers: { Authorization: org.bearer, 'Content-Type': 'text/csv; charset=utf-8' },
        body: largeOrgCsv(rows, offset),
      });
      if (res.status !== 201)
        throw new Error(`the import answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
    log('console: adding custody, qualifications, TLS checks and certificate deadlines');
    await seedLargeOrgExtras(c, org.id);
    log('console: adding contacts, and a reminder with two deliveries for every other live deadline');
    await seedReminderHistory(c, org.id);
    const cookie = await signedInCookie(c, org.id);
    const {
      rows: [mp],
    } = await c.query<{ id: string; name: string }>(
      `SELECT id, name FROM mini_programs WHERE organization_id = $1 ORDER BY name, id OFFSET $2 LIMIT 1`,
      [org.id, Math.floor(n / 2)],
    );
    const {
      rows: [deadline],
    } = await c.query<{ id: string }>(
      `SELECT d.id FROM deadlines d JOIN notifications n ON n.deadline_id = d.id
        WHERE d.organization_id = $1 ORDER BY d.id OFFSET $2 LIMIT 1`,
      [org.id, Math.floor(n / 4)],
    );
    // The vendor serving the most mini-programs, and one with a continuity page full of custody.
    const {
      rows: [vendor],
    } = await c.query<{ id: string }>(
      `SELECT vendor_id AS id FROM mini_programs WHERE organization_id = $1 AND vendor_id IS NOT NULL
        GROUP BY vendor_id ORDER BY count(*) DESC LIMIT 1`,
      [org.id],
    );
    const counts = (
      await c.query<{ deadlines: number }>(
        `SELECT count(*)::int AS deadlines FROM deadlines
          WHERE organization_id = $1 AND state IN ('open', 'acknowledged', 'snoozed')`,
        [org.id],
      )
    ).rows[0];

    // Search terms: the middle of one name (its base-36 number, after "小程序 "), and a Chinese word in every name.
    const middle = mp.name.split(' ')[1].slice(0, 3);
    const columns = `mp.id, mp.app_id, mp.name, mp.owner_name, mp.owner_credit_code, mp.service_categories,
                     mp.features, mp.vendor_id, mp.certification_expires_on, mp.icp_filing_number,
                     mp.server_domains, mp.notes, mp.created_at, mp.updated_at`;
    const search = (q: string) => {
      const where = `mp.organization_id = $1 AND (mp.name ILIKE $2 OR mp.app_id ILIKE $2 OR mp.owner_name ILIKE $2)`;
      return [
        {
          sql: `SELECT ${columns} FROM mini_programs mp WHERE ${where} ORDER BY mp.name, mp.id LIMIT 50`,
          params: [org.id, `%${q}%`],
        },
        {
          sql: `SELECT count(*) FROM (SELECT 1 FROM mini_programs mp WHERE ${where} LIMIT 1001) m`,
          params: [org.id, `%${q}%`],
        },
      ];
    };
    // Shanghai's date, as the pages count by the organization's day.
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const live = `d.organization_id = $1 AND d.state IN ('open', 'acknowledged', 'snoozed')`;
    const middleOffset = Math.floor(n / 100) * 50;
    // Two characters found in a few names only (the last two of the chosen one's number), for the short search.
    const short = mp.name.slice(-2);
    const pages: ConsolePage[] = [
      {
        label: 'Overview',
        path: '/console',
        baseline: {
          label:
            'the page’s statements: live deadlines per kind and state, the next 10 by act-by, the gaps’ freshness probe, count and first 8',
          statements: [
            {
              sql: `SELECT kind, state, count(*) FROM deadlines d WHERE ${live} GROUP BY kind, state`,
              params: [org.id],
            },
            {
              sql: `SELECT d.* FROM deadlines d WHERE ${live} ORDER BY d.act_by, d.id LIMIT 10`,
              params: [org.id],
            },
            { sql: GAPS_FRESH_SQL, params: [org.id] },
            { sql: GAP_COUNT_SQL, params: [org.id, today] },
            { sql: FIRST_GAPS_SQL, params: [org.id, today, 8] },
          ],
        },
      },
      {
        label: 'Mini-programs, first page',
        path: '/console/mini-programs',
        baseline: {
          label: 'the first 50 by name and the capped count',
          statements: [
            {
              sql: `SELECT ${columns} FROM mini_programs mp WHERE mp.organization_id = $1 ORDER BY mp.name, mp.id LIMIT 50`,
              params: [org.id],
            },
            {
              sql: `SELECT count(*) FROM (SELECT 1 FROM mini_programs mp WHERE mp.organization_id = $1 LIMIT 1001) m`,
              params: [org.id],
            },
          ],
        },
      },
      {
        label: `Mini-programs, search in the middle of a name ("${middle}")`,
        path: `/console/mini-programs?q=${encodeURIComponent(middle)}`,
        baseline: {
          label: 'the same ILIKE: first 50 by name and the capped count',
          statements: search(middle),
        },
      },
      {
        label: 'Mini-programs, search a Chinese word in every name ("程序")',
        path: `/console/mini-programs?q=${encodeURIComponent('程序')}`,
        baseline: {
          label: 'the same ILIKE: first 50 by name and the capped count',
          statements: search('程序'),
        },
      },
      {
        label: `Mini-programs, search two characters in a few names ("${short}")`,
        path: `/console/mini-programs?q=${encodeURIComponent(short)}`,
        baseline: {
          label: 'the same ILIKE: first 50 by name and the capped count',
          statements: search(short),
        },
      },
      {
        label: 'Mini-programs, search one character ("k")',
        path: `/console/mini-programs?q=k`,
        baseline: { label: 'the same ILIKE: first 50 by name and the capped count', statements: search('k') },
      },
      {
        label: `Mini-programs, the middle page (offset ${middleOffset.toLocaleString('en')})`,
        path: `/console/mini-programs?offset=${middleOffset}`,
      },
      {
        label: 'Mini-programs, one vendor’s, by certification expiry',
        path: `/console/mini-programs?vendorId=${vendor.id}&sort=certificationExpiresOn`,
      },
      {
        label: 'Mini-programs, of unavailable vendors',
        path: `/console/mini-programs?vendorStatus=ceased`,
      },
      {
        label: 'Deadlines, first page',
        path: '/console/deadlines',
        baseline: {
          label: 'the first 50 live deadlines by act-by and the count capped at 10,001',
          statements: [
            {
              sql: `SELECT d.* FROM deadlines d WHERE ${live} ORDER BY d.act_by, d.id LIMIT 50`,
              params: [org.id],
            },
            {
              sql: `SELECT count(*) FROM (SELECT 1 FROM deadlines d WHERE ${live} LIMIT 10001) m`,
              params: [org.id],
            },
          ],
        },
      },
      { label: 'Deadlines, due within 30 days', path: '/console/deadlines?urgency=due_30' },
      { label: 'Deadlines, completed', path: '/console/deadlines?state=completed' },
      { label: 'Deadlines, one vendor’s', path: `/console/deadlines?vendorId=${vendor.id}` },
      { label: 'One mini-program', path: `/console/mini-programs/${mp.id}` },
      { label: 'One mini-program’s continuity', path: `/console/mini-programs/${mp.id}/continuity` },
      { label: 'One deadline (with its reminder history)', path: `/console/deadlines/${deadline.id}` },
      { label: 'Vendors', path: '/console/vendors' },
      { label: 'One vendor (its largest)', path: `/console/vendors/${vendor.id}` },
      { label: 'Contacts', path: '/console/contacts' },
      {
        label: 'Risk ranking',
        path: '/console/risk',
        baseline: {
          label: 'every mini-program’s score, only the first 50 sorted (no explanation)',
          statements: [{ sql: RISK_BASELINE_SQL, params: [org.id, today] }],
        },
      },
      {
        label: 'History (audit log)',
        path: '/console/history',
        baseline: {
          label: 'the first 50 events and their count',
          statements: [
            {
              sql: `SELECT * FROM audit_events WHERE organization_id = $1 ORDER BY id DESC LIMIT 50`,
              params: [org.id],
            },
            { sql: `SELECT count(*) FROM audit_events WHERE organization_id = $1`, params: [org.id] },
          ],
        },
      },
      {
        label: 'Deliveries',
        path: '/console/deliveries',
        baseline: {
          label: 'the first 50 deliveries by update and their count',
          statements: [
            {
              sql: `SELECT * FROM notification_deliveries WHERE organization_id = $1
                     ORDER BY updated_at DESC, id LIMIT 50`,
              params: [org.id],
            },
            {
              sql: `SELECT count(*) FROM notification_deliveries WHERE organization_id = $1`,
              params: [org.id],
            },
          ],
        },
      },
      { label: 'Deliveries, failed', path: '/console/deliveries?status=failed' },
      { label: 'Inbox (local mail capture, empty here)', path: '/console/inbox' },
    ];

    const rows: ResultRow[] = [];
    const size = `${n.toLocaleString('en')} mini-programs`;
    for (const page of pages) {
      await timePage(api.base, page, cookie); // warm-up
      const app: number[] = [];
      const bare: number[] = [];
      if (page.baseline) await timeStatements(c, page.baseline.statements);
      // Interleaved, so both see the same moments of a shared machine's load.
      for (let i = 0; i < samples; i++) {
        app.push(await timePage(api.base, page, cookie));
        if (page.baseline) bare.push(await timeStatements(c, page.baseline.statements));
      }
      const appP95 = p95(app);
      log(
        `console: ${page.label}: p95 ${appP95.toFixed(1)} ms` +
          (bare.length ? `, baseline p95 ${p95(bare).toFixed(1)} ms` : ''),
      );
      rows.push({
        work: 'Console',
        size,
        figure: `${page.label}: p95 of ${samples} (p50 ${p50(app).toFixed(1)} ms)`,
        unit: 'ms',
        value: summarize([appP95]),
        baseline: page.baseline ? { label: page.baseline.label, value: summarize([p95(bare)]) } : undefined,
        ratio: page.baseline ? appP95 / p95(bare) : undefined,
        goal: 'p95 < 300 ms',
        met: appP95 < 300,
      });
    }
    const slowest = rows.reduce((a, b) => (b.value.median > a.value.median ? b : a));
    const missed = rows.filter((r) => r.met === false).length;
    return {
      name: 'Console',
      seconds: (performance.now() - started) / 1000,
      rows,
      notes: [
        `Data: one organization, ${size} imported through the API in chunks of 10,000 (the large-organization ` +
          `bench’s file), ${counts.deadlines.toLocaleString('en')} live deadlines, plus the same custody, ` +
          'qualifications and TLS checks, 8 contacts, and a sent reminder with two deliveries for every other ' +
          'live deadline (1 in 50 failed). The first overview after the import judges every mini-program’s ' +
          'compliance once (the warm-up request below takes that). A console session is written to ' +
          '`sessions` as sign-in writes it. Each ' +
          `page: one warm-up, then ${samples} requests over HTTP, each followed by its baseline statements ` +
          'through pg: the statements the page’s answer rests on, without Nest, rendering or the session check.',
        // Derived from this run's figures only.
        `In this run ${rows.length - missed} of ${rows.length} pages answered within 300 ms at p95; the slowest was ` +
          `“${slowest.figure.split(':')[0]}” at ${slowest.value.median.toFixed(1)} ms.`,
      ],
    };
  } finally {
    await api?.child.stop();
    await c.end();
    await server.dropDatabase(url);
  }
}
