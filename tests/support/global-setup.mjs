// Jest loads global setup outside its ESM transform, so this file is plain JavaScript and uses the
// build (`npm test` builds first). It gives every e2e file a real PostgreSQL: DATABASE_URL's server when
// set, else an embedded cluster in a temp folder; migrations run once into a template each file clones.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runMigrations } from '../../dist/libs/database/src/data-source.js';
import { startEmbeddedPostgres } from '../../dist/libs/database/src/embedded-postgres.js';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'mpguard-test-'));
    // As root, PostgreSQL runs as the 'postgres' user, which must be able to reach the folder.
    await chmod(dir, 0o755);
    const server = await startEmbeddedPostgres(dir, await freePort());
    adminUrl = server.adminUrl;
    globalThis.__mpgEmbedded = { server, dir };
  }
  // A name no other run on a shared server can hold (a pid repeats across machines and containers), so
  // this run never drops what another one made: CREATE fails rather than reuses if it ever did collide.
  const template = `mpg_tpl_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${template}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  await runMigrations(url.toString());
  process.env.MPG_TEST_ADMIN_URL = adminUrl;
  process.env.MPG_TEST_TEMPLATE = template;
}
