import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/src/auth-context.js';
import { DomainError, ErrorCode } from '../../common/src/domain.error.js';
import type { DeadlineResponse } from '../../deadlines/src/deadline.response.js';
import { DeadlineService } from '../../deadlines/src/deadline.service.js';
import {
  AcknowledgeDeadlineDto,
  CompleteDeadlineDto,
  ListDeadlinesQuery,
  SnoozeDeadlineDto,
} from '../../deadlines/src/dto/deadline.dto.js';
import { whoMustAct } from '../../exports/src/checklist.service.js';
import { MiniProgramService } from '../../registry/src/mini-program.service.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleQueries } from './console-queries.service.js';
import { formFields, validated } from './form-input.js';
import { problemsToErrors } from './sign-in.controller.js';
import { deadlineDetailPage, deadlineListPage, type DeadlineRow } from './views/deadline-pages.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FILTERS = ['urgency', 'state', 'kind', 'vendorId', 'miniProgramId', 'offset'] as const;
const DONE = {
  complete: 'deadlines.done.complete',
  acknowledge: 'deadlines.done.acknowledge',
  snooze: 'deadlines.done.snooze',
  reopen: 'deadlines.done.reopen',
} as const;

/** An id that is not even a UUID is the same 404 as one that does not exist (or is another organization's). */
export function requireId(id: string): string {
  if (!UUID.test(id)) throw DomainError.notFound('Page');
  return id;
}

export function withWho(d: DeadlineResponse, locale: 'zh-CN' | 'en'): DeadlineRow {
  return {
    ...d,
    whoMustAct: whoMustAct(
      { kind: d.kind, vendor_name: d.vendor?.name ?? null, vendor_status: d.vendor?.status ?? null },
      locale,
    ),
  };
}

/** Deadlines: the filtered list, one deadline with its checklist and history, and the four actions. */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller('console/deadlines')
export class DeadlinePagesController {
  constructor(
    private readonly deadlines: DeadlineService,
    private readonly miniPrograms: MiniProgramService,
    private readonly catalogue: CatalogueService,
    private readonly queries: ConsoleQueries,
  ) {}

  @Get()
  async list(@Page() c: SignedInRequest, @Query() raw: Record<string, unknown>, @Res() res: Response) {
    const filters = formFields(raw, FILTERS);
    const query = await validated(ListDeadlinesQuery, { ...filters, sort: 'actBy', limit: '50' });
    const [page, vendors, mp] = await Promise.all([
      this.deadlines.list(c.ctx, query, c.locale),
      this.queries.vendors(c.ctx),
      query.miniProgramId ? this.miniPrograms.get(c.ctx, query.miniProgramId) : null,
    ]);
    res.type('html').send(
      deadlineListPage(c, {
        filters,
        items: page.items.map((d) => withWho(d, c.locale)),
        page: page.page,
        vendors,
        miniProgramName: mp?.name ?? null,
      }),
    );
  }

  @Get(':id')
  async show(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Query('done') done: unknown,
    @Res() res: Response,
  ) {
    const flash = typeof done === 'string' && done in DONE ? c.t(DONE[done as keyof typeof DONE]) : null;
    res.type('html').send(await this.render(c, requireId(id), { flash }));
  }

  @Post(':id/complete')
  @NeedsRole('operator')
  complete(@Page() c: SignedInRequest, @Param('id') id: string, @Body() body: unknown, @Res() res: Response) {
    return this.act(
      c,
      requireId(id),
      'complete',
      formFields(body, ['newExpiry', 'note']),
      res,
      async (values) =>
        this.deadlines.complete(c.ctx, id, await validated(CompleteDeadlineDto, values), c.locale),
    );
  }

  @Post(':id/acknowledge')
  @NeedsRole('operator')
  acknowledge(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    return this.act(c, requireId(id), 'acknowledge', formFields(body, ['note']), res, async (values) =>
      this.deadlines.acknowledge(c.ctx, id, await validated(AcknowledgeDeadlineDto, values), c.locale),
    );
  }

  @Post(':id/snooze')
  @NeedsRole('operator')
  snooze(@Page() c: SignedInRequest, @Param('id') id: string, @Body() body: unknown, @Res() res: Response) {
    return this.act(c, requireId(id), 'snooze', formFields(body, ['until']), res, async (values) =>
      this.deadlines.snooze(c.ctx, id, await validated(SnoozeDeadlineDto, values), c.locale),
    );
  }

  @Post(':id/reopen')
  @NeedsRole('operator')
  reopen(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    return this.act(c, requireId(id), 'reopen', {}, res, () => this.deadlines.reopen(c.ctx, id, c.locale));
  }

  /** Post, redirect, get: success goes back to the page; a refused form re-renders it with the errors. */
  private async act(
    c: SignedInRequest,
    id: string,
    name: keyof typeof DONE,
    values: Record<string, string>,
    res: Response,
    run: (values: Record<string, string>) => Promise<unknown>,
  ) {
    try {
      await run(values);
    } catch (error) {
      if (error instanceof DomainError && error.problems.length && name !== 'reopen') {
        const form = { name, values, errors: problemsToErrors(error, c) };
        res
          .status(error.code === ErrorCode.Conflict ? 409 : 400)
          .type('html')
          .send(await this.render(c, id, { form }));
        return;
      }
      throw error;
    }
    res.redirect(303, `/console/deadlines/${id}?done=${name}`);
  }

  private async render(
    c: SignedInRequest,
    id: string,
    extra: Pick<Parameters<typeof deadlineDetailPage>[1], 'flash' | 'form'>,
  ) {
    const deadline = await this.deadlines.get(c.ctx, id, c.locale);
    const [history, nextCycle] = await Promise.all([
      this.queries.history(c.ctx, id),
      deadline.state === 'completed' ? this.queries.nextCycle(c.ctx, id) : null,
    ]);
    return deadlineDetailPage(c, {
      deadline: withWho(deadline, c.locale),
      requirement: this.catalogue.localized(deadline.requirementCode, c.locale),
      history,
      nextCycle,
      ...extra,
    });
  }
}
