import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { ChannelService } from './channel.service.js';
import { CreateChannelDto } from './create-channel.dto.js';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelService) {}

  @Post()
  @ApiOperation({
    summary:
      'Add a WeCom, DingTalk or Feishu robot, or a Standard-Webhooks endpoint; its URL and secret are never returned',
  })
  create(@Auth() auth: AuthContext, @Body() dto: CreateChannelDto) {
    return this.channels.create(auth, dto);
  }

  @Get()
  @ApiOperation({ summary: "The organization's channels, URLs masked" })
  async list(@Auth() auth: AuthContext) {
    return { items: await this.channels.list(auth) };
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.channels.get(auth, id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause: nothing is posted and new stages are not queued for it' })
  pause(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.channels.pause(auth, id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume: the messages that waited are posted, within the bot limit' })
  resume(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.channels.resume(auth, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a test message now; answers what the platform said' })
  test(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    return this.channels.test(auth, id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() auth: AuthContext, @Param('id', uuid) id: string): Promise<void> {
    await this.channels.remove(auth, id);
  }
}
