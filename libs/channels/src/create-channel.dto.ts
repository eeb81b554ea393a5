import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/**
 * A new channel. The rules (kind, the platform's host and path, the secret's form) are checked by
 * ChannelService against the domain's `parseChannelTarget`, so the API, the CLI and the console say the
 * same thing; `@Allow` only lets the fields through the whitelist. `url` and `secret` are write-only.
 */
export class CreateChannelDto {
  @ApiProperty({ enum: ['wecom', 'dingtalk', 'feishu', 'webhook'] })
  @Allow()
  kind!: string;

  @ApiProperty({ example: '合规群' })
  @Allow()
  name!: string;

  @ApiProperty({
    description:
      "The robot's webhook URL (WeCom …/cgi-bin/webhook/send?key=…, DingTalk …/robot/send?access_token=…, Feishu …/open-apis/bot/v2/hook/…) or the https endpoint of a generic webhook. Write-only.",
    writeOnly: true,
  })
  @Allow()
  url!: string;

  @ApiPropertyOptional({
    description:
      'DingTalk 加签 secret (SEC…), Feishu 签名校验 secret, or a Standard Webhooks whsec_… secret. Write-only.',
    writeOnly: true,
  })
  @Allow()
  secret?: string;

  @ApiPropertyOptional({
    description: 'The ladder roles whose stages this channel receives (default: all)',
    example: ['manager', 'executive', 'legal'],
  })
  @Allow()
  roles?: string[];

  @ApiPropertyOptional({
    description: "Only deadlines of this vendor's mini-programs (default: the whole organization)",
  })
  @Allow()
  vendorId?: string;
}
