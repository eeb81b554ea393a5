import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { Command, InvalidArgumentError } from 'commander';
import type { AuthContext } from '../../libs/auth/src/auth-context.js';
import { Clock, FixedClock } from '../../libs/common/src/clock.js';
import { DomainError } from '../../libs/common/src/domain.error.js';
import type { HandoverFormat } from '../../libs/continuity/src/handover.service.js';
import type { ChecklistFormat } from '../../libs/exports/src/checklist.service.js';
import type { ExportFileName } from '../../libs/exports/src/renderers/index.js';

// Only commander and the few lines above load before a command runs: each command imports what it uses
// (`await import`), so `org list` does not load the console, the exports, PDF and XLSX writers or the
// OpenAPI decorators, and `--help` or a wrong argument answers at once.

const out = (line = '') => process.stdout.write(line + '\n');
const info = (line: string) => process.stderr.write(`[mp-guard] ${line}\n`);

/** The feature modules a command needs; the rest of the application is not even imported. */
type Features = () => Promise<Array<Type | DynamicModule>>;

/**
 * Opens a Nest context, runs one command, then closes everything (the embedded database too). With `features`
 * the context holds the core (config, database, clock, audit) and those modules only; without, the whole
 * application minus HTTP (what commands that plan, send or export need).
 */
async function withApp<T>(
  run: (app: INestApplicationContext) => Promise<T>,
  clock?: Clock,
  features?: Features,
): Promise<T> {
  const { prepareRuntime } = await import('../runtime.js');
  const { config, database } = await prepareRuntime(info);
  const core = { config, databaseUrl: database.url, clock };
  const app = features
    ? await (await import('./command-context.js')).createCommandContext(core, await features())
    : await (await import('../bootstrap.js')).createContext(core);
  try {
    return await run(app);
  } finally {
    const pool = app.get((await import('typeorm')).DataSource);
    await app.close();
    // Nest does not end the pool; an idle connection to a shared database kept the process 10 s more
    if (pool.isInitialized) await pool.destroy();
    await database.embedded?.stop();
  }
}

/** Organizations and API keys need nothing but the auth module. */
const AUTH_ONLY: Features = async () => [(await import('../../libs/auth/src/auth.module.js')).AuthModule];

/** The organization's service and the database, from an open context (the modules are loaded by then). */
const organizations = async (app: INestApplicationContext) =>
  app.get((await import('../../libs/auth/src/organization.service.js')).OrganizationService);
const database = async (app: INestApplicationContext) => app.get((await import('typeorm')).DataSource);
const apiKeys = async (app: INestApplicationContext) =>
  app.get((await import('../../libs/auth/src/api-key.service.js')).ApiKeyService);
const channelService = async (app: INestApplicationContext) =>
  app.get((await import('../../libs/channels/src/channel.service.js')).ChannelService);
const credentials = async (app: INestApplicationContext) =>
  app.get((await import('../../libs/wechat/src/credential.service.js')).CredentialService);

async function cliContext(app: INestApplicationContext, organizationId: string): Promise<AuthContext> {
  const org = await (await organizations(app)).get(organizationId);
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

/**
 * A `--format` parser that loads no exporter. The formats come as a record so that tsc fails here when the
 * exporters add or drop one; the rule reads as the API's ("must be one of: csv, xlsx, pdf, md").
 */
function formatArg<F extends string>(formats: Record<F, true>): (value: string) => F {
  const names = Object.keys(formats);
  return (value) => {
    if (!names.includes(value)) throw new InvalidArgumentError(`must be one of: ${names.join(', ')}`);
    return value as F;
  };
}
const checklistFormat = formatArg<ChecklistFormat>({ csv: true, xlsx: true, pdf: true, md: true });
const handoverFormat = formatArg<HandoverFormat>({ md: true, pdf: true });

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
    withApp(
      async (app) => {
        const { organization, apiKey } = await (await organizations(app)).create(opts);
        out(`organization ${organization.id}  ${organization.name}  (${organization.timeZone})`);
        out(`API key (shown once, store it now): ${apiKey.key}`);
      },
      undefined,
      AUTH_ONLY,
    ),
  );
