import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyService } from '../../auth/src/api-key.service.js';
import { Public } from '../../auth/src/auth-context.js';
import { OrganizationService } from '../../auth/src/organization.service.js';
import { DomainError, ErrorCode } from '../../common/src/domain.error.js';
import { LAST_ADMIN_RULE, PeopleService } from '../../people/src/people.service.js';
import { ReminderSettingsService } from '../../reminders/src/reminder-settings.service.js';
import { CatalogueOverridesService } from '../../requirements/src/catalogue-overrides.service.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { requireId } from './deadline-pages.controller.js';
import { formFields } from './form-input.js';
import { problemsToErrors } from './sign-in.controller.js';
import type { FieldErrors } from './views/forms.js';
import { label } from './views/format.js';
import { type PeopleModel, peoplePage } from './views/people-page.js';
import {
  apiKeysPage,
  type LadderRowModel,
  ladderPage,
  type OffsetFact,
  organizationPage,
  type OverrideRow,
  overridesPage,
  settingsIndexPage,
} from './views/settings-pages.js';

type Form = Record<string, unknown>;
const BLANK_ROWS = 2;
const MAX_ROWS = 22;

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** A whole number as a number, anything else as typed: the domain's validator names the rule. */
function numberOrRaw(value: string): unknown {
  return /^[+-]?\d{1,6}$/.test(value) ? Number(value) : value === '' ? undefined : value;
}

/**
 * The administrator's settings: people, API keys, the reminder ladder, time zone and language, and the
 * catalogue overrides. Every write calls the API's service (same validation, transaction and audit event)
 * with the person as actor; the whole controller needs the admin role, checked before any handler runs.
 */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@NeedsRole('admin')
@Controller('console')
export class SettingsPagesController {
  constructor(
    private readonly people: PeopleService,
    private readonly keys: ApiKeyService,
    private readonly organizations: OrganizationService,
    private readonly ladders: ReminderSettingsService,
    private readonly overrides: CatalogueOverridesService,
    private readonly catalogue: CatalogueService,
  ) {}

  @Get('settings')
  index(@Page() c: SignedInRequest, @Res() res: Response) {
    res.type('html').send(settingsIndexPage(c));
  }

  // People: change a role, remove a member (inviting and revoking are in OverviewController).

  @Post('people/:id/role')
  async changeRole(
    @Page() c: SignedInRequest,
    @Param('id') id: string,
    @Body() body: Form,
    @Res() res: Response,
  ) {
    const member = await this.member(c, requireId(id));
    const role = str(body.role);
    try {
      await this.people.changeRole(c.ctx, member.id, role);
    } catch (error) {
      return this.peopleRefusal(c, error, member.email, res);
    }
    const done = `role:${member.email}:${role}`;
    res.redirect(303, `/console/people?done=${encodeURIComponent(done)}`);
  }

  @Post('people/:id/remove')
  async remove(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    const member = await this.member(c, requireId(id));
    try {
      await this.people.removeMember(c.ctx, member.id);
    } catch (error) {
      return this.peopleRefusal(c, error, member.email, res);
    }
    res.redirect(303, `/console/people?done=${encodeURIComponent(`removed:${member.email}`)}`);
  }

  // API keys

  @Get('settings/api-keys')
  async apiKeys(@Page() c: SignedInRequest, @Query('done') done: unknown, @Res() res: Response) {
    const flash = done === 'revoked' ? c.t('keys.revoked') : null;
    res.type('html').send(apiKeysPage(c, { keys: await this.keys.list(c.ctx.organizationId), flash }));
  }

  /** The new key is shown on this answer only (only its hash is stored), so this one does not redirect. */
  @Post('settings/api-keys')
  async createKey(@Page() c: SignedInRequest, @Body() body: unknown, @Res() res: Response) {
    const values = formFields(body, ['name']);
    try {
      const issued = await this.keys.issue(c.ctx, values.name ?? '');
      res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
      res
        .status(201)
        .type('html')
        .send(apiKeysPage(c, { keys: await this.keys.list(c.ctx.organizationId), issued }));
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      res
        .status(400)
        .type('html')
        .send(
          apiKeysPage(c, {
            keys: await this.keys.list(c.ctx.organizationId),
            values,
            errors: problemsToErrors(error, c),
          }),
        );
    }
  }

  @Post('settings/api-keys/:id/revoke')
  async revokeKey(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    await this.keys.revokeFor(c.ctx, requireId(id));
    res.redirect(303, '/console/settings/api-keys?done=revoked');
  }

  // The reminder ladder

