import { All, Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { DeadlineService } from '../../deadlines/src/deadline.service.js';
import { ListDeadlinesQuery } from '../../deadlines/src/dto/deadline.dto.js';
import { PeopleService } from '../../people/src/people.service.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleQueries } from './console-queries.service.js';
import { requireId, withWho } from './deadline-pages.controller.js';
import { formFields, validated } from './form-input.js';
import { problemsToErrors } from './sign-in.controller.js';
import { overviewPage } from './views/overview-page.js';
import { peoplePage } from './views/people-page.js';
import { peopleFlash } from './settings-pages.controller.js';

/** The overview, the people of the organization (admins only), and the console's own 404. */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller('console')
export class OverviewController {
  constructor(
    private readonly deadlines: DeadlineService,
    private readonly queries: ConsoleQueries,
    private readonly people: PeopleService,
  ) {}

  @Get()
  async overview(@Page() c: SignedInRequest, @Res() res: Response) {
    const [overview, next, gaps, vendors, failed] = await Promise.all([
      this.deadlines.overview(c.ctx),
      this.deadlines.list(
        c.ctx,
        await validated(ListDeadlinesQuery, { sort: 'actBy', limit: '10' }),
        c.locale,
      ),
      this.queries.complianceGaps(c.ctx),
      this.queries.unavailableVendors(c.ctx),
      this.queries.failedDeliveries(c.ctx),
    ]);
    res.type('html').send(
      overviewPage(c, {
        overview,
        next: next.items.map((d) => withWho(d, c.locale)),
        gaps,
        vendors,
        failed,
      }),
    );
  }

  @Get('people')
  @NeedsRole('admin')
  async peopleList(@Page() c: SignedInRequest, @Query('done') done: unknown, @Res() res: Response) {
    const flash =
      done === 'revoked'
        ? c.t('people.revoked')
        : typeof done === 'string' && done.startsWith('invited:')
          ? c.t('people.invited', { email: done.slice(8) })
          : peopleFlash(c, done);
    res.type('html').send(await this.peoplePage(c, { flash }));
  }

  @Post('people/invitations')
  @NeedsRole('admin')
  async invite(@Page() c: SignedInRequest, @Body() body: unknown, @Res() res: Response) {
    const values = formFields(body, ['email', 'role']);
    try {
      await this.people.invite(c.ctx, { email: values.email ?? '', role: values.role ?? '' }, { mail: true });
      res.redirect(303, `/console/people?done=${encodeURIComponent(`invited:${values.email ?? ''}`)}`);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      res
        .status(400)
        .type('html')
        .send(await this.peoplePage(c, { values, errors: problemsToErrors(error, c) }));
    }
  }

  @Post('people/invitations/:id/revoke')
  @NeedsRole('admin')
  async revoke(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    await this.people.revokeInvitation(c.ctx, requireId(id));
    res.redirect(303, '/console/people?done=revoked');
  }

  /** Any other console address: the console's 404 page, after the same sign-in as every page. */
  @All('*path')
  notFound(): never {
    throw DomainError.notFound('Page');
  }

  private async peoplePage(c: SignedInRequest, extra: Partial<Parameters<typeof peoplePage>[1]>) {
    const [members, pending] = await Promise.all([
      this.people.members(c.ctx),
      this.people.pendingInvitations(c.ctx),
    ]);
    return peoplePage(c, { members, pending, ...extra });
  }
}
