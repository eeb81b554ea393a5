import { Controller, Get, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/src/auth-context.js';
import { validateLocalDate } from '../../common/src/rules.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { formFields } from './form-input.js';
import {
  DELIVERY_FILTER_STATUSES,
  type DeliveryFilterStatus,
  HistoryQueries,
} from './history-queries.service.js';
import { translateRule } from './i18n/rules.js';
import type { FieldErrors } from './views/forms.js';
import { label } from './views/format.js';
import { auditLogPage, deliveriesPage } from './views/history-pages.js';
import { deadlineDisplayName } from '../../domain/src/deadlines/index.js';

const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUDIT_FILTERS = ['who', 'action', 'entityType', 'entityId', 'from', 'to', 'offset'] as const;
const DELIVERY_FILTERS = ['status', 'from', 'to', 'offset'] as const;

/**
 * A filter form's values checked like the API checks a query: each problem named beside its field in the
 * person's language (400), never a guess and never a 500.
 */
export function checkFilters(c: SignedInRequest, f: Record<string, string | undefined>): FieldErrors {
  const errors: FieldErrors = {};
  const problem = (name: string, rule: string) =>
    (errors[name] ??= []).push(translateRule(rule, c.locale, c.t));
  if (f.who !== undefined && f.who.length > 100) problem('who', 'must be at most 100 characters');
  if (f.action !== undefined && !/^[a-z_.]{1,60}$/.test(f.action))
    problem('action', 'must be one of: the listed actions');
  if (f.entityType !== undefined && !/^[a-z_]{1,40}$/.test(f.entityType))
    problem('entityType', 'must be one of: the listed kinds');
  if (f.entityId !== undefined && !UUID.test(f.entityId)) problem('entityId', 'must be a UUID');
  if (f.status !== undefined && !(DELIVERY_FILTER_STATUSES as readonly string[]).includes(f.status))
    problem('status', `must be one of: ${DELIVERY_FILTER_STATUSES.join(', ')}`);
  for (const name of ['from', 'to'] as const) {
    const rule = f[name] === undefined ? null : validateLocalDate(f[name]);
    if (rule) problem(name, rule);
  }
  if (f.from && f.to && !errors.from && !errors.to && f.to < f.from)
    (errors.to ??= []).push(c.t('history.toBeforeFrom'));
  if (f.offset !== undefined && !/^\d{1,7}$/.test(f.offset)) problem('offset', 'must be a whole number');
  return errors;
}

/** History: the audit log (managers and admins) and every mail delivery with what the server answered. */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller('console')
export class HistoryPagesController {
  constructor(
    private readonly queries: HistoryQueries,
    private readonly catalogue: CatalogueService,
  ) {}

  @Get('history')
  @NeedsRole('manager')
  async auditLog(@Page() c: SignedInRequest, @Query() raw: Record<string, unknown>, @Res() res: Response) {
    const filters = formFields(raw, AUDIT_FILTERS);
    const errors = checkFilters(c, filters);
    const offset = Number(filters.offset ?? 0);
    if (Object.keys(errors).length) {
      res
        .status(400)
        .type('html')
        .send(
          auditLogPage(c, { filters, errors, rows: [], page: { total: 0, limit: PAGE_SIZE, offset: 0 } }),
        );
      return;
    }
    const { rows, total } = await this.queries.auditEvents(c.ctx, filters, PAGE_SIZE, offset);
    res.type('html').send(auditLogPage(c, { filters, rows, page: { total, limit: PAGE_SIZE, offset } }));
  }

  @Get('deliveries')
  async deliveries(@Page() c: SignedInRequest, @Query() raw: Record<string, unknown>, @Res() res: Response) {
    const filters = formFields(raw, DELIVERY_FILTERS);
    const errors = checkFilters(c, filters);
    const offset = Number(filters.offset ?? 0);
    if (Object.keys(errors).length) {
      res
        .status(400)
        .type('html')
        .send(
          deliveriesPage(c, { filters, errors, rows: [], page: { total: 0, limit: PAGE_SIZE, offset: 0 } }),
        );
      return;
    }
    const { rows, total } = await this.queries.deliveries(
      c.ctx,
      { ...filters, status: filters.status as DeliveryFilterStatus | undefined },
      PAGE_SIZE,
      offset,
    );
    res.type('html').send(
      deliveriesPage(c, {
        filters,
        rows: rows.map((d) => ({
          ...d,
          deadlineName: d.deadline_id
            ? d.requirement_code && this.catalogue.localized(d.requirement_code, c.locale)
              ? deadlineDisplayName(
                  this.catalogue.localized(d.requirement_code, c.locale)?.name,
                  { kind: d.deadline_kind ?? '', title: d.deadline_title },
                  c.locale,
                )
              : (d.deadline_title ?? label(c.t, 'kind', d.deadline_kind ?? ''))
            : null,
        })),
        page: { total, limit: PAGE_SIZE, offset },
      }),
    );
  }
}
