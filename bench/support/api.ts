import type pg from 'pg';
import { generateApiKey } from '../../libs/auth/src/api-key.js';
import { type Child, DIST, freePort, spawnNode, waitForHttp } from './processes.js';

/** An organization and an API key for it, written directly (the key is shown once, as the CLI would). */
export async function createOrgWithKey(c: pg.Client, name: string): Promise<{ id: string; bearer: string }> {
  const {
    rows: [org],
  } = await c.query<{ id: string }>(`INSERT INTO organizations (name) VALUES ($1) RETURNING id`, [name]);
  const key = generateApiKey();
  await c.query(
    `INSERT INTO api_keys (organization_id, name, prefix, secret_hash) VALUES ($1, 'bench', $2, $3)`,
    [org.id, key.prefix, key.secretHash],
  );
  return { id: org.id, bearer: `Bearer ${key.key}` };
}

/** `node dist/apps/api/main.js` on a free port, as production runs the API (no scheduler). */
export async function startApi(databaseUrl: string): Promise<{ base: string; child: Child }> {
  const port = await freePort();
  const child = spawnNode(`${DIST}/apps/api/main.js`, [], {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    // Never the default 2525: mail would go to whatever inbox another process runs there.
    LOCAL_SMTP_PORT: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
  });
  const base = `http://127.0.0.1:${port}`;
  // Boot runs the migrations; on a shared, loaded machine that has taken over a minute.
  await waitForHttp(`${base}/health`, 180_000, child);
  return { base, child };
}
