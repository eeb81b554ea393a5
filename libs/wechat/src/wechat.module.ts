import { type DynamicModule, Module } from '@nestjs/common';
import { SecretKeys } from '../../common/src/secret-keys.js';
import { RegistryModule } from '../../registry/src/registry.module.js';
import { CredentialService } from './credential.service.js';
import { WechatApiClient } from './wechat-api.client.js';
import { WechatStatusService } from './wechat-status.service.js';
import { WechatSyncScheduler } from './wechat-sync.scheduler.js';
import { WechatSyncService } from './wechat-sync.service.js';
import { WechatTokenService } from './wechat-token.service.js';
import { WechatController } from './wechat.controller.js';

/** The credential store and the WeChat sync: the API always, the daily sync in the worker role only. */
@Module({})
export class WechatModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    return {
      module: WechatModule,
      // Global so the console's pages reach the same status and sync services as the API.
      global: true,
      imports: [RegistryModule],
      controllers: [WechatController],
      providers: [
        SecretKeys,
        CredentialService,
        WechatApiClient,
        WechatTokenService,
        WechatSyncService,
        WechatStatusService,
        ...(options.worker ? [WechatSyncScheduler] : []),
      ],
      exports: [CredentialService, WechatSyncService, WechatStatusService, SecretKeys],
    };
  }
}
