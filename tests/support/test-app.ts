import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApp } from '../../apps/bootstrap.js';
import { OrganizationService } from '../../libs/auth/src/organization.service.js';
import { type Clock, SystemClock } from '../../libs/common/src/clock.js';
import type { HostResolver } from '../../libs/common/src/outbound-guard.js';
import { loadConfig } from '../../libs/config/src/app-config.js';
import { createTestDatabase } from './test-database.js';

export interface TestOrg {
  id: string;
  key: string;
  /** `Authorization` header value for this organization. */
  bearer: string;
}

export interface TestApp {
  app: NestExpressApplication;
  databaseUrl: string;
  http: () => ReturnType<typeof request>;
  createOrg(name?: string, timeZone?: string): Promise<TestOrg>;
  close(): Promise<void>;
}

/** The real app (real modules, real PostgreSQL, real migrations) on its own database, not listening. */
export async function startTestApp(
  options: { clock?: Clock; env?: Record<string, string>; resolver?: HostResolver } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DB_POOL_SIZE: '5',
    // Never the default 2525: with no SMTP_URL, mail would go to whatever inbox another process runs there.
    LOCAL_SMTP_PORT: '0',
    ...options.env,
  });
  const app = await createApp({
    config,
    databaseUrl: db.url,
    roles: { api: true, worker: false },
    clock: options.clock ?? new SystemClock(),
    resolver: options.resolver,
  });
  await app.init();
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  let n = 0;
  return {
    app,
    databaseUrl: db.url,
    http: () => request(server),
    async createOrg(name = `Org ${++n}`, timeZone = 'Asia/Shanghai') {
      const { organization, apiKey } = await app.get(OrganizationService).create({ name, timeZone });
      return { id: organization.id, key: apiKey.key, bearer: `Bearer ${apiKey.key}` };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