  @Get('settings/reminders')
  async reminders(@Page() c: SignedInRequest, @Query('done') done: unknown, @Res() res: Response) {
    const settings = await this.ladders.get(c.ctx);
    const rows: LadderRowModel[] = settings.ladder.map((s) => ({
      code: s.code,
      offset: String(s.offsetDays),
      roles: [...s.roles],
      repeat: s.repeatEveryDays === undefined ? '' : String(s.repeatEveryDays),
    }));
    res
      .type('html')
      .send(await this.ladderPage(c, rows, undefined, done === 'saved' ? c.t('ladder.saved') : null));
  }

  @Post('settings/reminders/ladder')
  async saveLadder(@Page() c: SignedInRequest, @Body() body: Form, @Res() res: Response) {
    const count = Math.min(Math.max(Number.parseInt(str(body.rows), 10) || 0, 0), MAX_ROWS);
    const rows: LadderRowModel[] = [];
    for (let i = 0; i < count; i++) {
      rows.push({
        code: str(body[`code_${i}`]),
        offset: str(body[`offset_${i}`]),
        roles: asList(body[`roles_${i}`]),
        repeat: str(body[`repeat_${i}`]),
      });
    }
    // Blank rows are dropped; each stage remembers its row, so an error lands beside the right field.
    const used = rows
      .map((row, i) => ({ row, i }))
      .filter(({ row }) => row.code || row.offset || row.repeat || row.roles.length);
    const stages = used.map(({ row }) => ({
      code: row.code,
      offsetDays: numberOrRaw(row.offset),
      roles: row.roles,
      ...(row.repeat ? { repeatEveryDays: numberOrRaw(row.repeat) } : {}),
    }));
    try {
      await this.ladders.replaceLadder(c.ctx, stages);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      const errors: FieldErrors = {};
      for (const p of error.problems) {
        const m = /^stages\[(\d+)\]\.?(code|offsetDays|roles|repeatEveryDays)?/.exec(p.field);
        const row = m ? used[Number(m[1])]?.i : undefined;
        const name =
          row === undefined
            ? 'stages'
            : `${{ code: 'code', offsetDays: 'offset', roles: 'roles', repeatEveryDays: 'repeat' }[m?.[2] ?? 'code'] ?? 'code'}_${row}`;
        (errors[name] ??= []).push(problemsToErrors(DomainError.invalid([p]), c)[p.field][0]);
      }
      res
        .status(400)
        .type('html')
        .send(await this.ladderPage(c, rows, errors, null));
      return;
    }
    res.redirect(303, '/console/settings/reminders?done=saved');
  }

  // Time zone and language

  @Get('settings/organization')
  async organization(@Page() c: SignedInRequest, @Query('done') done: unknown, @Res() res: Response) {
    const org = await this.organizations.get(c.ctx.organizationId);
    res.type('html').send(
      organizationPage(c, {
        values: { timeZone: org.timeZone, locale: org.locale },
        flash: done === 'saved' ? c.t('org.saved') : null,
      }),
    );
  }

  @Post('settings/organization')
  async saveOrganization(@Page() c: SignedInRequest, @Body() body: Form, @Res() res: Response) {
    const values = { timeZone: str(body.timeZone), locale: str(body.locale) };
    try {
      await this.organizations.updateSettings(c.ctx, values);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      res
        .status(400)
        .type('html')
        .send(organizationPage(c, { values, errors: problemsToErrors(error, c) }));
      return;
    }
    res.redirect(303, '/console/settings/organization?done=saved');
  }

  // Catalogue overrides

  @Get('settings/catalogue')
  async catalogueOverrides(@Page() c: SignedInRequest, @Query('done') done: unknown, @Res() res: Response) {
    res.type('html').send(
      overridesPage(c, {
        rows: await this.overrideRows(c),
        flash: done === 'saved' ? c.t('overrides.saved') : null,
      }),
    );
  }

