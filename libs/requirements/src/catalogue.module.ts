import { Global, Module } from '@nestjs/common';
import {
  NoopRegistryObserver,
  RegistryObserver,
  RequirementLookup,
} from '../../registry/src/registry-ports.js';
import { CatalogueService } from './catalogue.service.js';

@Global()
@Module({
  providers: [
    CatalogueService,
    { provide: RequirementLookup, useExisting: CatalogueService },
    { provide: RegistryObserver, useClass: NoopRegistryObserver },
  ],
  exports: [CatalogueService, RequirementLookup, RegistryObserver],
})
export class CatalogueModule {}
