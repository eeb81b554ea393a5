import type { AppConfig } from '../../config/src/app-config.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.js';

export interface DatabaseLocation {
  url: string;
  embedded: EmbeddedServer | null;
}

export const EMBEDDED_DATABASE = 'mpguard';

/** DATABASE_URL when given; otherwise the embedded cluster in DATA_DIR, started here. */
export async function locateDatabase(
  config: AppConfig,
  onLog?: (line: string) => void,
): Promise<DatabaseLocation> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const embedded = await startEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_PG_PORT, onLog);
  await ensureDatabase(embedded.adminUrl, EMBEDDED_DATABASE);
  return { url: embedded.urlFor(EMBEDDED_DATABASE), embedded };
}