  @Post('settings/catalogue')
  async saveOverrides(@Page() c: SignedInRequest, @Body() body: Form, @Res() res: Response) {
    const rows = await this.overrideRows(c);
    const values: Record<string, string> = {};
    const overrides: Record<string, Record<string, unknown>> = {};
    const problems: { field: string; rule: string }[] = [];
    const whole = (name: string, min: number, max: number): number | null => {
      const raw = str(body[name]);
      values[name] = raw;
      if (raw === '') return null;
      const n = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isInteger(n) || n < min || n > max) {
        problems.push({ field: name, rule: `must be a whole number between ${min} and ${max}` });
        return null;
      }
      return n;
    };
    for (const row of rows) {
      const own: Record<string, unknown> = {};
      for (const fact of ['windowOpensBefore', 'applyBy'] as const) {
        const f = row[fact];
        if (!f) continue;
        const amount = whole(`${row.code}.${fact}.amount`, 0, 3650);
        const unit = str(body[`${row.code}.${fact}.unit`]);
        values[`${row.code}.${fact}.unit`] = unit;
        // The catalogue's own value is no override: the entry stays out, and follows the catalogue.
        if (amount !== null && (amount !== f.base.amount || unit !== f.base.unit))
          own[fact] = { amount, unit };
      }
      if (row.validity) {
        const years = whole(`${row.code}.validity.years`, 1, 50);
        if (years !== null && years !== row.validity.baseYears) own.validity = { years };
      }
      if (Object.keys(own).length) overrides[row.code] = own;
    }
    try {
      if (problems.length) throw DomainError.invalid(problems);
      await this.overrides.replace(c.ctx, overrides);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.problems.length) throw error;
      res
        .status(400)
        .type('html')
        .send(overridesPage(c, { rows, values, errors: problemsToErrors(error, c) }));
      return;
    }
    res.redirect(303, '/console/settings/catalogue?done=saved');
  }

  private async overrideRows(c: SignedInRequest): Promise<OverrideRow[]> {
    const { overridable } = await this.overrides.get(c.ctx);
    const base = this.catalogue.catalogue;
    return overridable.map((entry) => {
      const e = entry as {
        code: string;
        confidence: string;
        windowOpensBefore?: OffsetFact;
        applyBy?: OffsetFact;
        validity?: { type: string; years?: number; overridden?: boolean };
      };
      const original = base.requirements.find((r) => r.code === e.code)!;
      const baseSchedule = original.schedule as {
        windowOpensBefore?: OffsetFact;
        applyBy: OffsetFact;
      };
      const baseValidity = original.validity as { type: string; years?: number };
      return {
        code: e.code,
        name: this.catalogue.localized(e.code, c.locale)?.name ?? e.code,
        confidence: e.confidence,
        ...(e.windowOpensBefore && baseSchedule.windowOpensBefore
          ? { windowOpensBefore: { now: e.windowOpensBefore, base: baseSchedule.windowOpensBefore } }
          : {}),
        ...(e.applyBy ? { applyBy: { now: e.applyBy, base: baseSchedule.applyBy } } : {}),
        ...(e.validity
          ? {
              validity: {
                nowYears: e.validity.type === 'fixed' ? (e.validity.years ?? null) : null,
                baseYears: baseValidity.type === 'fixed' ? (baseValidity.years ?? null) : null,
                overridden: e.validity.overridden === true,
              },
            }
          : {}),
      };
    });
  }

  private async ladderPage(
    c: SignedInRequest,
    rows: LadderRowModel[],
    errors: FieldErrors | undefined,
    flash: string | null,
  ) {
    const settings = await this.ladders.get(c.ctx);
    const padded = [...rows];
    const blank = (r: LadderRowModel) => !r.code && !r.offset && !r.repeat && !r.roles.length;
    while (padded.length && blank(padded[padded.length - 1])) padded.pop();
    for (let i = 0; i < BLANK_ROWS && padded.length < MAX_ROWS; i++)
      padded.push({ code: '', offset: '', roles: [], repeat: '' });
    return ladderPage(c, {
      rows: padded,
      isDefault: settings.isDefaultLadder,
      effective: settings.whileVendorUnavailable,
      leadDays: settings.vendorUnavailableLeadDays,
      errors,
      flash,
    });
  }

  private async member(c: SignedInRequest, id: string) {
    const member = (await this.people.members(c.ctx)).find((m) => m.id === id);
    if (!member) throw DomainError.notFound('Member');
    return member;
  }

  private async peopleRefusal(c: SignedInRequest, error: unknown, email: string, res: Response) {
    if (!(error instanceof DomainError)) throw error;
    const lastAdmin = error.code === ErrorCode.Conflict && error.message === LAST_ADMIN_RULE;
    if (!lastAdmin && !error.problems.length) throw error;
    const [members, pending] = await Promise.all([
      this.people.members(c.ctx),
      this.people.pendingInvitations(c.ctx),
    ]);
    const model: PeopleModel = {
      members,
      pending,
      alertText: lastAdmin
        ? c.t('people.lastAdmin', { email })
        : Object.values(problemsToErrors(error, c)).flat().join(' '),
    };
    res
      .status(lastAdmin ? 409 : 400)
      .type('html')
      .send(peoplePage(c, model));
  }
}

/** The flash of the people page after a role change or a removal (`done=role:<email>:<role>`). */
export function peopleFlash(c: SignedInRequest, done: unknown): string | null {
  if (typeof done !== 'string') return null;
  let m = /^role:(.+):(admin|manager|operator|viewer)$/.exec(done);
  if (m) return c.t('people.roleChanged', { email: m[1], role: label(c.t, 'role', m[2]) });
  m = /^removed:(.+)$/.exec(done);
  if (m) return c.t('people.removed', { email: m[1] });
  return null;
}
