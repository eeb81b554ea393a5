import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runMigrations } from '../../libs/database/src/data-source.js';
import { startEmbeddedPostgres } from '../../libs/database/src/embedded-postgres.js';
import { databaseUrl } from './test-database.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Real PostgreSQL for every e2e file: DATABASE_URL's server when set, else an embedded cluster in a temp
 * folder. Migrations run once into a template database that each test file clones.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'mpguard-test-'));
    const server = await startEmbeddedPostgres(dir, await freePort());
    adminUrl = server.adminUrl;
    (globalThis as { __mpgEmbedded?: unknown }).__mpgEmbedded = server;
    (globalThis as { __mpgEmbeddedDir?: string }).__mpgEmbeddedDir = dir;
  }
  const template = `mpg_tpl_${process.pid}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${template}`);
  await client.query(`CREATE DATABASE ${template}`);
  await client.end();
  await runMigrations(databaseUrl(adminUrl, template));
  process.env.MPG_TEST_ADMIN_URL = adminUrl;
  process.env.MPG_TEST_TEMPLATE = template;
}
