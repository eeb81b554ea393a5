import type pg from 'pg';
import type { Sizes } from './support/args.js';
import { createOrgWithKey, startApi } from './support/api.js';
import { type BenchServer, connect } from './support/database.js';
import { resetPeakRss, rssOf } from './support/processes.js';
import type { BenchResult, ResultRow } from './support/report.js';
import { mib, summarize } from './support/stats.js';

const FORMATS = [
  { ext: 'csv', goalSeconds: 1 },
  { ext: 'xlsx', goalSeconds: 3 },
  { ext: 'pdf', goalSeconds: null },
  { ext: 'md', goalSeconds: null },
] as const;

/** rows/2 mini-programs, each with a live annual review and a food-licence expiry (with the licence on file). */
async function seed(c: pg.Client, org: string, rows: number) {
  await c.query(
    `INSERT INTO vendors (organization_id, name, status)
     SELECT $1, '服务商 ' || g, CASE WHEN g % 10 = 0 THEN 'unresponsive' ELSE 'active' END FROM generate_series(1, 50) g`,
    [org],
  );
  await c.query(
    `INSERT INTO mini_programs (organization_id, app_id, name, owner_name, owner_credit_code, service_categories,
                                vendor_id, certification_expires_on)
     SELECT $1, 'wx' || lpad(to_hex(g), 16, '0'), '康宁小程序 ' || g, '康宁健康集团', '91440300708461136T',
            ARRAY['餐饮 > 餐饮服务'],
            (SELECT id FROM vendors WHERE organization_id = $1 ORDER BY name OFFSET g % 50 LIMIT 1),
            current_date + g % 365
       FROM generate_series(1, $2::int) g`,
    [org, Math.ceil(rows / 2)],
  );
  await c.query(
    `INSERT INTO qualifications (organization_id, mini_program_id, requirement_code, number, issuer, issued_on, expires_on)
     SELECT organization_id, id, 'food_business_licence', 'JY' || left(md5(id::text), 12), '市场监督管理局',
            current_date - 700, certification_expires_on + 30
       FROM mini_programs WHERE organization_id = $1`,
    [org],
  );
  await c.query(
    `INSERT INTO deadlines (organization_id, mini_program_id, vendor_id, kind, subject_key, cycle_key, requirement_code,
                            due_on, window_opens_on, apply_by, act_by)
     SELECT mp.organization_id, mp.id, mp.vendor_id, k.kind, 'mp:' || mp.id || ':' || k.code, to_char(k.due, 'YYYY-MM-DD'),
            k.code, k.due, k.due - 90, k.due - 30, k.due - 20
       FROM mini_programs mp
       CROSS JOIN LATERAL (VALUES ('annual_review', 'wechat_certification_annual_review', mp.certification_expires_on),
                                  ('qualification_expiry', 'food_business_licence', mp.certification_expires_on + 30)) k(kind, code, due)
      WHERE mp.organization_id = $1`,
    [org],
  );
  await c.query(`VACUUM ANALYZE vendors, mini_programs, qualifications, deadlines`);
}

export async function exportsBench(server: BenchServer, sizes: Sizes, log: (l: string) => void) {
  const started = performance.now();
  const url = await server.createDatabase('exports');
  const c = await connect(url);
  const org = await createOrgWithKey(c, '康宁健康集团 (exports bench)');
  log(`exports: seeding ${sizes.exportRows.toLocaleString('en')} checklist rows`);
  await seed(c, org.id, sizes.exportRows);
  const {
    rows: [{ live }],
  } = await c.query<{ live: number }>(`SELECT count(*)::int AS live FROM deadlines WHERE state = 'open'`);
  const api = await startApi(url);
  const pid = api.child.child.pid!;
  try {
    const rows: ResultRow[] = [];
    const idle = rssOf(pid).rss;
    const sizesBytes: Record<string, number> = {};
    for (const f of FORMATS) {
      const times: number[] = [];
      const peaks: number[] = [];
      const before: number[] = [];
      // One untimed request first, so every format is measured warm.
      for (let run = -1; run < sizes.runs; run++) {
        const rssBefore = rssOf(pid).rss;
        const reset = resetPeakRss(pid);
        const t0 = performance.now();
        const res = await fetch(`${api.base}/api/v1/exports/checklist.${f.ext}`, {
          headers: { Authorization: org.bearer },
        });
        const body = Buffer.from(await res.arrayBuffer());
        const seconds = (performance.now() - t0) / 1000;
        if (res.status !== 200)
          throw new Error(`checklist.${f.ext} answered ${res.status}: ${body.toString().slice(0, 300)}`);
        if (run < 0) continue;
        sizesBytes[f.ext] = body.length;
        times.push(seconds);
        before.push(mib(rssBefore));
        // growth: the peak during this request above what the process held just before it
        if (reset) peaks.push(mib(rssOf(pid).peak - rssBefore));
      }
      log(
        `exports ${f.ext}: ${summarize(times).median.toFixed(2)} s, peak RSS growth ${peaks.length ? summarize(peaks).median.toFixed(0) : '?'} MiB`,
      );
      const size = `${live.toLocaleString('en')} rows (${(sizesBytes[f.ext] / 1024 / 1024).toFixed(1)} MiB)`;
      rows.push({
        work: `Export ${f.ext.toUpperCase()}`,
        size,
        figure: 'time to the last byte',
        unit: 's',
        value: summarize(times),
        goal: f.goalSeconds === null ? 'reported' : `< ${f.goalSeconds} s`,
        met: f.goalSeconds === null ? null : summarize(times).median < f.goalSeconds,
        digits: 2,
      });
      if (peaks.length)
        rows.push({
          work: `Export ${f.ext.toUpperCase()}`,
          size,
          figure: `peak RSS growth of the API process above ${summarize(before).median.toFixed(0)} MiB just before`,
          unit: 'MiB',
          value: summarize(peaks),
          goal: 'reported',
          met: null,
          digits: 0,
        });
    }
    return {
      name: 'Exports',
      seconds: (performance.now() - started) / 1000,
      rows,
      notes: [
        `Data: ${Math.ceil(sizes.exportRows / 2).toLocaleString('en')} mini-programs (50 vendors, 10% unresponsive), each ` +
          `with a live annual review and a food-business-licence expiry whose licence is on file: ` +
          `${live.toLocaleString('en')} checklist rows, zh-CN. Each format is fetched over HTTP from ` +
          `\`GET /api/v1/exports/checklist.<format>\` of \`node dist/apps/api/main.js\`, once untimed, then ` +
          `${sizes.runs} timed runs to the last byte. Memory is the growth of the API process's peak RSS (VmHWM, ` +
          `reset before each request with Linux \`/proc/<pid>/clear_refs\`) above its RSS just before the ` +
          `request; the process held ${mib(idle).toFixed(0)} MiB idle at start.`,
        'What the CSV holds: one line per document or step of each deadline, with the deadline’s columns ' +
          '(mini-program, requirement, dates, who must act, consequence, source) repeated on every line, so that ' +
          'a filter on "On file" or "Actor" keeps each line’s context (as `tests/exports.e2e-spec.ts` and the ' +
          `renderer specs define it); hence about ${(sizesBytes.csv / live / 1024).toFixed(1)} KB per deadline here. ` +
          'Rows come from `ChecklistService` in keyset pages of 2,000 (mini-programs in name order from their ' +
          'index, each with its live cycles), with each requirement localized once per export, not once per row.',
        // No "why" paragraph: this run timed the exports; it did not profile them.
      ],
    } satisfies BenchResult;
  } finally {
    await api.child.stop();
    await c.end();
    await server.dropDatabase(url);
  }
}
