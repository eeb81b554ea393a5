import { Global, Module } from '@nestjs/common';
import { RequirementLookup } from '../../registry/src/registry-ports.js';
import { CatalogueController } from './catalogue.controller.js';
import { CatalogueOverridesController } from './catalogue-overrides.controller.js';
import { CatalogueService } from './catalogue.service.js';
import { ComplianceController } from './compliance.controller.js';

@Global()
@Module({
  controllers: [CatalogueController, CatalogueOverridesController, ComplianceController],
  providers: [CatalogueService, { provide: RequirementLookup, useExisting: CatalogueService }],
  exports: [CatalogueService, RequirementLookup],
})
export class CatalogueModule {}
