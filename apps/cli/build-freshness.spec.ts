import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { isBuildStale } from '../../scripts/build-freshness.mjs';

let root: string;
const at = (iso: string) => new Date(iso);
function file(relative: string, modified: string): void {
  const full = path.join(root, relative);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, '');
  utimesSync(full, at(modified), at(modified));
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'mpg-freshness-'));
  file('apps/cli/main.ts', '2026-11-25T08:00:00Z');
  file('libs/catalogue/data/requirements.json', '2026-11-25T08:00:00Z');
  file('package.json', '2026-11-25T08:00:00Z');
  file('dist/apps/cli/main.js', '2026-11-25T09:00:00Z');
  file('dist/.tsbuildinfo', '2026-11-25T09:00:00Z');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('npm run cli builds only when a source changed', () => {
  it('runs the built tree as it is when every source is older than the build', () => {
    expect(isBuildStale(root)).toBe(false);
  });

  it.each([
    ['a source file', 'libs/registry/src/vendor.service.ts'],
    ['the catalogue data', 'libs/catalogue/data/requirements.json'],
    ['the seed', 'database/seed/demo.ts'],
    ['the lock file', 'package-lock.json'],
  ])('builds when %s is newer than the build', (_what, relative) => {
    file(relative, '2026-11-25T09:00:01Z');
    expect(isBuildStale(root)).toBe(true);
  });

  it('ignores tests, which the build does not compile', () => {
    file('libs/registry/src/vendor.spec.ts', '2026-11-25T10:00:00Z');
    expect(isBuildStale(root)).toBe(false);
  });

  it('builds when there is no build yet', () => {
    rmSync(path.join(root, 'dist'), { recursive: true });
    expect(isBuildStale(root)).toBe(true);
  });
});
