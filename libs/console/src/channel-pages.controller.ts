import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/src/auth-context.js';
import { ChannelService } from '../../channels/src/channel.service.js';
import { DomainError } from '../../common/src/domain.error.js';
import { isChannelKind } from '../../domain/src/channels/index.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleQueries } from './console-queries.service.js';
import { requireId } from './deadline-pages.controller.js';
import { formFields } from './form-input.js';
import { submitted } from './form-outcome.js';
import type { FieldErrors } from './views/forms.js';
import {
  CHANNEL_FIELDS,
  channelDeletePage,
  channelFormPage,
  channelsPage,
  type TestAnswer,
} from './views/channel-pages.js';

const DONE = {
  created: 'channels.done.created',
  paused: 'channels.done.paused',
  resumed: 'channels.done.resumed',
  removed: 'channels.done.removed',
} as const;

/** The roles ticked in a form: one checkbox posts a string, several an array. */
function rolesOf(body: unknown): string[] {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).roles : undefined;
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (r): r is string => typeof r === 'string',
  );
}

/**
 * Chat channels (issue 17): managers see them (masked, as the service returns them), administrators add,
 * test, pause, resume and remove them, through ChannelService like the API, with its checks and audit.
 */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller('console/channels')
export class ChannelPagesController {
  constructor(
    private readonly channels: ChannelService,
    private readonly queries: ConsoleQueries,
  ) {}

  @Get()
  @NeedsRole('manager')
  async list(@Page() c: SignedInRequest, @Query() q: Record<string, unknown>, @Res() res: Response) {
    const [items, vendors] = await Promise.all([this.channels.list(c.ctx), this.queries.vendors(c.ctx)]);
    const done = q.done;
    // The platform's answer to a test, carried by the redirect after the POST (shown as text only).
    const tested: TestAnswer | null =
      typeof q.tested === 'string' && typeof q.outcome === 'string'
        ? {
            channelId: q.tested,
            outcome: q.outcome,
            message: typeof q.message === 'string' ? q.message.slice(0, 300) : '',
          }
        : null;
    res.type('html').send(
      channelsPage(c, {
        items,
        vendors: new Map(vendors.map((v) => [v.id, v.name])),
        tested,
        flash: typeof done === 'string' && done in DONE ? c.t(DONE[done as keyof typeof DONE]) : null,
      }),
    );
  }

  @Get('new')
  @NeedsRole('admin')
  async newForm(@Page() c: SignedInRequest, @Query('kind') kind: unknown, @Res() res: Response) {
    const chosen = kind === undefined ? 'wecom' : kind;
    if (!isChannelKind(chosen)) throw DomainError.notFound('Page');
    res
      .type('html')
      .send(await this.form(c, { kind: chosen }, ['operator', 'manager', 'executive', 'legal']));
  }

  @Post()
  @NeedsRole('admin')
  async create(@Page() c: SignedInRequest, @Body() body: unknown, @Res() res: Response) {
    const values = formFields(body, CHANNEL_FIELDS);
    const roles = rolesOf(body);
    if (!isChannelKind(values.kind)) throw DomainError.notFound('Page');
    await submitted(
      c,
      res,
      async () => {
        await this.channels.create(c.ctx, {
          kind: values.kind,
          name: values.name ?? '',
          url: values.url ?? '',
          secret: values.secret,
          roles,
          vendorId: values.vendorId ?? null,
        });
        return '/console/channels?done=created';
      },
      // The secret is never sent back, even to fix a mistake: the person types it again.
      (errors) => this.form(c, { ...values, secret: undefined }, roles, errors),
    );
  }

  @Post(':id/test')
  @NeedsRole('admin')
  async test(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    const r = await this.channels.test(c.ctx, requireId(id));
    const q = new URLSearchParams({
      tested: id,
      outcome: r.outcome,
      message: r.retryAt ? `${r.message} (${r.retryAt})` : r.message,
    });
    res.redirect(303, `/console/channels?${q.toString()}#test-answer`);
  }

  @Post(':id/pause')
  @NeedsRole('admin')
  async pause(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    await this.channels.pause(c.ctx, requireId(id));
    res.redirect(303, '/console/channels?done=paused');
  }

  @Post(':id/resume')
  @NeedsRole('admin')
  async resume(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    await this.channels.resume(c.ctx, requireId(id));
    res.redirect(303, '/console/channels?done=resumed');
  }

  @Get(':id/delete')
  @NeedsRole('admin')
  async confirmRemove(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    res.type('html').send(channelDeletePage(c, await this.channels.get(c.ctx, requireId(id))));
  }

  @Post(':id/delete')
  @NeedsRole('admin')
  async remove(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    await this.channels.remove(c.ctx, requireId(id));
    res.redirect(303, '/console/channels?done=removed');
  }

  private async form(
    c: SignedInRequest,
    values: Record<string, string | undefined>,
    roles: string[],
    errors?: FieldErrors,
  ): Promise<string> {
    return channelFormPage(c, {
      kind: values.kind as 'wecom',
      values,
      roles,
      errors,
      vendors: await this.queries.vendors(c.ctx),
    });
  }
}
