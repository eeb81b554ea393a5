import {
  Body,
  Controller,
  Get,
  Logger,
  Param,
  Post,
  Query,
  Res,
  UploadedFile,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../../auth/src/auth-context.js';
import { certificatesOfMiniProgram } from '../../certificates/src/certificates.controller.js';
import { DomainError } from '../../common/src/domain.error.js';
import { PageQuery } from '../../common/src/pagination.js';
import { CreateAssetDto, UpdateAssetDto } from '../../continuity/src/asset.dto.js';
import { AssetImportService } from '../../continuity/src/asset-import.service.js';
import { AssetService } from '../../continuity/src/asset.service.js';
import {
  HANDOVER_CONTENT_TYPES,
  HandoverService,
  isHandoverFormat,
  writeHandover,
} from '../../continuity/src/handover.service.js';
import { RiskService } from '../../continuity/src/risk.service.js';
import { streamAttachment } from '../../exports/src/stream-attachment.js';
import { MiniProgramService } from '../../registry/src/mini-program.service.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { requireId } from './deadline-pages.controller.js';
import { formFields, validated } from './form-input.js';
import { importOutcome } from './form-outcome.js';
import { problemsToErrors } from './sign-in.controller.js';
import type { FieldErrors } from './views/forms.js';
import {
  ASSET_FIELDS,
  assetFormPage,
  continuityPage,
  custodyImportPage,
  riskRankingPage,
} from './views/continuity-pages.js';

const DONE = {
  added: 'custody.done.added',
  updated: 'custody.done.updated',
  removed: 'custody.done.removed',
} as const;

/**
 * Continuity of one mini-program (custody register, risk score, handover pack, server domains) and the
 * risk ranking of all of them, over the API's own services: every write is the API's transaction and
 * audit event with the person as actor.
 */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller('console')
export class ContinuityPagesController {
  private readonly logger = new Logger('ConsoleHandover');

  constructor(
    private readonly miniPrograms: MiniProgramService,
    private readonly assets: AssetService,
    private readonly importer: AssetImportService,
    private readonly handover: HandoverService,
    private readonly risk: RiskService,
    private readonly db: DataSource,
  ) {}

  @Get('risk')
  async ranking(@Page() c: SignedInRequest, @Query() raw: Record<string, unknown>, @Res() res: Response) {
    const filters = formFields(raw, ['offset']);
    const query = await validated(PageQuery, { limit: '50', offset: filters.offset ?? '0' });
    const ranking = await this.risk.ranking(c.ctx, query);
    res.type('html').send(riskRankingPage(c, ranking));
  }

  @Get('mini-programs/:id/continuity')
  async show(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Query('done') done: unknown,
    @Res() res: Response,
  ) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    const [risk, assets, certificates] = await Promise.all([
      this.risk.one(c.ctx, mp.id),
      this.assets.list(c.ctx, mp.id),
      certificatesOfMiniProgram(this.db, c.ctx.organizationId, mp.id),
    ]);
    res.type('html').send(
      continuityPage(c, {
        mp: { id: mp.id, name: mp.name, appId: mp.appId, vendor: mp.vendor },
        risk,
        assets,
        certificates,
        flash: typeof done === 'string' && done in DONE ? c.t(DONE[done as keyof typeof DONE]) : null,
      }),
    );
  }

  /** The handover pack as the API renders it, named as the API names it, in the person's language. */
  @Get('mini-programs/:id/handover.:format')
  async download(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Param('format') format: string,
    @Res() res: Response,
  ): Promise<void> {
    requireId(id);
    if (!isHandoverFormat(format)) throw DomainError.notFound('Page');
    const prepared = await this.handover.prepare(c.ctx, id, c.locale);
    await streamAttachment(
      res,
      this.logger,
      {
        contentType: HANDOVER_CONTENT_TYPES[format],
        fileName: prepared.fileName(format),
        label: `console handover.${format}`,
      },
      (out) => writeHandover(format, prepared.pack, out),
    );
  }

  @Get('mini-programs/:id/assets/new')
  @NeedsRole('operator')
  async newAsset(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    res.type('html').send(assetFormPage(c, { mp, title: c.t('custody.add'), values: {} }));
  }

  @Post('mini-programs/:id/assets')
  @NeedsRole('operator')
  async addAsset(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    const values = formFields(body, ASSET_FIELDS);
    try {
      await this.assets.create(c.ctx, mp.id, await validated(CreateAssetDto, values));
      res.redirect(303, `/console/mini-programs/${mp.id}/continuity?done=added`);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      res
        .status(400)
        .type('html')
        .send(assetFormPage(c, { mp, title: c.t('custody.add'), values, errors: this.errors(c, error) }));
    }
  }

  @Get('mini-programs/:id/assets/:assetId/edit')
  @NeedsRole('operator')
  async editAsset(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Param('assetId') assetId: string,
    @Res() res: Response,
  ) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    const a = await this.assets.get(c.ctx, mp.id, requireId(assetId));
    res.type('html').send(
      assetFormPage(c, {
        mp,
        assetId: a.id,
        title: c.t('custody.editTitle'),
        values: {
          kind: a.kind,
          holder: a.holder,
          location: a.location ?? undefined,
          notes: a.notes ?? undefined,
          lastVerifiedOn: a.lastVerifiedOn ?? undefined,
        },
      }),
    );
  }

  @Post('mini-programs/:id/assets/:assetId')
  @NeedsRole('operator')
  async updateAsset(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Param('assetId') assetId: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    await this.assets.get(c.ctx, mp.id, requireId(assetId));
    const values = formFields(body, ASSET_FIELDS);
    const input: Record<string, unknown> = { ...values };
    for (const key of ['location', 'notes', 'lastVerifiedOn'] as const)
      if (!(key in values)) input[key] = null;
    try {
      await this.assets.update(c.ctx, mp.id, assetId, await validated(UpdateAssetDto, input));
      res.redirect(303, `/console/mini-programs/${mp.id}/continuity?done=updated`);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      res
        .status(400)
        .type('html')
        .send(
          assetFormPage(c, {
            mp,
            assetId,
            title: c.t('custody.editTitle'),
            values,
            errors: this.errors(c, error),
          }),
        );
    }
  }

  @Post('mini-programs/:id/assets/:assetId/delete')
  @NeedsRole('operator')
  async removeAsset(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Param('assetId') assetId: string,
    @Res() res: Response,
  ) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    await this.assets.remove(c.ctx, mp.id, requireId(assetId));
    res.redirect(303, `/console/mini-programs/${mp.id}/continuity?done=removed`);
  }

  @Get('custody/import')
  @NeedsRole('operator')
  importForm(@Page() c: SignedInRequest, @Res() res: Response) {
    res.type('html').send(custodyImportPage(c, {}));
  }

  /** The API's asset import: all rows or none, every bad row listed with its line, column and rule. */
  @Post('custody/import')
  @NeedsRole('operator')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 20 * 1024 * 1024, files: 1 } }))
  async import(
    @Page() c: SignedInRequest,
    @UploadedFile() file: { buffer: Buffer } | undefined,
    @Res() res: Response,
  ) {
    await importOutcome(
      c,
      res,
      file,
      (csv) => this.importer.import(c.ctx, csv),
      (m) => custodyImportPage(c, m),
    );
  }

  private errors(c: SignedInRequest, error: DomainError): FieldErrors {
    return problemsToErrors(error, c);
  }
}
