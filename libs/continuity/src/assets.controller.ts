import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { CreateAssetDto, UpdateAssetDto } from './asset.dto.js';
import { AssetService } from './asset.service.js';

export { view } from './asset.service.js';

/** The custody register: who holds what keeps each mini-program alive. Custody only, never the secrets. */
@ApiTags('continuity')
@ApiBearerAuth()
@Controller('api/v1/mini-programs/:id/assets')
export class AssetsController {
  constructor(private readonly assets: AssetService) {}

  @Get()
  @ApiOperation({ summary: 'The custody register of a mini-program' })
  list(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.assets.list(auth, id);
  }

  @Post()
  @ApiOperation({ summary: 'Record who holds an asset; values that look like keys are refused with a 400' })
  create(@Auth() auth: AuthContext, @Param('id', uuid) id: string, @Body() dto: CreateAssetDto) {
    return this.assets.create(auth, id, dto);
  }

  @Patch(':assetId')
  update(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Param('assetId', uuid) assetId: string,
    @Body() dto: UpdateAssetDto,
  ) {
    return this.assets.update(auth, id, assetId, dto);
  }

  @Delete(':assetId')
  @HttpCode(204)
  remove(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Param('assetId', uuid) assetId: string,
  ): Promise<void> {
    return this.assets.remove(auth, id, assetId);
  }
}
