import { Global, Module } from '@nestjs/common';
import { RegistryObserver } from '../../registry/src/registry-ports.js';
import { DeadlineSyncService } from './deadline-sync.service.js';
import { DeadlineService } from './deadline.service.js';
import { DeadlinesController } from './deadlines.controller.js';

/** Global so the registry's RegistryObserver port resolves to the deadline sync without an import cycle. */
@Global()
@Module({
  controllers: [DeadlinesController],
  providers: [
    DeadlineSyncService,
    DeadlineService,
    { provide: RegistryObserver, useExisting: DeadlineSyncService },
  ],
  exports: [DeadlineSyncService, DeadlineService, RegistryObserver],
})
export class DeadlinesModule {}
