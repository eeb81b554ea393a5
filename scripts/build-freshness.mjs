// Whether the compiled tree in dist/ is older than the sources it was built from (used by scripts/cli.mjs).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIRS = ['apps', 'libs', 'database'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** Newest modification time (ms) of what the build reads: .ts files (not specs) and .json files. */
function newestSource(root) {
  let newest = 0;
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, d.name);
      if (d.isDirectory()) {
        if (d.name !== 'node_modules') visit(path);
      } else if (/\.(ts|json)$/.test(d.name) && !/\.(spec|e2e-spec)\.ts$/.test(d.name)) {
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  for (const dir of SOURCE_DIRS) visit(join(root, dir));
  for (const file of SOURCE_FILES) {
    if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  }
  return newest;
}

/** True when dist/ has no CLI or build info, or a source changed after the last build. */
export function isBuildStale(root) {
  const buildInfo = join(root, 'dist', '.tsbuildinfo');
  if (!existsSync(join(root, 'dist', 'apps', 'cli', 'main.js')) || !existsSync(buildInfo)) return true;
  return newestSource(root) > statSync(buildInfo).mtimeMs;
}
