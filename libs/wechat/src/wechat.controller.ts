import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { CredentialService } from './credential.service.js';
import { WechatStatusService } from './wechat-status.service.js';
import { WechatSyncService } from './wechat-sync.service.js';
import { PutAppSecretDto } from './wechat.dto.js';

@ApiTags('wechat')
@ApiBearerAuth()
@Controller('api/v1/mini-programs/:id/wechat')
export class WechatController {
  constructor(
    private readonly credentials: CredentialService,
    private readonly status: WechatStatusService,
    private readonly sync: WechatSyncService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'What the WeChat sync read: last sync, findings, review window, the annual-review deadline',
  })
  get(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.status.status(auth, id);
  }

  @Put('app-secret')
  @HttpCode(204)
  @ApiOperation({ summary: 'Store (or replace) the AppSecret, encrypted; it is never returned' })
  @ApiNoContentResponse()
  async putSecret(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Body() dto: PutAppSecretDto,
  ): Promise<void> {
    await this.credentials.put(auth, id, dto.appSecret);
  }

  @Delete('app-secret')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the stored AppSecret (and the cached token); the sync stops for it' })
  async deleteSecret(@Auth() auth: AuthContext, @Param('id', uuid) id: string): Promise<void> {
    await this.credentials.remove(auth, id);
  }

  @Post('sync')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sync this mini-program with WeChat now' })
  async syncNow(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    await this.status.status(auth, id); // 404 for another organization's mini-program
    await this.sync.run(this.clock.now(), {
      trigger: 'on_demand',
      organizationId: auth.organizationId,
      miniProgramId: id,
    });
    return this.status.status(auth, id);
  }
}
