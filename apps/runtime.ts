import { ConfigError, loadConfig, redactUrl, type AppConfig } from '../libs/config/src/app-config.js';
import { runMigrations } from '../libs/database/src/data-source.js';
import { type DatabaseLocation, locateDatabase } from '../libs/database/src/database-location.js';

export interface Runtime {
  config: AppConfig;
  database: DatabaseLocation;
  migrations: string[];
}

/** Validated config, a reachable database and its schema up to date: what every entry point needs first. */
export async function prepareRuntime(log: (line: string) => void): Promise<Runtime> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  if (config.embedded)
    log(`No DATABASE_URL: starting the embedded PostgreSQL in ${config.DATA_DIR}/postgres`);
  const database = await locateDatabase(config);
  log(`Database: ${redactUrl(database.url)}`);
  const migrations = await runMigrations(database.url);
  if (migrations.length) log(`Applied migrations: ${migrations.join(', ')}`);
  return { config, database, migrations };
}
