import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { migrations } from '../database/migrations/index.js';
import { runMigrations } from '../libs/database/src/data-source.js';
import { databaseUrl, testServer } from './support/test-database.js';

const { adminUrl, template } = testServer();
// Under the run's own template prefix, so global teardown drops it even if this file crashes.
const name = `${template}_empty_${randomBytes(4).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

describe('migrations at concurrent boot', () => {
  it('four processes migrating one empty database at once: every one starts, each migration runs once', async () => {
    await admin(`CREATE DATABASE ${name}`);
    const url = databaseUrl(adminUrl, name);
    // Four data sources with their own connections, as four app processes booting together would have.
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => runMigrations(url)));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failures).toEqual([]);
    const ran = results.map((r) => (r.status === 'fulfilled' ? r.value : []));
    const names = migrations.map((m) => m.name);
    // One boot ran all of them, in order; the other three found nothing left to do.
    expect(ran.map((r) => r.length).sort((a, b) => a - b)).toEqual([0, 0, 0, names.length]);
    expect(ran.find((r) => r.length)).toEqual(names);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ name: string }>(`SELECT name FROM migrations ORDER BY id`);
      expect(rows.map((r) => r.name)).toEqual(names);
    } finally {
      await c.end();
    }
  }, 120_000);
});
