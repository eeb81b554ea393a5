import { Global, Module } from '@nestjs/common';
import { InboxController } from './inbox.controller.js';
import { LocalInbox } from './local-inbox.js';
import { MailTransport } from './mail-transport.js';

@Global()
@Module({
  controllers: [InboxController],
  providers: [LocalInbox, MailTransport],
  exports: [MailTransport, LocalInbox],
})
export class MailModule {}
