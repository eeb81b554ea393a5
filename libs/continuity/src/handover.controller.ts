import { Controller, Get, Logger, Param, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { findOwned } from '../../common/src/find-owned.js';
import { type Locale, RequestLocale } from '../../common/src/locale.js';
import { ApiFileDownload, streamAttachment } from '../../exports/src/stream-attachment.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import {
  HANDOVER_CONTENT_TYPES,
  HANDOVER_FORMAT_RULE,
  HANDOVER_FORMATS,
  HandoverService,
  isHandoverFormat,
  writeHandover,
} from './handover.service.js';

@ApiTags('continuity')
@ApiBearerAuth()
@Controller('api/v1/mini-programs/:id')
export class HandoverController {
  private readonly logger = new Logger(HandoverController.name);

  constructor(
    private readonly db: DataSource,
    private readonly handover: HandoverService,
  ) {}

  @Get('handover.:format')
  @ApiOperation({
    summary: 'The handover pack for a replacement vendor, as Markdown or PDF (Chinese font embedded)',
    description:
      "The mini-program's facts, vendor, server domains (with certificate expiry deadlines), assets and who " +
      'holds them with recovery steps, open deadlines with their checklists, qualifications and contacts. ' +
      'No secrets: the register never holds them, and anything key-shaped is withheld. ?locale=zh-CN|en or ' +
      'Accept-Language picks the language.',
  })
  @ApiFileDownload(HANDOVER_FORMATS, HANDOVER_CONTENT_TYPES)
  @ApiBadRequestResponse({ description: 'Unknown format or locale.' })
  @ApiNotFoundResponse({ description: 'The mini-program is not one of this organization.' })
  async file(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Param('format') format: string,
    @RequestLocale() locale: Locale,
    @Res() res: Response,
  ): Promise<void> {
    if (!isHandoverFormat(format)) {
      // Another organization's mini-program is a 404 whatever the format, exactly like a missing one.
      await findOwned(this.db.manager, MiniProgramEntity, auth.organizationId, id, 'Mini-program');
      throw DomainError.invalid([{ field: 'format', rule: HANDOVER_FORMAT_RULE }]);
    }
    const prepared = await this.handover.prepare(auth, id, locale);
    await streamAttachment(
      res,
      this.logger,
      {
        contentType: HANDOVER_CONTENT_TYPES[format],
        fileName: prepared.fileName(format),
        label: `handover.${format}`,
      },
      (out) => writeHandover(format, prepared.pack, out),
    );
  }
}
