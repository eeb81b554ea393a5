import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Sizes } from './support/args.js';
import type { BenchServer } from './support/database.js';
import { DIST, freePort, spawnNode, waitForHttp } from './support/processes.js';
import type { BenchResult } from './support/report.js';
import { summarize } from './support/stats.js';

/** `npm start`'s process on a fresh data folder: initdb, start PostgreSQL, migrate, seed the demo, listen. */
export async function coldStartBench(_server: BenchServer, sizes: Sizes, log: (l: string) => void) {
  const started = performance.now();
  const times: number[] = [];
  for (let run = 0; run < sizes.coldStarts; run++) {
    const dir = await mkdtemp(path.join(tmpdir(), 'mpguard-bench-cold-'));
    await chmod(dir, 0o755);
    const port = await freePort();
    const child = spawnNode(`${DIST}/apps/main.js`, [], {
      DATA_DIR: path.join(dir, 'data'),
      PORT: String(port),
      EMBEDDED_PG_PORT: String(await freePort()),
      LOCAL_SMTP_PORT: String(await freePort()),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    });
    try {
      const ms = await waitForHttp(`http://127.0.0.1:${port}/health`, 120_000, child);
      times.push(ms / 1000);
      log(`cold start run ${run + 1}: ${(ms / 1000).toFixed(1)} s`);
    } finally {
      await child.stop(30_000);
      await rm(dir, { recursive: true, force: true });
    }
  }
  const value = summarize(times);
  return {
    name: 'Cold start',
    seconds: (performance.now() - started) / 1000,
    rows: [
      {
        work: 'Cold start',
        size: 'fresh data folder, embedded PostgreSQL',
        figure: 'spawn to first 200 from /health',
        unit: 's',
        value,
        goal: '< 20 s',
        met: value.median < 20,
      },
    ],
    notes: [
      `\`node dist/apps/main.js\` (what \`npm start\` runs after building) with DATA_DIR in a new temp folder and ` +
        `free ports (PORT, EMBEDDED_PG_PORT, LOCAL_SMTP_PORT), no DATABASE_URL: initdb, PostgreSQL start, ` +
        `migrations, the demo seed, then listening. Timed from spawn until /health first answers 200; ` +
        `${sizes.coldStarts} runs, each on a new folder, stopped with SIGTERM and removed after.`,
    ],
  } satisfies BenchResult;
}
