import { MailTransport } from '../libs/mail/src/mail-transport.js';
import { demoWanted, seedDemo } from '../database/seed/demo.js';
import { createApp } from './bootstrap.js';
import { prepareRuntime } from './runtime.js';
import { installShutdown } from './shutdown.js';

/** `npm start`: API and worker in one process, on the embedded PostgreSQL unless DATABASE_URL is set. */
async function main(): Promise<void> {
  const startedAt = performance.now();
  const say = (line: string) => process.stdout.write(`[mp-guard] ${line}\n`);
  const { config, database } = await prepareRuntime(say);
  const app = await createApp({
    config,
    databaseUrl: database.url,
    roles: { api: true, worker: config.SCHEDULER_ENABLED },
  });
  installShutdown(app, database.embedded);
  await app.init();
  const mail = app.get(MailTransport);
  await mail.start();

  const seedWanted =
    config.DEMO_SEED === 'always' ||
    (config.DEMO_SEED === 'auto' && config.embedded && (await demoWanted(app)));
  if (seedWanted) {
    const demo = await seedDemo(app);
    say('');
    if (demo.apiKey) {
      say(`Demo organization "${demo.organizationName}" created with ${demo.miniPrograms} mini-programs.`);
      say(`Its API key, shown this once (store it; only its hash is kept):`);
      say(`    ${demo.apiKey}`);
      say(`Console: open this one-time link to set the demo administrator's password and sign in`);
      say(
        `(valid 7 days, once; invite colleagues from the console's 成员 page or \`npm run cli -- user invite\`):`,
      );
      say(`    ${demo.signInLink}`);
      say(
        `Try:  KEY=<that key>; curl -H "Authorization: Bearer $KEY" ${config.publicUrl}/api/v1/mini-programs`,
      );
    } else {
      say(
        `Demo organization "${demo.organizationName}" (${demo.organizationId}) already exists: kept as is.`,
      );
    }
  }
  await app.listen(config.PORT, config.HOST);
  say('');
  say(`API      ${config.publicUrl}/api/v1`);
  say(`Docs     ${config.publicUrl}/docs   (OpenAPI JSON: ${config.publicUrl}/docs-json)`);
  say(`Health   ${config.publicUrl}/health`);
  say(
    mail.describe().kind === 'local-inbox'
      ? `Inbox    ${config.publicUrl}/console/inbox   (no SMTP_URL: reminders are kept here, SMTP ${mail.describe().target})`
      : `Mail     ${mail.describe().target}`,
  );
  say(`Ready in ${Math.round(performance.now() - startedAt)} ms.`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[mp-guard] failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
