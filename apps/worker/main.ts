import { createContext } from '../bootstrap.js';
import { prepareRuntime } from '../runtime.js';
import { installShutdown } from '../shutdown.js';
import { MailTransport } from '../../libs/mail/src/mail-transport.js';

/** A worker-only process: the planner tick and the delivery loop, no HTTP. Run any number of them. */
async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`[mp-guard worker] ${line}\n`);
  const { config, database } = await prepareRuntime(say);
  const app = await createContext({ config, databaseUrl: database.url }, { api: false, worker: true });
  installShutdown(app, database.embedded);
  await app.get(MailTransport).start();
  await app.init();
  say(
    `running: tick every ${config.TICK_INTERVAL_SECONDS} s, deliveries every ${config.DELIVERY_INTERVAL_SECONDS} s`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[mp-guard worker] failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
