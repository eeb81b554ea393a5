import './pg-types.js';
import { DataSource } from 'typeorm';
import pg from 'pg';
import { migrations } from '../../../database/migrations/index.js';
import { entities } from './entities.js';

export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    poolSize,
    extra: { application_name: 'mp-guard' },
    logging: false,
  });
}

// Any fixed 64-bit number shared by every mp-guard process: "mpguard" in ASCII.
const MIGRATION_LOCK = 0x6d7067756172;

/**
 * Runs pending migrations while holding a session advisory lock, so processes that start at once
 * take turns: the first migrates, the others find nothing left to do.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ds = createDataSource(url, 1);
    await ds.initialize();
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}
