import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { Command, InvalidArgumentError } from 'commander';
import { DataSource } from 'typeorm';
import { seedDemo } from '../../database/seed/demo.js';
import { ApiKeyService } from '../../libs/auth/src/api-key.service.js';
import type { AuthContext } from '../../libs/auth/src/auth-context.js';
import { OrganizationService } from '../../libs/auth/src/organization.service.js';
import { type Clock, FixedClock } from '../../libs/common/src/clock.js';
import { DomainError } from '../../libs/common/src/domain.error.js';
import { TickService } from '../../libs/reminders/src/tick.service.js';
import { DeliveryService } from '../../libs/reminders/src/delivery.service.js';
import { MailTransport } from '../../libs/mail/src/mail-transport.js';
import { MiniProgramImportService } from '../../libs/registry/src/mini-program-import.service.js';
import { AssetImportService } from '../../libs/continuity/src/asset-import.service.js';
import {
  HANDOVER_FORMAT_RULE,
  HandoverService,
  isHandoverFormat,
  writeHandover,
} from '../../libs/continuity/src/handover.service.js';
import { FORMAT_RULE, isChecklistFormat, writeChecklist } from '../../libs/exports/src/checklist-formats.js';
import { ChecklistService } from '../../libs/exports/src/checklist.service.js';
import type { ExportFileName } from '../../libs/exports/src/renderers/index.js';
import { CertificateWatchService } from '../../libs/certificates/src/certificate-watch.service.js';
import { CredentialService } from '../../libs/wechat/src/credential.service.js';
import { WechatSyncService } from '../../libs/wechat/src/wechat-sync.service.js';
import { PeopleService } from '../../libs/people/src/people.service.js';
import { createContext } from '../bootstrap.js';
import { prepareRuntime } from '../runtime.js';

const out = (line = '') => process.stdout.write(line + '\n');
const info = (line: string) => process.stderr.write(`[mp-guard] ${line}\n`);

