import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { PageQuery } from '../../common/src/pagination.js';
import { continuityAlertRecipients } from '../../continuity/src/continuity-alert.service.js';
import { ladderRecipients } from '../../domain/src/reminders/stage-recipients.js';
import { UpdateVendorDto } from '../../registry/src/dto/vendor.dto.js';
import type { VendorResponse } from '../../registry/src/responses.js';
import { VENDOR_STATUSES, type VendorStatus } from '../../registry/src/vendor.entity.js';
import { VendorService } from '../../registry/src/vendor.service.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ContinuityQueries } from './continuity-queries.service.js';
import { requireId } from './deadline-pages.controller.js';
import { formFields, validated } from './form-input.js';
import { problemsToErrors } from './sign-in.controller.js';
import type { FieldErrors } from './views/forms.js';
import {
  STATUS_FIELDS,
  statusPreviewPage,
  vendorDetailPage,
  vendorListPage,
} from './views/continuity-pages.js';

const isStatus = (s: unknown): s is VendorStatus =>
  typeof s === 'string' && (VENDOR_STATUSES as readonly string[]).includes(s);

/**
 * Vendors: the list with what each serves, one vendor, and a status change in two steps. The first POST
 * only shows what saving will set off (who gets the continuity alert, where reminders go); the second
 * saves through the API's VendorService, whose row lock and keyed alert make a repeat send nothing.
 */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller('console/vendors')
export class VendorPagesController {
  constructor(
    private readonly vendors: VendorService,
    private readonly queries: ContinuityQueries,
    private readonly db: DataSource,
  ) {}

  @Get()
  async list(@Page() c: SignedInRequest, @Query() raw: Record<string, unknown>, @Res() res: Response) {
    const filters = formFields(raw, ['status', 'offset']);
    const status = isStatus(filters.status) ? filters.status : undefined;
    const page = await this.vendors.list(c.ctx, {
      ...(await validated(PageQuery, { limit: '50', offset: filters.offset ?? '0' })),
      status,
    });
    const served = await this.queries.servedBy(
      c.ctx,
      page.items.map((v) => v.id),
    );
    res.type('html').send(
      vendorListPage(c, {
        items: page.items,
        miniPrograms: served,
        page: page.page,
        filters: { status },
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
    const vendor = await this.vendors.get(c.ctx, requireId(id));
    const flash =
      done === 'status'
        ? c.t('vendors.done.status')
        : done === 'unchanged'
          ? c.t('vendors.done.unchanged')
          : null;
    res.type('html').send(await this.detail(c, vendor, {}, undefined, flash));
  }

  /** Step one: check the input as the API would, then show what will follow; nothing is written. */
  @Post(':id/status')
  @NeedsRole('operator')
  async preview(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const vendor = await this.vendors.get(c.ctx, requireId(id));
    const values = formFields(body, STATUS_FIELDS);
    const errors = await this.check(c, vendor, values);
    if (errors) {
      res
        .status(400)
        .type('html')
        .send(await this.detail(c, vendor, values, errors));
      return;
    }
    res.type('html').send(await this.previewPage(c, vendor, values));
  }

  /**
   * Step two: save. A reload, a second click or a second tab finds the status already saved and changes
   * nothing; two at once are serialized by VendorService's row lock, and the alert is keyed on the change.
   */
  @Post(':id/status/confirm')
  @NeedsRole('operator')
  async confirm(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const vendor = await this.vendors.get(c.ctx, requireId(id));
    const values = formFields(body, STATUS_FIELDS);
    const from = formFields(body, ['from']).from;
    if (values.status === vendor.status) {
      res.redirect(303, `/console/vendors/${vendor.id}?done=unchanged`);
      return;
    }
    const errors = await this.check(c, vendor, values);
    if (errors) {
      res
        .status(400)
        .type('html')
        .send(await this.detail(c, vendor, values, errors));
      return;
    }
    if (from !== vendor.status) {
      // Someone else changed it after this preview: show what follows from the status as it is now.
      res
        .status(409)
        .type('html')
        .send(await this.previewPage(c, vendor, values, c.t('preview.changedMeanwhile')));
      return;
    }
    await this.vendors.update(
      c.ctx,
      vendor.id,
      await validated(UpdateVendorDto, {
        status: values.status,
        statusReason: values.statusReason ?? null,
        statusEvidence: values.statusEvidence ?? null,
      }),
    );
    res.redirect(303, `/console/vendors/${vendor.id}?done=status`);
  }

  /** The API's rules (UpdateVendorDto), plus the form's own: a new status, and a reason for an unavailable one. */
  private async check(
    c: SignedInRequest,
    vendor: VendorResponse,
    values: Record<string, string | undefined>,
  ): Promise<FieldErrors | null> {
    const errors: FieldErrors = {};
    try {
      await validated(UpdateVendorDto, { ...values });
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      Object.assign(errors, problemsToErrors(error, c));
    }
    if (!values.status) (errors.status ??= []).push(c.t('vendors.statusRequired'));
    else if (values.status === vendor.status && !errors.status) errors.status = [c.t('vendors.statusSame')];
    if (values.status && values.status !== 'active' && !values.statusReason && !errors.statusReason)
      errors.statusReason = [c.t('vendors.reasonRequired')];
    return Object.keys(errors).length ? errors : null;
  }

  private async detail(
    c: SignedInRequest,
    vendor: VendorResponse,
    values: Record<string, string | undefined>,
    errors?: FieldErrors,
    flash?: string | null,
  ): Promise<string> {
    const served = await this.queries.servedBy(c.ctx, [vendor.id], 500);
    return vendorDetailPage(c, {
      vendor,
      miniPrograms: served.get(vendor.id) ?? [],
      values,
      errors,
      flash,
    });
  }

  private async previewPage(
    c: SignedInRequest,
    vendor: VendorResponse,
    values: Record<string, string | undefined>,
    notice?: string,
  ): Promise<string> {
    const to = values.status as VendorStatus;
    const unavailable = to !== 'active';
    const sendsAlert = unavailable; // ContinuityAlertService alerts on every change to unresponsive or ceased
    const [served, recipients, { ladder, earlierByDays }, contacts] = await Promise.all([
      this.queries.servedBy(c.ctx, [vendor.id], 500),
      sendsAlert ? continuityAlertRecipients(this.db.manager, c.ctx.organizationId) : Promise.resolve([]),
      this.queries.ladder(c.ctx),
      this.queries.contacts(c.ctx),
    ]);
    const stages = ladderRecipients(ladder, contacts, {
      vendorUnavailable: unavailable,
      vendorId: vendor.id,
      earlierByDays,
    }).map((s) => ({
      code: s.stage.code,
      offsetDays: s.stage.offsetDays,
      repeatEveryDays: s.stage.repeatEveryDays,
      roles: s.roles,
      recipients: s.recipients.map((r) => ({
        name: r.name,
        email: r.email,
        vendorName: r.vendorId ? vendor.name : null,
      })),
    }));
    return statusPreviewPage(c, {
      vendor,
      values: { status: to, statusReason: values.statusReason, statusEvidence: values.statusEvidence },
      sendsAlert,
      alertRecipients: recipients,
      miniPrograms: served.get(vendor.id) ?? [],
      earlierByDays,
      stages,
      notice,
    });
  }
}
