import type { DataSource } from 'typeorm';

/**
 * Runs `work` while holding a PostgreSQL session advisory lock on one dedicated connection, so only one
 * worker runs a periodic job at a time. `lockKey` is the SQL expression of the key (e.g.
 * `hashtext('mp-guard:wechat-sync')`), a constant written in code, never user input. Returns false without
 * running `work` when another session holds the lock. The lock and the connection are released whatever
 * happens.
 */
export async function withRunLock(
  db: DataSource,
  lockKey: string,
  work: () => Promise<void>,
): Promise<boolean> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock(${lockKey}) AS locked`)) as {
      locked: boolean;
    }[];
    if (!locked) return false;
    try {
      await work();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${lockKey})`);
    }
  } finally {
    await runner.release();
  }
  return true;
}
