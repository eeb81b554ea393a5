import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { type Locale, RequestLocale } from '../../common/src/locale.js';
import {
  CHECKLIST_CONTENT_TYPES,
  FORMAT_RULE,
  isChecklistFormat,
  writeChecklist,
} from './checklist-formats.js';
import { CHECKLIST_FORMATS, ChecklistService } from './checklist.service.js';
import { ExportChecklistQuery } from './export-checklist.dto.js';
import { ApiFileDownload, streamAttachment } from './stream-attachment.js';

@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/v1/exports')
export class ExportsController {
  private readonly logger = new Logger(ExportsController.name);

  constructor(private readonly checklist: ChecklistService) {}

  @Get('checklist.:format')
  @ApiOperation({
    summary: 'The renewal checklist as a file: CSV (Excel/WPS), XLSX, PDF (Chinese embedded) or Markdown',
    description:
      'One entry per live deadline cycle (open, acknowledged, snoozed) of the scope, sorted by mini-program ' +
      'then due date: dates, days left, who must act, documents (with whether the held licence is on file), ' +
      'steps, what is lost if missed, and the source. Streamed; the file name carries the scope and date. ' +
      'Every parameter is checked before the first byte, so a bad request never yields a partial file.',
  })
  @ApiFileDownload(CHECKLIST_FORMATS, CHECKLIST_CONTENT_TYPES)
  @ApiBadRequestResponse({ description: 'Unknown format or locale, a bad date, or dueFrom after dueTo.' })
  @ApiNotFoundResponse({ description: 'The mini-program or deadline is not one of this organization.' })
  async checklistFile(
    @Auth() auth: AuthContext,
    @Param('format') format: string,
    @Query() query: ExportChecklistQuery,
    @RequestLocale() locale: Locale,
    @Res() res: Response,
  ): Promise<void> {
    if (!isChecklistFormat(format)) throw DomainError.invalid([{ field: 'format', rule: FORMAT_RULE }]);
    const prepared = await this.checklist.prepare(
      auth,
      {
        miniProgramId: query.miniProgramId,
        deadlineId: query.deadlineId,
        dueFrom: query.dueFrom,
        dueTo: query.dueTo,
      },
      locale,
    );
    await streamAttachment(
      res,
      this.logger,
      {
        contentType: CHECKLIST_CONTENT_TYPES[format],
        fileName: prepared.fileName(format),
        label: `checklist.${format}`,
      },
      (out) => writeChecklist(format, prepared.rows(), prepared.header, out),
    );
  }
}
