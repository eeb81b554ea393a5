// `npm run bench -- --size small|medium|full`: every benchmark against its baseline, written to docs/benchmarks.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { claimBench } from './claim.js';
import { coldStartBench } from './cold-start.js';
import { consoleBench } from './console.js';
import { deliveryBench } from './delivery.js';
import { exportsBench } from './exports.js';
import { largeOrgBench } from './large-org.js';
import { plannerBench } from './planner.js';
import { registryBench } from './registry.js';
import { type BenchmarkName, parseArgs, type Sizes } from './support/args.js';
import { BenchServer } from './support/database.js';
import { type BenchResult, machine, renderReport } from './support/report.js';

const t0 = performance.now();
const log = (line: string) =>
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);

const BENCHES: Record<
  BenchmarkName,
  (server: BenchServer, sizes: Sizes, log: (l: string) => void) => Promise<BenchResult>
> = {
  planner: plannerBench,
  delivery: deliveryBench,
  claim: claimBench,
  registry: registryBench,
  'large-org': largeOrgBench,
  console: consoleBench,
  exports: exportsBench,
  'cold-start': coldStartBench,
};

const PREAMBLE = [
  'Written by `npm run bench` (never part of `npm test`); `.ci/run` runs `npm run bench -- --size small` as a ' +
    'smoke test. Each figure is measured against the best possible way of doing the same work, in the same run, ' +
    'on the same machine, because absolute times on a shared machine mean little. The runner generates its own ' +
    'data in databases of its own (an embedded PostgreSQL in a temp folder, or `DATABASE_URL`’s server) and ' +
    'drops them at the end.',
  '',
  '| Size | Planner deadlines | Delivery mails | Outbox rows | Mini-programs | Large organization | Console organization | Export rows |',
  '|---|---|---|---|---|---|---|---|',
  '| `small` (CI smoke test: each path runs, figures not judged) | 5,000 | 200 | 20,000 | 2,000 | 1,000 | 1,000 | 1,000 |',
  '| `medium` | 250,000 | 10,000 | 1,000,000 | 100,000 | 50,000 | 100,000 | 10,000 |',
  '| `full` or `large` (the issues’ sizes, by hand) | 1,000,000 | 20,000 | 5,000,000 | 100,000 | 50,000 | 100,000 | 10,000 |',
  '',
  'Run it with `npm run bench -- --size full` (or `--only planner,claim` for some of them, `--out FILE` to ' +
    'write elsewhere). The 50,000-mini-program organization alone: `npm run bench -- --size full --only ' +
    'large-org --out docs/benchmarks-large-org.md` (its last run is in that file).',
];

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const startedAt = new Date();
  const loadAtStart = loadavg()[0];
  const server = await BenchServer.start(log);
  const results: BenchResult[] = [];
  try {
    const pgVersion = await server.version();
    const settings = await server.settings();
    for (const name of options.only) {
      log(`${name}: starting (size ${options.sizes.name})`);
      const result = await BENCHES[name](server, options.sizes, log);
      results.push(result);
      for (const r of result.rows)
        log(
          `${r.work} / ${r.figure}: ${r.value.median.toFixed(r.digits ?? 1)} ${r.unit}` +
            (r.ratio === undefined ? '' : `, ratio ${r.ratio.toFixed(2)}`) +
            ` (goal ${r.goal}: ${r.met === null ? 'reported' : r.met ? 'met' : 'MISSED'})`,
        );
    }
    const s = options.sizes;
    const report = renderReport({
      machine: machine(pgVersion, settings, server.embedded),
      sizeName: s.name,
      sizesNote:
        `${s.plannerDeadlines.toLocaleString('en')} planner deadlines, ${s.deliveries.toLocaleString('en')} ` +
        `delivery mails, ${s.outboxRows.toLocaleString('en')} outbox rows, ${s.miniPrograms.toLocaleString('en')} ` +
        `mini-programs, a ${s.largeOrg.toLocaleString('en')}-mini-program organization, a ` +
        `${s.consoleOrg.toLocaleString('en')}-mini-program organization for the console, ` +
        `${s.exportRows.toLocaleString('en')} export rows; ${s.runs} runs of each` +
        (s.name === 'full' || s.name === 'large' ? '' : ' (not the issue’s full sizes: see the table above)'),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      startedAt,
      seconds: (performance.now() - started) / 1000,
      results,
      preamble: PREAMBLE,
      loadAtStart,
    });
    await mkdir(path.dirname(path.resolve(options.out)), { recursive: true });
    await writeFile(options.out, report);
    log(`wrote ${options.out} in ${Math.round((performance.now() - started) / 1000)} s`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