org
  .command('list')
  .description('list organizations')
  .action(() =>
    withApp(
      async (app) => {
        for (const o of await (await organizations(app)).findAll())
          out(`${o.id}  ${o.name}  ${o.timeZone}  ${o.locale}`);
      },
      undefined,
      AUTH_ONLY,
    ),
  );

const key = program.command('key').description('API keys');
key
  .command('create')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .option('--name <name>', 'what the key is for', 'cli')
  .description('issue a new API key (shown once)')
  .action((opts: { org: string; name: string }) =>
    withApp(
      async (app) => {
        const issued = await (await apiKeys(app)).create(opts.org, opts.name);
        out(`key ${issued.id} "${issued.name}"`);
        out(`API key (shown once, store it now): ${issued.key}`);
      },
      undefined,
      AUTH_ONLY,
    ),
  );
key
  .command('list')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .description('list API keys (never their secrets)')
  .action((opts: { org: string }) =>
    withApp(
      async (app) => {
        for (const k of await (await apiKeys(app)).list(opts.org)) {
          const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
          out(
            `${k.id}  mpg_${k.prefix}_…  ${k.name}  ${state}  last used ${k.lastUsedAt?.toISOString() ?? 'never'}`,
          );
        }
      },
      undefined,
      AUTH_ONLY,
    ),
  );
