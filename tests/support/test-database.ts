import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Set by global-setup: a server where tests may create databases, and the migrated template to clone. */
export function testServer(): { adminUrl: string; template: string } {
  const adminUrl = process.env.MPG_TEST_ADMIN_URL;
  const template = process.env.MPG_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('tests/support/global-setup.ts did not run');
  return { adminUrl, template };
}

export function databaseUrl(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(adminUrl: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh database per test file, cloned from the migrated template, so files run in parallel. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { adminUrl, template } = testServer();
  const name = `${template}_${randomBytes(5).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    url: databaseUrl(adminUrl, name),
    drop: () =>
      admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
