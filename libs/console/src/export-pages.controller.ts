import {
  Body,
  Controller,
  Get,
  Logger,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { CalendarFeedService } from '../../exports/src/calendar-feed.service.js';
import { CreateCalendarFeedDto } from '../../exports/src/calendar-feed.dto.js';
import {
  CHECKLIST_CONTENT_TYPES,
  FORMAT_RULE,
  isChecklistFormat,
  writeChecklist,
} from '../../exports/src/checklist-formats.js';
import { ChecklistService } from '../../exports/src/checklist.service.js';
import { ExportChecklistQuery } from '../../exports/src/export-checklist.dto.js';
import { streamAttachment } from '../../exports/src/stream-attachment.js';
import { roleAllows } from '../../people/src/roles.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { requireId } from './deadline-pages.controller.js';
import { formFields, validated } from './form-input.js';
import { problemsToErrors } from './sign-in.controller.js';
import { type ExportsModel, exportsPage, type FeedRow } from './views/exports-page.js';

const FILTERS = ['miniProgramId', 'dueFrom', 'dueTo', 'locale'] as const;

/**
 * The checklist downloads and the calendar feeds, over the API's own services: the same validation, the
 * same file and file name (Content-Disposition), the same feed transactions and audit events.
 */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller('console')
export class ExportPagesController {
  private readonly logger = new Logger('ConsoleExports');

  constructor(
    private readonly db: DataSource,
    private readonly checklist: ChecklistService,
    private readonly feeds: CalendarFeedService,
  ) {}

  @Get('exports')
  async exports(@Page() c: SignedInRequest, @Query('done') done: unknown, @Res() res: Response) {
    const flash = done === 'feedRevoked' ? c.t('feeds.revokedDone') : null;
    res.type('html').send(await this.render(c, { filters: {}, flash }));
  }

  /** One click per format: the form's button names the format; the file streams as the API's does. */
  @Get('exports/download')
  async download(@Page() c: SignedInRequest, @Query() query: Record<string, unknown>, @Res() res: Response) {
    const filters = formFields(query, FILTERS);
    const format = query.format;
    try {
      if (!isChecklistFormat(format)) throw DomainError.invalid([{ field: 'format', rule: FORMAT_RULE }]);
      const dto = await validated(ExportChecklistQuery, filters);
      const prepared = await this.checklist.prepare(
        c.ctx,
        { miniProgramId: dto.miniProgramId, dueFrom: dto.dueFrom, dueTo: dto.dueTo },
        dto.locale ?? c.locale,
      );
      await streamAttachment(
        res,
        this.logger,
        {
          contentType: CHECKLIST_CONTENT_TYPES[format],
          fileName: prepared.fileName(format),
          label: `console checklist.${format}`,
        },
        (out) => writeChecklist(format, prepared.rows(), prepared.header, out),
      );
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      res
        .status(400)
        .type('html')
        .send(await this.render(c, { filters, errors: problemsToErrors(error, c) }));
    }
  }

  /** A new feed: its address is shown on this answer only (only a hash is stored), so no redirect. */
  @Post('calendar-feeds')
  @NeedsRole('admin')
  async create(@Page() c: SignedInRequest, @Body() body: unknown, @Res() res: Response) {
    const values = formFields(body, ['feedMiniProgramId']);
    try {
      const dto = await validated(CreateCalendarFeedDto, { miniProgramId: values.feedMiniProgramId });
      const issued = await this.feeds.create(c.ctx, dto);
      this.showOnce(res);
      res
        .status(201)
        .type('html')
        .send(await this.render(c, { filters: {}, issuedUrl: issued.url, flash: c.t('feeds.issued') }));
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      const errors = problemsToErrors(error, c);
      if (errors.miniProgramId) errors.feedMiniProgramId = errors.miniProgramId;
      res
        .status(400)
        .type('html')
        .send(await this.render(c, { filters: values, errors }));
    }
  }

  @Post('calendar-feeds/:id/rotate')
  @NeedsRole('admin')
  async rotate(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    const issued = await this.feeds.rotate(c.ctx, requireId(id));
    this.showOnce(res);
    res
      .status(201)
      .type('html')
      .send(await this.render(c, { filters: {}, issuedUrl: issued.url, flash: c.t('feeds.rotated') }));
  }

  @Post('calendar-feeds/:id/revoke')
  @NeedsRole('admin')
  async revoke(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    await this.feeds.revoke(c.ctx, requireId(id));
    res.redirect(303, '/console/exports?done=feedRevoked#feeds');
  }

  /** A page that carries a secret: never cached, never sent on as a Referer. */
  private showOnce(res: Response) {
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
  }

  private async render(c: SignedInRequest, m: Omit<ExportsModel, 'miniPrograms' | 'feeds'>) {
    const miniPrograms = await this.db.query<{ id: string; name: string; appId: string }[]>(
      `SELECT id, name, app_id AS "appId" FROM mini_programs WHERE organization_id = $1 ORDER BY name, id LIMIT 500`,
      [c.ctx.organizationId],
    );
    let feeds: FeedRow[] | null = null;
    if (roleAllows(c.session.role, 'admin')) {
      feeds = await this.db.query<FeedRow[]>(
        `SELECT f.id, mp.name AS "miniProgramName", f.created_at AS "createdAt", f.revoked_at AS "revokedAt"
           FROM calendar_feeds f LEFT JOIN mini_programs mp ON mp.id = f.mini_program_id
          WHERE f.organization_id = $1 ORDER BY f.revoked_at IS NOT NULL, f.created_at DESC, f.id LIMIT 100`,
        [c.ctx.organizationId],
      );
    }
    return exportsPage(c, { ...m, miniPrograms, feeds });
  }
}