key
  .command('revoke')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .argument('<key>', 'key id or its prefix (the 12 hex characters after mpg_)')
  .description('revoke an API key; requests with it get 401 at once')
  .action((idOrPrefix: string, opts: { org: string }) =>
    withApp(
      async (app) => {
        const k = await (await apiKeys(app)).revoke(opts.org, idOrPrefix.replace(/^mpg_/, '').split('_')[0]);
        out(`revoked ${k.id} "${k.name}" at ${k.revokedAt?.toISOString()}`);
      },
      undefined,
      AUTH_ONLY,
    ),
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
        const { AssetImportService } = await import('../../libs/continuity/src/asset-import.service.js');
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
      const { MiniProgramImportService } =
        await import('../../libs/registry/src/mini-program-import.service.js');
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
      const { MailTransport } = await import('../../libs/mail/src/mail-transport.js');
      const { TickService } = await import('../../libs/reminders/src/tick.service.js');
      const mail = app.get(MailTransport);
      await mail.start();
      for (let day = 0; day < (opts.days ?? 1); day++) {
        const at = new Date(start.getTime() + day * 86_400_000);
        clock.set(at);
        const r = await app.get(TickService).tick(at);
        out(
          `${r.at}  planned ${r.plan.planned} (skipped ${r.plan.skipped}, ${r.plan.deliveries} mails)  ` +
            `sent ${r.delivery.sent}, retrying ${r.delivery.retried}, failed ${r.delivery.failed}, cancelled ${r.delivery.cancelled}` +
            (r.digest.digests || r.digest.sent || r.digest.retried || r.digest.failed
              ? `  digests: composed ${r.digest.digests} (${r.digest.items} items), sent ${r.digest.sent}, retrying ${r.digest.retried}, failed ${r.digest.failed}`
              : '') +
            (r.delivery.paused || r.digest.paused ? '  [sending paused: see /health]' : ''),
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
      const { DeliveryService } = await import('../../libs/reminders/src/delivery.service.js');
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
      const { seedDemo } = await import('../../database/seed/demo.js');
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
      const { PeopleService } = await import('../../libs/people/src/people.service.js');
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

const contact = program.command('contact').description('the people reminders go to');
contact
  .command('reminders')
  .description(
    'choose how a contact gets reminders: one mail per stage (immediate) or one daily digest (digest); audited',
  )
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .requiredOption('--contact <id|email>', "the contact's id or e-mail address")
  .requiredOption('--mode <mode>', 'immediate or digest', (v: string) => {
    if (v !== 'immediate' && v !== 'digest')
      throw new InvalidArgumentError("must be 'immediate' or 'digest'");
    return v;
  })
  .option(
    '--hour <h>',
    "local hour (0-23) from which the digest goes out; 'default' for the organization's send hour",
    (v: string) => {
      // commander turns a parser's null into '': -1 stands for "the organization's send hour".
      if (v === 'default') return -1;
      if (!/^\d{1,2}$/.test(v) || Number(v) > 23)
        throw new InvalidArgumentError("must be a whole hour from 0 to 23, or 'default'");
      return Number(v);
    },
  )
  .action((opts: { org: string; contact: string; mode: 'immediate' | 'digest'; hour?: number }) =>
    withApp(async (app) => {
      const ctx = await cliContext(app, opts.org);
      const found = await (
        await database(app)
      ).query<{ id: string }[]>(
        `SELECT id FROM contacts WHERE organization_id = $1 AND (id::text = lower($2) OR lower(email) = lower($2)) ORDER BY created_at, id`,
        [opts.org, opts.contact.trim()],
      );
      if (found.length !== 1)
        throw DomainError.invalid([
          {
            field: 'contact',
            rule: found.length
              ? `${found.length} contacts have this address; give the id (see GET /api/v1/contacts)`
              : 'must be the id or e-mail of a contact of this organization',
          },
        ]);
      const { ContactService } = await import('../../libs/registry/src/contact.service.js');
      const r = await app.get(ContactService).update(ctx, found[0].id, {
        reminderMode: opts.mode,
        ...(opts.hour !== undefined ? { digestHour: opts.hour === -1 ? null : opts.hour } : {}),
      });
      out(
        `${r.name} <${r.email}>: ` +
          (r.reminderMode === 'digest'
            ? `daily digest from ${r.digestHour === null ? "the organization's send hour" : `${r.digestHour}:00 local time`}`
            : 'one mail per reminder'),
      );
    }),
  );

const exportCmd = program.command('export').description('files for people outside the API');
exportCmd
  .command('checklist')
  .description(
    'write the renewal checklist to a file (the same content as GET /api/v1/exports/checklist.<format>)',
  )
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .requiredOption('--format <format>', 'csv, xlsx, pdf or md', checklistFormat)
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
        const { ChecklistService } = await import('../../libs/exports/src/checklist.service.js');
        const { writeChecklist } = await import('../../libs/exports/src/checklist-formats.js');
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
  .requiredOption('--format <format>', 'md or pdf', handoverFormat)
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
        const { HandoverService, writeHandover } =
          await import('../../libs/continuity/src/handover.service.js');
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

const domains = program
  .command('domains')
  .description('registration expiry of the registered server domains, read over RDAP');
domains
  .command('check')
  .description(
    'ask RDAP now for each registrable domain (api.example.com.cn → example.com.cn) and keep its registration deadline in step; a date entered by hand is kept',
  )
  .option(
    '--at <instant>',
    'as of this ISO instant with offset (due dates, retry times, the daily limit); default now',
    instantArg,
  )
  .option('--org <id>', 'only this organization', uuidArg)
  .action((opts: { at?: Date; org?: string }) => {
    const at = opts.at ?? new Date();
    return withApp(async (app) => {
      if (opts.org) await cliContext(app, opts.org);
      const { DomainRegistrationService } =
        await import('../../libs/domains/src/domain-registration.service.js');
      const r = await app
        .get(DomainRegistrationService)
        .run(at, { trigger: 'on_demand', organizationId: opts.org });
      if (!r.ran) {
        out('another process is reading domain registrations now; try again in a minute');
        process.exitCode = 1;
        return;
      }
      for (const c of r.checks)
        out(
          [
            c.domain,
            c.outcome,
            c.expiresOn ? `expires ${c.expiresOn}` : '',
            `record ${c.action}`,
            c.message ?? '',
            opts.org ? '' : `org ${c.organizationId}`,
          ]
            .filter(Boolean)
            .join('  '),
        );
      out(`${r.at}  asked ${r.checks.length} domains`);
      for (const hit of r.limited)
        out(
          `daily RDAP limit ${hit.limit} reached on ${hit.day}: ${hit.skipped} domains not asked` +
            (opts.org ? '' : ` (org ${hit.organizationId})`),
        );
    });
  });

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
      const { CertificateWatchService } =
        await import('../../libs/certificates/src/certificate-watch.service.js');
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
  const [row] = await (
    await database(app)
  ).query<{ id: string }[]>(
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

// Chat channels (issue #17). The URL carries the robot's key, so it comes on standard input like a secret.
const channels = program.command('channels').description('chat channels: WeCom, DingTalk and Feishu robots, signed webhooks');
const channelArg = (value: string) => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    throw new InvalidArgumentError('must be a channel id (UUID); see `channels list`');
  return value;
};
const printChannel = (c: { id: string; kind: string; name: string; target: string; status: string; roles: string[]; pending?: number }) =>
  out(`${c.id}  ${c.kind.padEnd(8)}  ${c.status.padEnd(6)}  ${c.name}  ${c.target}  roles=${c.roles.join(',')}${c.pending === undefined ? '' : `  pending=${c.pending}`}`);
channels
  .command('add')
  .description('add a channel; standard input: the webhook URL on the first line, the signing secret (if any) on the second')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .requiredOption('--kind <kind>', 'wecom, dingtalk, feishu or webhook')
  .requiredOption('--name <name>', 'a name people recognise, e.g. 合规群')
  .option('--roles <list>', 'ladder roles whose stages it receives, comma-separated (default: all)')
  .option('--vendor <id>', "only deadlines of this vendor's mini-programs")
  .action((opts: { org: string; kind: string; name: string; roles?: string; vendor?: string }) =>
    withApp(async (app) => {
      const [url, secret] = (await readSecretFromStdin()).split(/\r?\n/).map((l) => l.trim());
      const ctx = await cliContext(app, opts.org);
      const c = await (await channelService(app)).create(ctx, {
        kind: opts.kind,
        name: opts.name,
        url,
        secret: secret || undefined,
        roles: opts.roles?.split(',').map((r) => r.trim()),
        vendorId: opts.vendor,
      });
      printChannel(c);
    }),
  );
channels
  .command('list')
  .requiredOption('--org <id>', 'organization id', uuidArg)
  .action((opts: { org: string }) =>
    withApp(async (app) => {
      for (const c of await (await channelService(app)).list(await cliContext(app, opts.org))) printChannel(c);
    }),
  );
for (const [name, description] of [
  ['test', 'send a test message now and print what the platform answered'],
  ['pause', 'pause: nothing is posted, new stages are not queued for it'],
  ['resume', 'resume: the messages that waited are posted within the bot limit'],
  ['remove', 'delete the channel and its queued messages'],
] as const) {
  channels
    .command(name)
    .description(description)
    .requiredOption('--org <id>', 'organization id', uuidArg)
    .argument('<channel>', 'channel id', channelArg)
    .action((id: string, opts: { org: string }) =>
      withApp(async (app) => {
        const ctx = await cliContext(app, opts.org);
        const service = await channelService(app);
        if (name === 'test') out(JSON.stringify(await service.test(ctx, id)));
        else if (name === 'pause') printChannel(await service.pause(ctx, id));
        else if (name === 'resume') printChannel(await service.resume(ctx, id));
        else {
          await service.remove(ctx, id);
          out(`removed ${id}`);
        }
      }),
    );
}
channels
  .command('deliver')
  .description('post every channel message due now, within each bot limit (the worker does this every few seconds)')
  .action(() =>
    withApp(async (app) => {
      const { ChannelDeliveryService } = await import('../../libs/channels/src/channel-delivery.service.js');
      out(JSON.stringify(await app.get(ChannelDeliveryService).deliverDue(() => app.get(Clock).now())));
    }),
  );

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
      await (await credentials(app)).put(ctx, id, value);
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
      await (await credentials(app)).remove(ctx, await miniProgramIdOf(app, ctx, opts.miniProgram));
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
      const { WechatSyncService } = await import('../../libs/wechat/src/wechat-sync.service.js');
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
      const r = await (await credentials(app)).rotate();
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
