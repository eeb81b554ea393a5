import { Global, Module } from '@nestjs/common';
import { ExportsModule } from '../../exports/src/exports.module.js';
import { VendorStatusObserver } from '../../registry/src/registry-ports.js';
import { AssetImportController } from './asset-import.controller.js';
import { AssetImportService } from './asset-import.service.js';
import { AssetsController } from './assets.controller.js';
import { AssetService } from './asset.service.js';
import { ContinuityAlertService } from './continuity-alert.service.js';
import { HandoverController } from './handover.controller.js';
import { HandoverService } from './handover.service.js';
import { RiskController } from './risk.controller.js';
import { RiskService } from './risk.service.js';

@Global()
@Module({
  imports: [ExportsModule],
  controllers: [AssetImportController, AssetsController, HandoverController, RiskController],
  providers: [
    ContinuityAlertService,
    AssetService,
    AssetImportService,
    RiskService,
    HandoverService,
    { provide: VendorStatusObserver, useExisting: ContinuityAlertService },
  ],
  exports: [VendorStatusObserver, AssetService, AssetImportService, HandoverService, RiskService],
})
export class ContinuityModule {}
