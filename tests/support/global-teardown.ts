import { rm } from 'node:fs/promises';
import pg from 'pg';
import type { EmbeddedServer } from '../../libs/database/src/embedded-postgres.js';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __mpgEmbedded?: EmbeddedServer }).__mpgEmbedded;
  if (embedded) {
    await embedded.stop();
    const dir = (globalThis as { __mpgEmbeddedDir?: string }).__mpgEmbeddedDir;
    if (dir) await rm(dir, { recursive: true, force: true });
    return;
  }
  const adminUrl = process.env.MPG_TEST_ADMIN_URL;
  if (!adminUrl) return;
  // On a shared server, leave nothing behind: the template and any database a crashed file left.
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const { rows } = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $1 || '_')`,
    [process.env.MPG_TEST_TEMPLATE],
  );
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  await client.end();
}
