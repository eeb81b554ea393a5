import { readFile } from 'node:fs/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { seedDemo } from '../../database/seed/demo.js';
import { ApiKeyService } from '../../libs/auth/src/api-key.service.js';
import type { AuthContext } from '../../libs/auth/src/auth-context.js';
import { OrganizationService } from '../../libs/auth/src/organization.service.js';
import { DomainError } from '../../libs/common/src/domain.error.js';
import { MiniProgramImportService } from '../../libs/registry/src/mini-program-import.service.js';
import { createContext } from '../bootstrap.js';
import { prepareRuntime } from '../runtime.js';

const out = (line = '') => process.stdout.write(line + '\n');
const info = (line: string) => process.stderr.write(`[mp-guard] ${line}\n`);

/** Opens the app context, runs one command, then closes everything (the embedded database too). */
async function withApp<T>(run: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const { config, database } = await prepareRuntime(info);
  const app = await createContext({ config, databaseUrl: database.url });
  try {
    return await run(app);
  } finally {
    await app.close();
    await database.embedded?.stop();
  }
}

async function cliContext(app: INestApplicationContext, organizationId: string): Promise<AuthContext> {
  const org = await app.get(OrganizationService).get(organizationId);
  return {
    organizationId: org.id,
    timeZone: org.timeZone,
    locale: org.locale,
    actorType: 'cli',
    actorId: null,
    actorLabel: `cli (${process.env.USER ?? 'unknown user'})`,
  };
}

const uuidArg = (value: string) => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new InvalidArgumentError('must be an organization id (UUID); see `org list`');
  }
  return value;
};

const program = new Command('mp-guard').description('mp-guard operator commands').showHelpAfterError();

const org = program.command('org').description('organizations');
org
  .command('create')
  .requiredOption('--name <name>', 'organization name')
  .option('--time-zone <tz>', 'IANA time zone of its calendar deadlines', 'Asia/Shanghai')
  .option('--locale <locale>', 'zh-CN or en', 'zh-CN')
  .description('create an organization and print its first API key (shown once)')
  .action((opts: { name: string; timeZone: string; locale: 'zh-CN' | 'en' }) =>
    withApp(async (app) => {
      const { organization, apiKey } = await app.get(OrganizationService).create(opts);
      out(`organization ${organization.id}  ${organization.name}  (${organization.timeZone})`);
      out(`API key (shown once, store it now): ${apiKey.key}`);
    }),
  );
org
  .command('list')
  .description('list organizations')
  .action(() =>
    withApp(async (app) => {
      for (const o of await app.get(OrganizationService).findAll())
        out(`${o.id}  ${o.name}  ${o.timeZone}  ${o.locale}`);
    }),
  );

const key = program.command('key').description('API keys');
key
  .command('create')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .option('--name <name>', 'what the key is for', 'cli')
  .description('issue a new API key (shown once)')
  .action((opts: { org: string; name: string }) =>
    withApp(async (app) => {
      const issued = await app.get(ApiKeyService).create(opts.org, opts.name);
      out(`key ${issued.id} "${issued.name}"`);
      out(`API key (shown once, store it now): ${issued.key}`);
    }),
  );
key
  .command('list')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .description('list API keys (never their secrets)')
  .action((opts: { org: string }) =>
    withApp(async (app) => {
      for (const k of await app.get(ApiKeyService).list(opts.org)) {
        const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
        out(
          `${k.id}  mpg_${k.prefix}_…  ${k.name}  ${state}  last used ${k.lastUsedAt?.toISOString() ?? 'never'}`,
        );
      }
    }),
  );
key
  .command('revoke')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .argument('<key>', 'key id or its prefix (the 12 hex characters after mpg_)')
  .description('revoke an API key; requests with it get 401 at once')
  .action((idOrPrefix: string, opts: { org: string }) =>
    withApp(async (app) => {
      const k = await app.get(ApiKeyService).revoke(opts.org, idOrPrefix.replace(/^mpg_/, '').split('_')[0]);
      out(`revoked ${k.id} "${k.name}" at ${k.revokedAt?.toISOString()}`);
    }),
  );

program
  .command('import')
  .argument('<what>', 'mini-programs')
  .argument('<file>', 'CSV file (UTF-8 with or without BOM, or GB18030)')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .description('import a CSV: all rows or none; every bad row is listed')
  .action((what: string, file: string, opts: { org: string }) => {
    if (what !== 'mini-programs')
      throw new InvalidArgumentError(`cannot import "${what}": only mini-programs`);
    return withApp(async (app) => {
      const data = await readFile(file);
      const bar = new SingleBar({
        format: 'importing [{bar}] {value}/{total} rows',
        stream: process.stderr,
        noTTYOutput: false,
      });
      let started = false;
      const result = await app
        .get(MiniProgramImportService)
        .import(await cliContext(app, opts.org), data, (done, total) => {
          if (total < 500) return;
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        });
      if (started) bar.stop();
      out(`imported ${result.imported} mini-programs (${result.encoding})`);
      if (result.vendorsCreated.length) out(`new vendors: ${result.vendorsCreated.join(', ')}`);
    });
  });

program
  .command('demo')
  .description('create the demo organization with sample data and print its API key (any database)')
  .action(() =>
    withApp(async (app) => {
      const demo = await seedDemo(app);
      out(
        `demo organization ${demo.organizationId} "${demo.organizationName}" with ${demo.miniPrograms} mini-programs`,
      );
      out(`API key (shown once, store it now): ${demo.apiKey}`);
    }),
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof DomainError) {
    process.stderr.write(`error: ${error.message}\n`);
    for (const p of error.problems) process.stderr.write(`  ${p.field}: ${p.rule}\n`);
    process.exit(2);
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
