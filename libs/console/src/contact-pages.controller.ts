import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import type { ReminderContact } from '../../domain/src/reminders/recipients.js';
import { ladderRecipients } from '../../domain/src/reminders/stage-recipients.js';
import { ContactService } from '../../registry/src/contact.service.js';
import { CreateContactDto, UpdateContactDto } from '../../registry/src/dto/contact.dto.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { ConsoleQueries } from './console-queries.service.js';
import { CONTACTS_SHOWN, ContinuityQueries } from './continuity-queries.service.js';
import { requireId } from './deadline-pages.controller.js';
import { formFields, validated } from './form-input.js';
import { problemsToErrors } from './sign-in.controller.js';
import type { FieldErrors } from './views/forms.js';
import { CONTACT_FIELDS, contactFormPage, contactsPage, type StageRow } from './views/continuity-pages.js';

/**
 * The form's fields as the DTO takes them: the digest hour is a number (its select posts digits, or
 * nothing for the organization's hour); anything else is passed on as text for the DTO to refuse.
 */
function contactInput(values: Record<string, string>, update: boolean): Record<string, unknown> {
  const input: Record<string, unknown> = { ...values };
  if (values.digestHour !== undefined && /^\d{1,2}$/.test(values.digestHour))
    input.digestHour = Number(values.digestHour);
  if (update)
    for (const key of ['phone', 'vendorId', 'digestHour'] as const) if (!(key in values)) input[key] = null;
  return input;
}

const DONE = {
  created: 'contacts.done.created',
  updated: 'contacts.done.updated',
  removed: 'contacts.done.removed',
} as const;

/** The owner's and the vendors' people, and who receives which stage of the organization's ladder. */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller('console/contacts')
export class ContactPagesController {
  constructor(
    private readonly contacts: ContactService,
    private readonly queries: ContinuityQueries,
    private readonly consoleQueries: ConsoleQueries,
  ) {}

  @Get()
  async list(@Page() c: SignedInRequest, @Query('done') done: unknown, @Res() res: Response) {
    const [all, vendors, { ladder, earlierByDays }] = await Promise.all([
      this.queries.contacts(c.ctx),
      this.consoleQueries.vendors(c.ctx),
      this.queries.ladder(c.ctx),
    ]);
    const truncated = all.length > CONTACTS_SHOWN;
    const contacts = all.slice(0, CONTACTS_SHOWN);
    const vendorName = new Map(vendors.map((v) => [v.id, v.name]));
    const byName = (a: ReminderContact, b: ReminderContact) => a.name.localeCompare(b.name, 'zh-CN');
    const rows = (vendorUnavailable: boolean): StageRow[] => {
      // While vendors answer, each vendor's people get the stages of their own mini-programs: one table
      // row per stage lists the owner's people and every vendor's, as recipientsFor picks them per vendor.
      const perVendor = vendorUnavailable ? [null] : [null, ...vendors.map((v) => v.id)];
      const tables = perVendor.map((vendorId) =>
        ladderRecipients(ladder, contacts, { vendorUnavailable, vendorId, earlierByDays }),
      );
      return tables[0].map((first, i) => {
        const seen = new Set<string>();
        const recipients = tables
          .flatMap((table) => table[i].recipients)
          .filter((r) => !seen.has(r.id) && seen.add(r.id));
        return {
          code: first.stage.code,
          offsetDays: first.stage.offsetDays,
          repeatEveryDays: first.stage.repeatEveryDays,
          roles: first.roles,
          recipients: recipients.map((r) => ({
            name: r.name,
            email: r.email,
            vendorName: r.vendorId ? (vendorName.get(r.vendorId) ?? null) : null,
          })),
        };
      });
    };
    res.type('html').send(
      contactsPage(c, {
        own: contacts.filter((p) => p.vendorId === null).sort(byName),
        vendors: vendors
          .map((v) => ({
            vendor: v,
            contacts: contacts.filter((p) => p.vendorId === v.id).sort(byName),
          }))
          .filter((g) => g.contacts.length > 0),
        answering: rows(false),
        unavailable: rows(true),
        earlierByDays,
        truncated,
        flash: typeof done === 'string' && done in DONE ? c.t(DONE[done as keyof typeof DONE]) : null,
      }),
    );
  }

  @Get('new')
  @NeedsRole('operator')
  async newForm(@Page() c: SignedInRequest, @Query('vendorId') vendorId: unknown, @Res() res: Response) {
    res
      .type('html')
      .send(
        await this.form(c, { values: { vendorId: typeof vendorId === 'string' ? vendorId : undefined } }),
      );
  }

  @Post()
  @NeedsRole('operator')
  async create(@Page() c: SignedInRequest, @Body() body: unknown, @Res() res: Response) {
    const values = formFields(body, CONTACT_FIELDS);
    try {
      await this.contacts.create(c.ctx, await validated(CreateContactDto, contactInput(values, false)));
      res.redirect(303, '/console/contacts?done=created');
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      res
        .status(400)
        .type('html')
        .send(await this.form(c, { values, errors: problemsToErrors(error, c) }));
    }
  }

  @Get(':id/edit')
  @NeedsRole('operator')
  async editForm(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    const p = await this.contacts.get(c.ctx, requireId(id));
    res.type('html').send(
      await this.form(c, {
        id,
        name: p.name,
        values: {
          name: p.name,
          email: p.email,
          role: p.role,
          locale: p.locale,
          phone: p.phone ?? undefined,
          vendorId: p.vendorId ?? undefined,
          reminderMode: p.reminderMode,
          digestHour: p.digestHour === null ? undefined : String(p.digestHour),
        },
      }),
    );
  }

  @Post(':id')
  @NeedsRole('operator')
  async update(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const p = await this.contacts.get(c.ctx, requireId(id));
    const values = formFields(body, CONTACT_FIELDS);
    try {
      await this.contacts.update(c.ctx, id, await validated(UpdateContactDto, contactInput(values, true)));
      res.redirect(303, '/console/contacts?done=updated');
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      res
        .status(400)
        .type('html')
        .send(await this.form(c, { id, name: p.name, values, errors: problemsToErrors(error, c) }));
    }
  }

  @Post(':id/delete')
  @NeedsRole('operator')
  async remove(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    await this.contacts.remove(c.ctx, requireId(id));
    res.redirect(303, '/console/contacts?done=removed');
  }

  private async form(
    c: SignedInRequest,
    m: { id?: string; name?: string; values: Record<string, string | undefined>; errors?: FieldErrors },
  ): Promise<string> {
    return contactFormPage(c, {
      id: m.id,
      title: m.id ? c.t('contacts.editTitle', { name: m.name ?? '' }) : c.t('contacts.add'),
      values: m.values,
      errors: m.errors,
      vendors: await this.consoleQueries.vendors(c.ctx),
    });
  }
}
