import {
  Body,
  Controller,
  Get,
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
import { Public } from '../../auth/src/auth-context.js';
import { DeadlineService } from '../../deadlines/src/deadline.service.js';
import { ListDeadlinesQuery } from '../../deadlines/src/dto/deadline.dto.js';
import { ListMiniProgramsQuery } from '../../registry/src/dto/list-mini-programs.query.js';
import { CreateMiniProgramDto, UpdateMiniProgramDto } from '../../registry/src/dto/mini-program.dto.js';
import { CreateQualificationDto, UpdateQualificationDto } from '../../registry/src/dto/qualification.dto.js';
import { MiniProgramImportService } from '../../registry/src/mini-program-import.service.js';
import { MiniProgramService } from '../../registry/src/mini-program.service.js';
import type { MiniProgramResponse } from '../../registry/src/responses.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { Clock } from '../../common/src/clock.js';
import { WechatStatusService } from '../../wechat/src/wechat-status.service.js';
import { WechatSyncService } from '../../wechat/src/wechat-sync.service.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleQueries } from './console-queries.service.js';
import { requireId } from './deadline-pages.controller.js';
import { formFields, lines, validated } from './form-input.js';
import { importOutcome, submitted } from './form-outcome.js';
import {
  importPage,
  MINI_PROGRAM_FIELDS,
  miniProgramDetailPage,
  miniProgramFormPage,
  miniProgramListPage,
  QUALIFICATION_FIELDS,
  qualificationFormPage,
} from './views/mini-program-pages.js';

const LIST_FILTERS = ['q', 'vendorStatus', 'vendorId', 'serviceCategory', 'sort', 'offset'] as const;
const NULLABLE = ['vendorId', 'certificationExpiresOn', 'icpFilingNumber', 'notes'] as const;

function featuresOf(body: unknown): string[] {
  const raw = (body as { features?: unknown } | undefined)?.features;
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (f): f is string => typeof f === 'string',
  );
}

/** The form's fields as the API's create or update body: lists one per line, an emptied field cleared. */
function miniProgramInput(body: unknown, forUpdate: boolean): Record<string, unknown> {
  const values = formFields(body, MINI_PROGRAM_FIELDS);
  const input: Record<string, unknown> = {
    ...values,
    serviceCategories: lines(values.serviceCategories) ?? [],
    serverDomains: lines(values.serverDomains) ?? [],
    features: featuresOf(body),
  };
  if (forUpdate) for (const key of NULLABLE) if (!(key in values)) input[key] = null;
  return input;
}

function formValues(p: MiniProgramResponse): Record<string, string | undefined> {
  return {
    appId: p.appId,
    name: p.name,
    ownerName: p.ownerName,
    ownerCreditCode: p.ownerCreditCode,
    serviceCategories: p.serviceCategories.join('\n'),
    vendorId: p.vendor?.id,
    certificationExpiresOn: p.certificationExpiresOn ?? undefined,
    icpFilingNumber: p.icpFilingNumber ?? undefined,
    serverDomains: p.serverDomains.join('\n'),
    notes: p.notes ?? undefined,
  };
}

/** Mini-programs: list, register, edit, one mini-program with compliance and deadlines, qualifications, import. */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller('console/mini-programs')
export class MiniProgramPagesController {
  constructor(
    private readonly miniPrograms: MiniProgramService,
    private readonly importer: MiniProgramImportService,
    private readonly deadlines: DeadlineService,
    private readonly catalogue: CatalogueService,
    private readonly queries: ConsoleQueries,
    private readonly wechatStatus: WechatStatusService,
    private readonly wechatSync: WechatSyncService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Page() c: SignedInRequest, @Query() raw: Record<string, unknown>, @Res() res: Response) {
    const filters = formFields(raw, LIST_FILTERS);
    const query = await validated(ListMiniProgramsQuery, { ...filters, limit: '50' });
    const [page, vendors] = await Promise.all([
      this.miniPrograms.list(c.ctx, query),
      this.queries.vendors(c.ctx),
    ]);
    res.type('html').send(miniProgramListPage(c, { filters, items: page.items, page: page.page, vendors }));
  }

