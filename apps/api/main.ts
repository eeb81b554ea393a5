import { createApp } from '../bootstrap.js';
import { prepareRuntime } from '../runtime.js';
import { installShutdown } from '../shutdown.js';

/** An API-only process (no scheduler), for production where workers run apart. */
async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`[mp-guard api] ${line}\n`);
  const { config, database } = await prepareRuntime(say);
  const app = await createApp({ config, databaseUrl: database.url, roles: { api: true, worker: false } });
  installShutdown(app, database.embedded);
  await app.listen(config.PORT, config.HOST);
  say(`listening on ${config.publicUrl} (docs at /docs)`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[mp-guard api] failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
