import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditEventsController } from '../libs/audit/src/audit-events.controller.js';
import { ApiKeyGuard } from '../libs/auth/src/api-key.guard.js';
import { AuthModule } from '../libs/auth/src/auth.module.js';
import { CoreModule, type CoreOptions } from '../libs/core/src/core.module.js';
import { PinoLoggerModule } from '../libs/common/src/pino-logger.module.js';
import { RegistryModule } from '../libs/registry/src/registry.module.js';
import { CatalogueModule } from '../libs/requirements/src/catalogue.module.js';
import { DeadlinesModule } from '../libs/deadlines/src/deadlines.module.js';
import { MailModule } from '../libs/mail/src/mail.module.js';
import { RemindersModule } from '../libs/reminders/src/reminders.module.js';
import { ExportsModule } from '../libs/exports/src/exports.module.js';
import { ContinuityModule } from '../libs/continuity/src/continuity.module.js';
import { CertificatesModule } from '../libs/certificates/src/certificates.module.js';
import { DomainsModule } from '../libs/domains/src/domains.module.js';
import { WechatModule } from '../libs/wechat/src/wechat.module.js';
import { ConsoleModule } from '../libs/console/src/console.module.js';
import { PeopleModule } from '../libs/people/src/people.module.js';
import { ChannelsModule } from '../libs/channels/src/channels.module.js';
import { HealthController } from './api/health.controller.js';

export interface AppRoles {
  api: boolean;
  worker: boolean;
}

/** Secrets that must never reach a log line, wherever they appear in a request. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.apiKey',
  '*.key',
  '*.token',
  '*.appSecret',
  '*.secret',
  '*.access_token',
];

/** One module list, several roles: `npm start` runs api and worker together, production runs them apart. */
@Module({})
export class AppModule {
  static create(core: CoreOptions, roles: AppRoles): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PinoLoggerModule.forRoot({
          level: core.config.LOG_LEVEL,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          autoLogging: { ignore: (req) => req.url === '/health' },
          // URLs can carry signed tokens (acknowledge links, calendar feeds): log the path only.
          serializers: {
            req: (req: { id: unknown; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: String(req.url)
                .split('?')[0]
                .replace(/\/(ack|calendar)\/[^/]+/, '/$1/[redacted]'),
            }),
          },
        }),
        CoreModule.forRoot(core),
        AuthModule,
        CatalogueModule,
        DeadlinesModule,
        RegistryModule,
        ContinuityModule,
        MailModule,
        RemindersModule.forRoot({ worker: roles.worker }),
        ExportsModule,
        CertificatesModule.forRoot({ worker: roles.worker }),
        DomainsModule.forRoot({ worker: roles.worker }),
        WechatModule.forRoot({ worker: roles.worker }),
        PeopleModule,
        ChannelsModule.forRoot({ worker: roles.worker }),
        ...(roles.api ? [ConsoleModule] : []),
      ],
      controllers: roles.api ? [HealthController, AuditEventsController] : [],
      providers: roles.api ? [{ provide: APP_GUARD, useClass: ApiKeyGuard }] : [],
    };
  }
}
