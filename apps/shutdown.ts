import type { INestApplicationContext } from '@nestjs/common';
import type { EmbeddedServer } from '../libs/database/src/embedded-postgres.js';

/**
 * SIGINT/SIGTERM: stop taking requests, let the app's shutdown hooks wait for work in flight,
 * then stop the embedded PostgreSQL last, since everything before needs it.
 */
export function installShutdown(app: INestApplicationContext, embedded: EmbeddedServer | null): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`[mp-guard] ${signal}: shutting down\n`);
    void (async () => {
      try {
        await app.close();
        await embedded?.stop();
      } finally {
        process.exit(0);
      }
    })();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
