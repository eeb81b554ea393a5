import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiForbiddenResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { CatalogueOverridesService } from './catalogue-overrides.service.js';

/** The organization's catalogue overrides over HTTP; the rules live in CatalogueOverridesService. */
@ApiTags('catalogue')
@ApiBearerAuth()
@Controller('api/v1/organization/catalogue-overrides')
export class CatalogueOverridesController {
  constructor(private readonly overrides: CatalogueOverridesService) {}

  @Get()
  @ApiOperation({
    summary: "The organization's overrides and every fact it may override, with its value now",
  })
  get(@Auth() auth: AuthContext) {
    return this.overrides.get(auth);
  }

  @Put()
  @ApiOperation({
    summary: 'Replace the overrides: { "<code>": { "applyBy": { "amount": 20, "unit": "working_days" } } }',
    description:
      'Only overridable facts (windowOpensBefore, applyBy, validity.years) of known requirements; a refusal names the code and the field. Live deadline cycles move at once. An API key acts for the whole organization; a person (the console) needs the admin role.',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: { type: 'object' } } })
  @ApiForbiddenResponse({ description: 'A person without the admin role.' })
  async put(@Auth() auth: AuthContext, @Body() body: unknown) {
    await this.overrides.replace(auth, body);
    return this.overrides.get(auth);
  }
}
