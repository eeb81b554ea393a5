import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { DomainRegistrationService } from './domain-registration.service.js';

@ApiTags('domain registrations')
@ApiBearerAuth()
@Controller('api/v1/domain-registrations')
export class DomainRegistrationsController {
  constructor(private readonly registrations: DomainRegistrationService) {}

  @Get()
  @ApiOperation({
    summary:
      "The latest RDAP reading of each registrable domain of the organization's server domains, with its finding",
  })
  async list(@Auth() auth: AuthContext) {
    return { items: await this.registrations.latest(auth.organizationId) };
  }
}
