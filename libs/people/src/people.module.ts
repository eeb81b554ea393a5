import { Module } from '@nestjs/common';
import { AppStateService } from '../../reminders/src/app-state.service.js';
import { PeopleService } from './people.service.js';
import { SessionService } from './session.service.js';

/** People who sign in to the console: accounts, memberships, invitations, sessions. */
@Module({
  providers: [PeopleService, SessionService, AppStateService],
  exports: [PeopleService, SessionService],
})
export class PeopleModule {}
