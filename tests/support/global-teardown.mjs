import { rm } from 'node:fs/promises';
import pg from 'pg';

export default async function globalTeardown() {
  const embedded = globalThis.__mpgEmbedded;
  if (embedded) {
    await embedded.server.stop();
    await rm(embedded.dir, { recursive: true, force: true });
    return;
  }
  const adminUrl = process.env.MPG_TEST_ADMIN_URL;
  if (!adminUrl) return;
  // On a shared server leave nothing behind: the template and any database a crashed file left.
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const { rows } = await client.query(
    `SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $1 || '_')`,
    [process.env.MPG_TEST_TEMPLATE],
  );
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  await client.end();
}
