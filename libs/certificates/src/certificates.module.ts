import { type DynamicModule, Module } from '@nestjs/common';
import { CertificateWatchScheduler } from './certificate-watch.scheduler.js';
import { CertificateWatchService } from './certificate-watch.service.js';
import { CertificatesController } from './certificates.controller.js';
import { TlsProbe } from './tls-probe.js';

/** The certificate watch: the API always, the daily check in the worker role only. */
@Module({})
export class CertificatesModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    return {
      module: CertificatesModule,
      controllers: [CertificatesController],
      providers: [TlsProbe, CertificateWatchService, ...(options.worker ? [CertificateWatchScheduler] : [])],
      exports: [CertificateWatchService, TlsProbe],
    };
  }
}
