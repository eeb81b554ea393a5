import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../libs/config/src/app-config.js';
import { Clock, SystemClock } from '../libs/common/src/clock.js';
import type { HostResolver } from '../libs/common/src/outbound-guard.js';
import { HttpErrorFilter } from '../libs/common/src/http-error.filter.js';
import { rejectBadQuery, verifyJsonBody } from '../libs/common/src/request-guards.js';
import { PinoNestLogger } from '../libs/common/src/pino-logger.module.js';
import { createValidationPipe } from '../libs/common/src/validation.js';
import { AppModule, type AppRoles } from './app.module.js';

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  roles: AppRoles;
  clock?: Clock;
  /** Host-name resolution for outbound connections (the certificate watch); tests pass a table. */
  resolver?: HostResolver;
  /** Nest's own bootstrap logging; off in tests. */
  bufferLogs?: boolean;
}

/** Builds the Nest application (not yet listening) for any role; used by main.ts, the CLI and the tests. */
export async function createApp(options: CreateAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.create(
      {
        config: options.config,
        databaseUrl: options.databaseUrl,
        clock: options.clock ?? new SystemClock(),
        resolver: options.resolver,
      },
      options.roles,
    ),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(PinoNestLogger));
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(rejectBadQuery);
  // Nest's types reserve `verify` for its rawBody option (off here); body-parser still takes it.
  const json: NestExpressBodyParserOptionsFor<'json'> & { verify: typeof verifyJsonBody } = {
    limit: '1mb',
    verify: verifyJsonBody,
  };
  app.useBodyParser('json', json);
  app.useBodyParser('raw', {
    type: ['text/csv', 'application/csv', 'application/octet-stream'],
    limit: '20mb',
  });
  app.useBodyParser('urlencoded', { extended: false, limit: '100kb' });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  if (options.roles.api) {
    const doc = new DocumentBuilder()
      .setTitle('mp-guard API')
      .setDescription(
        'Compliance deadlines of WeChat mini-programs: registry, catalogue, deadlines, reminders, exports. ' +
          'Every /api/v1 call needs `Authorization: Bearer <API key>` and sees only its organization.',
      )
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'An API key from `npm run cli -- key create`',
      })
      .build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), {
      jsonDocumentUrl: 'docs-json',
    });
  }
  return app;
}

/** The same modules without HTTP: the CLI (no scheduler) and worker-only processes. */
export async function createContext(
  options: Omit<CreateAppOptions, 'roles' | 'bufferLogs'>,
  roles: AppRoles = { api: false, worker: false },
): Promise<INestApplicationContext> {
  const ctx = await NestFactory.createApplicationContext(
    AppModule.create(
      {
        config: options.config,
        databaseUrl: options.databaseUrl,
        clock: options.clock ?? new SystemClock(),
        resolver: options.resolver,
      },
      roles,
    ),
    roles.worker ? { bufferLogs: true } : { logger: ['error', 'warn'] },
  );
  if (roles.worker) ctx.useLogger(ctx.get(PinoNestLogger));
  return ctx;
}
