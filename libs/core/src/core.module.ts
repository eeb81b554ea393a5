import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { Clock } from '../../common/src/clock.js';
import { IdGenerator } from '../../common/src/ids.js';
import { HostResolver, OutboundGuard, SystemHostResolver } from '../../common/src/outbound-guard.js';
import { createDataSource } from '../../database/src/data-source.js';
import { HealthContributors } from './health-contributors.js';

export interface CoreOptions {
  config: AppConfig;
  databaseUrl: string;
  clock: Clock;
  /** How host names become addresses for outbound connections; tests pass a table. */
  resolver?: HostResolver;
}

/** Configuration, the database, the clock and the audit log: what every role of the app shares. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: Clock, useValue: options.clock },
        { provide: HostResolver, useValue: options.resolver ?? new SystemHostResolver() },
        OutboundGuard,
        {
          provide: DataSource,
          useFactory: async () =>
            createDataSource(options.databaseUrl, options.config.DB_POOL_SIZE).initialize(),
        },
        AuditService,
        HealthContributors,
        IdGenerator,
      ],
      exports: [
        APP_CONFIG,
        Clock,
        DataSource,
        AuditService,
        HealthContributors,
        HostResolver,
        OutboundGuard,
        IdGenerator,
      ],
    };
  }
}
