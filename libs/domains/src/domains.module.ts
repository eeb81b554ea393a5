import { type DynamicModule, Module } from '@nestjs/common';
import { DomainRegistrationScheduler } from './domain-registration.scheduler.js';
import { DomainRegistrationService } from './domain-registration.service.js';
import { DomainRegistrationsController } from './domain-registrations.controller.js';
import { RdapClient } from './rdap-client.js';

/** Domain registration expiry over RDAP: the API always, the refresh in the worker role only. */
@Module({})
export class DomainsModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    return {
      module: DomainsModule,
      controllers: [DomainRegistrationsController],
      providers: [
        RdapClient,
        DomainRegistrationService,
        ...(options.worker ? [DomainRegistrationScheduler] : []),
      ],
      exports: [DomainRegistrationService, RdapClient],
    };
  }
}