  @Get('new')
  @NeedsRole('operator')
  async newForm(@Page() c: SignedInRequest, @Res() res: Response) {
    res.type('html').send(await this.form(c, { values: {}, features: [] }));
  }

  @Post()
  @NeedsRole('operator')
  async create(@Page() c: SignedInRequest, @Body() body: unknown, @Res() res: Response) {
    await submitted(
      c,
      res,
      async () => {
        const dto = await validated(CreateMiniProgramDto, miniProgramInput(body, false));
        const created = await this.miniPrograms.create(c.ctx, dto);
        return `/console/mini-programs/${created.id}?done=created`;
      },
      (errors) =>
        this.form(c, { values: formFields(body, MINI_PROGRAM_FIELDS), features: featuresOf(body), errors }),
    );
  }

  @Get('import')
  @NeedsRole('operator')
  importForm(@Page() c: SignedInRequest, @Res() res: Response) {
    res.type('html').send(importPage(c, {}));
  }

  @Post('import')
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
      (m) => importPage(c, m),
    );
  }

  @Get(':id')
  async show(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Query('done') done: unknown,
    @Res() res: Response,
  ) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    const [compliance, deadlines, wechat] = await Promise.all([
      this.queries.compliance(c.ctx, mp),
      this.deadlines.list(
        c.ctx,
        await validated(ListDeadlinesQuery, { miniProgramId: id, limit: '50', sort: 'dueOn' }),
        c.locale,
      ),
      this.wechatStatus.status(c.ctx, mp.id),
    ]);
    const wechatDone = typeof done === 'string' ? /^wechat-(ok|partial|failed|none)$/.exec(done) : null;
    const flash = wechatDone
      ? c.t(`wx.done.${wechatDone[1] as 'ok' | 'partial' | 'failed' | 'none'}`)
      : done === 'created'
        ? c.t('mp.created')
        : done === 'updated'
          ? c.t('mp.updated')
          : done === 'qualification'
            ? c.t('q.updated')
            : null;
    res.type('html').send(
      miniProgramDetailPage(c, {
        mp,
        compliance: compliance.map((item) => {
          const r = this.catalogue.localized(item.requirementCode, c.locale);
          return {
            ...item,
            name: r?.name ?? item.requirementCode,
            documents: r?.documents.map((d) => d.name) ?? [],
            steps: r?.steps.map((s) => s.text) ?? [],
          };
        }),
        deadlines: deadlines.items,
        requirementName: (code) => this.catalogue.localized(code, c.locale)?.name ?? code,
        flash,
        wechat,
      }),
    );
  }

  /** "Sync now": the API's on-demand sync for this one mini-program, then back to its page (PRG). */
  @Post(':id/wechat/sync')
  @NeedsRole('operator')
  async syncWechat(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id)); // 404 for another organization's
    const result = await this.wechatSync.run(this.clock.now(), {
      trigger: 'on_demand',
      organizationId: c.ctx.organizationId,
      miniProgramId: mp.id,
    });
    const outcome = result.miniPrograms[0]?.outcome ?? 'none';
    res.redirect(303, `/console/mini-programs/${mp.id}?done=wechat-${outcome}`);
  }

  @Get(':id/edit')
  @NeedsRole('operator')
  async editForm(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    res
      .type('html')
      .send(await this.form(c, { id, name: mp.name, values: formValues(mp), features: mp.features }));
  }

  @Post(':id')
  @NeedsRole('operator')
  async update(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    requireId(id);
    await submitted(
      c,
      res,
      async () => {
        const dto = await validated(UpdateMiniProgramDto, miniProgramInput(body, true));
        await this.miniPrograms.update(c.ctx, id, dto);
        return `/console/mini-programs/${id}?done=updated`;
      },
      async (errors) => {
        const mp = await this.miniPrograms.get(c.ctx, id);
        const values = formFields(body, MINI_PROGRAM_FIELDS);
        return this.form(c, { id, name: mp.name, values, features: featuresOf(body), errors });
      },
    );
  }

  @Get(':id/qualifications/new')
  @NeedsRole('operator')
  async newQualification(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    res.type('html').send(this.qualificationForm(c, mp, undefined, {}));
  }

  @Post(':id/qualifications')
  @NeedsRole('operator')
  async addQualification(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    const values = formFields(body, QUALIFICATION_FIELDS);
    await submitted(
      c,
      res,
      async () => {
        await this.miniPrograms.addQualification(c.ctx, id, await validated(CreateQualificationDto, values));
        return `/console/mini-programs/${id}?done=qualification`;
      },
      (errors) => this.qualificationForm(c, mp, undefined, values, errors),
    );
  }

  @Get(':id/qualifications/:qid/edit')
  @NeedsRole('operator')
  async editQualification(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Param('qid') qid: string,
    @Res() res: Response,
  ) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    const q = await this.miniPrograms.getQualification(c.ctx, id, requireId(qid));
    const values = {
      requirementCode: q.requirementCode,
      number: q.number ?? undefined,
      issuer: q.issuer ?? undefined,
      issuedOn: q.issuedOn ?? undefined,
      expiresOn: q.expiresOn ?? undefined,
      originalHeldBy: q.originalHeldBy,
    };
    res.type('html').send(this.qualificationForm(c, mp, q, values));
  }

  @Post(':id/qualifications/:qid')
  @NeedsRole('operator')
  async updateQualification(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Param('qid') qid: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const mp = await this.miniPrograms.get(c.ctx, requireId(id));
    const q = await this.miniPrograms.getQualification(c.ctx, id, requireId(qid));
    const values = formFields(body, QUALIFICATION_FIELDS);
    const input: Record<string, unknown> = { ...values };
    for (const key of ['number', 'issuer', 'issuedOn', 'expiresOn'] as const)
      if (!(key in values)) input[key] = null;
    await submitted(
      c,
      res,
      async () => {
        const dto = await validated(UpdateQualificationDto, input);
        await this.miniPrograms.updateQualification(c.ctx, id, qid, dto);
        return `/console/mini-programs/${id}?done=qualification`;
      },
      (errors) => this.qualificationForm(c, mp, q, values, errors),
    );
  }

  private qualificationForm(
    c: SignedInRequest,
    mp: MiniProgramResponse,
    q: Parameters<typeof qualificationFormPage>[1]['qualification'],
    values: Record<string, string | undefined>,
    errors?: Record<string, string[]>,
  ): string {
    const requirements = this.catalogue.catalogue.requirements.map((r): [string, string] => [
      r.code,
      r.name[c.locale],
    ]);
    return qualificationFormPage(c, {
      mp,
      qualification: q,
      title: q
        ? c.t('q.editTitle', { name: this.catalogue.localized(q.requirementCode, c.locale)?.name ?? '' })
        : c.t('q.add'),
      values,
      errors,
      requirements,
    });
  }

  private async form(
    c: SignedInRequest,
    m: {
      id?: string;
      name?: string;
      values: Record<string, string | undefined>;
      features: string[];
      errors?: Record<string, string[]>;
    },
  ): Promise<string> {
    return miniProgramFormPage(c, {
      id: m.id,
      title: m.id ? c.t('mp.editTitle', { name: m.name ?? '' }) : c.t('mp.new'),
      values: m.values,
      features: m.features,
      errors: m.errors,
      vendors: await this.queries.vendors(c.ctx),
      knownFeatures: this.catalogue.catalogue.features.map((f) => ({ code: f.code, name: f.name[c.locale] })),
    });
  }
}
