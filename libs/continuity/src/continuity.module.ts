import { Global, Module } from '@nestjs/common';
import { VendorStatusObserver } from '../../registry/src/registry-ports.js';
import { AssetsController } from './assets.controller.js';
import { ContinuityAlertService } from './continuity-alert.service.js';
import { RiskController } from './risk.controller.js';

@Global()
@Module({
  controllers: [AssetsController, RiskController],
  providers: [ContinuityAlertService, { provide: VendorStatusObserver, useExisting: ContinuityAlertService }],
  exports: [VendorStatusObserver],
})
export class ContinuityModule {}
