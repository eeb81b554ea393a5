import { type DynamicModule, Module } from '@nestjs/common';
import { SecretKeys } from '../../common/src/secret-keys.js';
import { AppStateService } from '../../reminders/src/app-state.service.js';
import { ChannelDeliveryService } from './channel-delivery.service.js';
import { ChannelScheduler } from './channel-scheduler.js';
import { ChannelService } from './channel.service.js';
import { ChannelsController } from './channels.controller.js';
import { RobotHttpClient } from './robot-http.client.js';

/** Chat channels (issue #17): the API always, the delivery loop in the worker role only. */
@Module({})
export class ChannelsModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    return {
      module: ChannelsModule,
      global: true,
      controllers: [ChannelsController],
      providers: [
        SecretKeys,
        // Stateless over app_state (the link secret is cached per instance but the same row): a second
        // instance of it reads the same secret.
        AppStateService,
        RobotHttpClient,
        ChannelService,
        ChannelDeliveryService,
        ...(options.worker ? [ChannelScheduler] : []),
      ],
      exports: [ChannelService, ChannelDeliveryService],
    };
  }
}