/** Opens the app context, runs one command, then closes everything (the embedded database too). */
async function withApp<T>(run: (app: INestApplicationContext) => Promise<T>, clock?: Clock): Promise<T> {
  const { config, database } = await prepareRuntime(info);
  const app = await createContext({ config, databaseUrl: database.url, clock });
  try {
    return await run(app);
  } finally {
    const pool = app.get(DataSource);
    await app.close();
    // Nest does not end the pool; an idle connection to a shared database kept the process 10 s more
    if (pool.isInitialized) await pool.destroy();
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

const localeArg = (v: string): 'zh-CN' | 'en' => {
  if (v !== 'zh-CN' && v !== 'en') throw new InvalidArgumentError("must be 'zh-CN' or 'en'");
  return v;
};

/** Writes a file under a temporary name and renames it when complete, so no half-written file is left. */
async function writeAtomically(file: string, write: (out: Writable) => Promise<void>): Promise<string> {
  const target = path.resolve(file);
  const partial = `${target}.partial-${process.pid}`;
  await mkdir(path.dirname(target), { recursive: true });
  try {
    await write(createWriteStream(partial));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return target;
}

const OUT_HELP =
  'where to write it (default: ./exports/<the name the API gives it>); written to a temporary name, renamed when complete';

/** `./exports/<name>` under the current directory (created when missing; ignored by git in the repo). */
function defaultOut(file: ExportFileName): string {
  return path.join(process.cwd(), 'exports', file.name);
}

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
  .argument('<what>', 'mini-programs or assets (the custody register)')
  .argument('<file>', 'CSV file (UTF-8 with or without BOM, or GB18030)')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .description('import a CSV: all rows or none; every bad row is listed')
  .action((what: string, file: string, opts: { org: string }) => {
    if (what === 'assets')
      return withApp(async (app) => {
        const r = await app
          .get(AssetImportService)
          .import(await cliContext(app, opts.org), await readFile(file));
        out(
          `imported ${r.imported} assets (${r.encoding}): ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged`,
        );
      });
    if (what !== 'mini-programs')
      throw new InvalidArgumentError(`cannot import "${what}": only mini-programs or assets`);
    return withApp(async (app) => {
      const data = await readFile(file);
      const { SingleBar } = await import('cli-progress');
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

const instantArg = (value: string) => {
  // An ISO instant with its offset, so the same command means the same moment on every machine.
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw new InvalidArgumentError('must be an ISO instant with a zone, e.g. 2026-12-01T09:00:00+08:00');
  }
  return new Date(value);
};

program
  .command('tick')
  .description('plan and deliver reminders as of an instant (rehearse any date); default now')
  .option('--at <instant>', 'ISO instant with offset, e.g. 2026-12-01T09:00:00+08:00', instantArg)
  .option('--days <n>', 'repeat day by day for n days from --at', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 3660)
      throw new InvalidArgumentError('must be a whole number of days, 1 to 3660');
    return n;
  })
  .action((opts: { at?: Date; days?: number }) => {
    const start = opts.at ?? new Date();
    const clock = new FixedClock(start);
    return withApp(async (app) => {
      const mail = app.get(MailTransport);
      await mail.start();
      for (let day = 0; day < (opts.days ?? 1); day++) {
        const at = new Date(start.getTime() + day * 86_400_000);
        clock.set(at);
        const r = await app.get(TickService).tick(at);
        out(
          `${r.at}  planned ${r.plan.planned} (skipped ${r.plan.skipped}, ${r.plan.deliveries} mails)  ` +
            `sent ${r.delivery.sent}, retrying ${r.delivery.retried}, failed ${r.delivery.failed}, cancelled ${r.delivery.cancelled}` +
            (r.delivery.paused ? '  [sending paused: see /health]' : ''),
        );
      }
      const { kind, target } = mail.describe();
      out(
        kind === 'local-inbox'
          ? `mail is in the local inbox (${target}); with npm start running see /console/inbox`
          : `mail sent to ${target}`,
      );
    }, clock);
  });

program
  .command('deliver')
  .description('send every reminder delivery due now, then exit (a one-shot delivery worker)')
  .action(() =>
    withApp(async (app) => {
      const started = performance.now();
      const r = await app.get(DeliveryService).deliverDue(() => new Date());
      const seconds = (performance.now() - started) / 1000;
      out(JSON.stringify({ ...r, seconds: Math.round(seconds * 1000) / 1000 }));
    }),
  );

program
  .command('demo')
  .description(
    'create the demo organization with sample data and print its API key (any database; once: run again, it is kept)',
  )
  .action(() =>
    withApp(async (app) => {
      const demo = await seedDemo(app);
      if (!demo.apiKey) {
        out(
          `demo organization ${demo.organizationId} "${demo.organizationName}" already exists (${demo.miniPrograms} mini-programs): nothing added`,
        );
        out(`its key was shown when it was created; a new one: key create --org ${demo.organizationId}`);
        return;
      }
      out(
        `demo organization ${demo.organizationId} "${demo.organizationName}" with ${demo.miniPrograms} mini-programs`,
      );
      out(`API key (shown once, store it now): ${demo.apiKey}`);
      out(`console sign-in link (once, 7 days): ${demo.signInLink}`);
    }),
  );

const user = program.command('user').description('people who sign in to the console');
user
  .command('invite')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .requiredOption('--email <address>', 'e-mail of the person to invite')
  .option('--role <role>', 'admin, manager, operator or viewer', 'admin')
  .option('--locale <locale>', 'language of the invitation mail: zh-CN or en', localeArg)
  .option('--no-mail', 'only print the link (no mail through the outbox)')
  .description(
    'invite a person to the console: prints the one-time link (7 days) and mails it through the outbox',
  )
  .action((opts: { org: string; email: string; role: string; locale?: 'zh-CN' | 'en'; mail: boolean }) =>
    withApp(async (app) => {
      const issued = await app
        .get(PeopleService)
        .invite(
          await cliContext(app, opts.org),
          { email: opts.email, role: opts.role, locale: opts.locale },
          { mail: opts.mail },
        );
      out(
        `invitation ${issued.id} for ${opts.email.trim().toLowerCase()} as ${opts.role}, valid until ${issued.expiresAt.toISOString()}`,
      );
      out(`sign-in link (works once): ${issued.link}`);
      if (opts.mail) out('the invitation mail is in the outbox: the running app (or `cli deliver`) sends it');
    }),
  );

const exportCmd = program.command('export').description('files for people outside the API');
exportCmd
  .command('checklist')
  .description(
    'write the renewal checklist to a file (the same content as GET /api/v1/exports/checklist.<format>)',
  )
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .requiredOption('--format <format>', 'csv, xlsx, pdf or md', (v) => {
    if (!isChecklistFormat(v)) throw new InvalidArgumentError(FORMAT_RULE);
    return v;
  })
  .option('--out <file>', OUT_HELP)
  .option('--mini-program <id>', 'only this mini-program')
  .option('--deadline <id>', 'only this deadline cycle')
  .option('--due-from <date>', 'only cycles due on or after this date (YYYY-MM-DD)')
  .option('--due-to <date>', 'only cycles due on or before this date (YYYY-MM-DD)')
  .option('--locale <locale>', "zh-CN or en (default: the organization's)", localeArg)
  .action(
    (opts: {
      org: string;
      format: 'csv' | 'xlsx' | 'pdf' | 'md';
      out?: string;
      miniProgram?: string;
      deadline?: string;
      dueFrom?: string;
      dueTo?: string;
      locale?: 'zh-CN' | 'en';
    }) =>
      withApp(async (app) => {
        const ctx = await cliContext(app, opts.org);
        const prepared = await app.get(ChecklistService).prepare(
          ctx,
          {
            miniProgramId: opts.miniProgram,
            deadlineId: opts.deadline,
            dueFrom: opts.dueFrom,
            dueTo: opts.dueTo,
          },
          opts.locale ?? ctx.locale,
        );
        let rows = 0;
        const counted = async function* () {
          for await (const row of prepared.rows()) {
            rows++;
            yield row;
          }
        };
        const target = await writeAtomically(opts.out ?? defaultOut(prepared.fileName(opts.format)), (file) =>
          writeChecklist(opts.format, counted(), prepared.header, file),
        );
        out(`wrote ${target}: ${rows} deadlines (${prepared.header.scopeLabel})`);
      }),
  );

exportCmd
  .command('handover')
  .description(
    'write the handover pack of one mini-program (the same content as GET /api/v1/mini-programs/:id/handover.<format>)',
  )
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .requiredOption('--mini-program <id|appid>', "the mini-program's id or AppID")
  .requiredOption('--format <format>', 'md or pdf', (v) => {
    if (!isHandoverFormat(v)) throw new InvalidArgumentError(HANDOVER_FORMAT_RULE);
    return v;
  })
  .option('--out <file>', OUT_HELP)
  .option('--locale <locale>', "zh-CN or en (default: the organization's)", localeArg)
  .action(
    (opts: {
      org: string;
      miniProgram: string;
      format: 'md' | 'pdf';
      out?: string;
      locale?: 'zh-CN' | 'en';
    }) =>
      withApp(async (app) => {
        const ctx = await cliContext(app, opts.org);
        const { pack, fileName } = await app
          .get(HandoverService)
          .prepare(ctx, opts.miniProgram, opts.locale ?? ctx.locale);
        const target = await writeAtomically(opts.out ?? defaultOut(fileName(opts.format)), (file) =>
          writeHandover(opts.format, pack, file),
        );
        out(
          `wrote ${target}: ${pack.facts.name} (${pack.facts.appId}), ${pack.assets.length} assets, ${pack.deadlines.length} open deadlines`,
        );
      }),
  );

const certs = program.command('certs').description('TLS certificates of the registered server domains');
certs
  .command('check')
  .description(
    'check every registered server domain now (port 443) and keep its certificate deadline in step',
  )
  .option(
    '--at <instant>',
    'as of this ISO instant with offset (expiry and due dates); default now',
    instantArg,
  )
  .option('--org <id>', 'only this organization', uuidArg)
  .action((opts: { at?: Date; org?: string }) => {
    const at = opts.at ?? new Date();
    return withApp(async (app) => {
      if (opts.org) await cliContext(app, opts.org); // an unknown organization is an error, not "0 domains"
      const r = await app
        .get(CertificateWatchService)
        .run(at, { trigger: 'on_demand', organizationId: opts.org });
      for (const d of r.domains) {
        out(
          [
            d.domain,
            d.finding ?? (d.deadlineAction === 'failed' ? 'failed' : 'ok'),
            d.notAfter ? `notAfter ${d.notAfter}` : (d.error ?? ''),
            d.dueOn ? `due ${d.dueOn} (${d.daysLeft} days)` : '',
            `deadline ${d.deadlineAction}`,
            opts.org ? '' : `org ${d.organizationId}`,
          ]
            .filter(Boolean)
            .join('  '),
        );
      }
      const found = Object.entries(r.findings)
        .filter(([, n]) => n > 0)
        .map(([f, n]) => `${f} ${n}`);
      out(
        `${r.at}  checked ${r.checked} domains: ok ${r.ok}, findings ${found.length ? found.join(', ') : 'none'}` +
          (r.failed ? `, failed ${r.failed}` : '') +
          `; deadlines opened ${r.deadlines.opened}, renewed ${r.deadlines.renewed}, cancelled ${r.deadlines.cancelled}`,
      );
      for (const hit of r.limited)
        out(
          `daily probe limit ${hit.limit} reached on ${hit.day}: ${hit.skipped} domains not checked` +
            (opts.org ? '' : ` (org ${hit.organizationId})`),
        );
    }, new FixedClock(at));
  });

/** A mini-program of the organization by id or AppID; an unknown one is an error naming the option. */
async function miniProgramIdOf(app: INestApplicationContext, ctx: AuthContext, ref: string): Promise<string> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const [row] = await app
    .get(DataSource)
    .query<{ id: string }[]>(
      `SELECT id FROM mini_programs WHERE organization_id = $1 AND ${byId ? 'id = $2::uuid' : 'app_id = $2'}`,
      [ctx.organizationId, ref],
    );
  if (!row) {
    throw DomainError.invalid([
      { field: '--mini-program', rule: 'must be the id or AppID of a mini-program of the organization' },
    ]);
  }
  return row.id;
}

/** The secret comes on standard input, never as an argument (arguments end up in `ps` and shell history). */
async function readSecretFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new InvalidArgumentError(
      'pipe the AppSecret on standard input, e.g. read -rs S && printf %s "$S" | npm run cli -- wechat secret set ...',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

const wechat = program.command('wechat').description('the WeChat API: stored AppSecrets and the daily sync');
const secret = wechat.command('secret').description('the stored AppSecret of a mini-program (write-only)');
secret
  .command('set')
  .description('store or replace the AppSecret read from standard input (encrypted; never shown again)')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .requiredOption('--mini-program <id|appid>', "the mini-program's id or AppID")
  .action((opts: { org: string; miniProgram: string }) =>
    withApp(async (app) => {
      const value = await readSecretFromStdin();
      const ctx = await cliContext(app, opts.org);
      const id = await miniProgramIdOf(app, ctx, opts.miniProgram);
      await app.get(CredentialService).put(ctx, id, value);
      out(
        `stored the AppSecret of ${opts.miniProgram} (encrypted); run \`wechat sync --org ${opts.org}\` to use it`,
      );
    }),
  );
secret
  .command('delete')
  .description('delete the stored AppSecret and its cached token')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .requiredOption('--mini-program <id|appid>', "the mini-program's id or AppID")
  .action((opts: { org: string; miniProgram: string }) =>
    withApp(async (app) => {
      const ctx = await cliContext(app, opts.org);
      await app.get(CredentialService).remove(ctx, await miniProgramIdOf(app, ctx, opts.miniProgram));
      out(`deleted the AppSecret of ${opts.miniProgram}`);
    }),
  );

wechat
  .command('sync')
  .description(
    'read certification, review window and filing status from WeChat for every stored AppSecret now',
  )
  .option(
    '--at <instant>',
    'as of this ISO instant with offset (the registry and deadline dates); default now',
    instantArg,
  )
  .option('--org <id>', 'only this organization', uuidArg)
  .action((opts: { at?: Date; org?: string }) => {
    const at = opts.at ?? new Date();
    return withApp(async (app) => {
      if (opts.org) await cliContext(app, opts.org);
      const r = await app.get(WechatSyncService).run(at, { trigger: 'on_demand', organizationId: opts.org });
      for (const s of r.miniPrograms) {
        out(
          [
            `${s.appId} ${s.name}`,
            s.outcome,
            s.changes.map((c) => `${c.field} ${c.from ?? '-'} -> ${c.to}`).join(', '),
            s.findings
              .filter((f) => f.severity !== 'info')
              .map((f) => `[${f.severity}] ${f.message.en}`)
              .join(' '),
            s.alerted ? 'alert mailed' : '',
            opts.org ? '' : `org ${s.organizationId}`,
          ]
            .filter(Boolean)
            .join('  '),
        );
      }
      out(
        `${r.at}  synced ${r.synced}: ok ${r.ok}, partial ${r.partial}, failed ${r.failed}; changed ${r.changed}, alerts ${r.alerted}`,
      );
    }, new FixedClock(at));
  });

program
  .command('secrets')
  .description('stored secrets (AppSecrets, cached tokens)')
  .command('rotate')
  .description(
    're-encrypt every stored secret with SECRETS_KEY; the old key must be in SECRETS_PREVIOUS_KEYS until this ends',
  )
  .action(() =>
    withApp(async (app) => {
      const r = await app.get(CredentialService).rotate();
      out(`re-encrypted ${r.credentials} AppSecrets and ${r.tokens} cached tokens with key ${r.current}`);
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
