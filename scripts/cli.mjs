#!/usr/bin/env node
// `npm run cli -- …` and the `mp-guard` bin: compile only when a source is newer than the last build,
// then run the built CLI in this same process (one Node start, not two).
import { spawnSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isBuildStale } from './build-freshness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (isBuildStale(root)) {
  process.stderr.write('[mp-guard] sources changed since the last build: building first…\n');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
  // tsc leaves its build info alone when a touched file compiles to the same output
  const now = new Date();
  utimesSync(join(root, 'dist', '.tsbuildinfo'), now, now);
}
await import(pathToFileURL(join(root, 'dist', 'apps', 'cli', 'main.js')).href);
