import { Global, Module } from '@nestjs/common';
import { RequirementLookup } from '../../registry/src/registry-ports.js';
import { CatalogueController } from './catalogue.controller.js';
import { CatalogueOverridesController } from './catalogue-overrides.controller.js';
import { CatalogueOverridesService } from './catalogue-overrides.service.js';
import { CatalogueService } from './catalogue.service.js';
import { ComplianceController } from './compliance.controller.js';

@Global()
@Module({
  controllers: [CatalogueController, CatalogueOverridesController, ComplianceController],
  providers: [
    CatalogueService,
    CatalogueOverridesService,
    { provide: RequirementLookup, useExisting: CatalogueService },
  ],
  exports: [CatalogueService, CatalogueOverridesService, RequirementLookup],
})
export class CatalogueModule {}
