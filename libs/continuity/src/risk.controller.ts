import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { PageQuery } from '../../common/src/pagination.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { RiskService } from './risk.service.js';

@ApiTags('continuity')
@ApiBearerAuth()
@Controller('api/v1')
export class RiskController {
  constructor(private readonly risk: RiskService) {}

  @Get('risk')
  @ApiOperation({
    summary: 'Continuity risk of every mini-program, highest first, and of the organization (the highest)',
  })
  ranking(@Auth() auth: AuthContext, @Query() query: PageQuery) {
    return this.risk.ranking(auth, query);
  }

  @Get('mini-programs/:id/risk')
  @ApiOperation({
    summary:
      'Continuity risk of one mini-program: 0-100, every factor with its points and the action that removes it',
  })
  one(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.risk.one(auth, id);
  }
}
