import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { Clock } from '../../common/src/clock.js';
import { findOwned } from '../../common/src/find-owned.js';
import { DomainError, ErrorCode } from '../../common/src/domain.error.js';
import type { Locale } from '../../common/src/locale.js';
import { toPage } from '../../common/src/pagination.js';
import {
  type CycleAction,
  type CycleDecision,
  decideCycle,
  type DeadlineCycle,
  deadlineDisplayName,
  DeadlineError,
  nextCycle,
  urgencyOf,
} from '../../domain/src/deadlines/index.js';
import { addDays, daysBetween, type LocalDate, localDateOf } from '../../domain/src/time/index.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { QualificationEntity } from '../../registry/src/qualification.entity.js';
import { VendorEntity } from '../../registry/src/vendor.entity.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { DeadlineEntity, LIVE_STATES } from './deadline.entity.js';
import { DeadlineSyncService } from './deadline-sync.service.js';
import type {
  AcknowledgeDeadlineDto,
  CompleteDeadlineDto,
  CreateCustomDeadlineDto,
  ListDeadlinesQuery,
  SnoozeDeadlineDto,
} from './dto/deadline.dto.js';
import { DEADLINES_COUNTED_UP_TO, type DeadlineOverview, DeadlineResponse } from './deadline.response.js';

const URGENCY_SQL: Record<string, (today: string) => [string, Record<string, string>]> = {
  overdue: (t) => ['d.due_on < :t', { t }],
  due_7: (t) => ['d.due_on >= :t AND d.due_on <= :t7', { t, t7: addDays(t, 7) }],
  due_30: (t) => ['d.due_on > :t7 AND d.due_on <= :t30', { t7: addDays(t, 7), t30: addDays(t, 30) }],
  due_90: (t) => ['d.due_on > :t30 AND d.due_on <= :t90', { t30: addDays(t, 30), t90: addDays(t, 90) }],
  later: (t) => ['d.due_on > :t90', { t90: addDays(t, 90) }],
};

@Injectable()
export class DeadlineService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly catalogue: CatalogueService,
    private readonly sync: DeadlineSyncService,
  ) {}

  today(ctx: AuthContext): LocalDate {
    return localDateOf(this.clock.now(), ctx.timeZone);
  }

  async list(ctx: AuthContext, query: ListDeadlinesQuery, locale: Locale) {
    const today = this.today(ctx);
    const qb = this.db
      .getRepository(DeadlineEntity)
      .createQueryBuilder('d')
      .where('d.organization_id = :org', { org: ctx.organizationId });
    if (query.state) qb.andWhere('d.state = :state', { state: query.state });
    else qb.andWhere('d.state IN (:...live)', { live: LIVE_STATES });
    if (query.kind) qb.andWhere('d.kind = :kind', { kind: query.kind });
    if (query.miniProgramId) qb.andWhere('d.mini_program_id = :mp', { mp: query.miniProgramId });
    if (query.vendorId) qb.andWhere('d.vendor_id = :vendor', { vendor: query.vendorId });
    if (query.dueFrom) qb.andWhere('d.due_on >= :dueFrom', { dueFrom: query.dueFrom });
    if (query.dueTo) qb.andWhere('d.due_on <= :dueTo', { dueTo: query.dueTo });
    if (query.urgency) {
      const [sql, params] = URGENCY_SQL[query.urgency](today);
      qb.andWhere(sql, params);
    }
    const desc = query.sort.startsWith('-');
    const column = query.sort.endsWith('actBy') ? 'd.act_by' : 'd.due_on';
    // Counting every live deadline of a large organization cost more than the page itself; matches are
    // counted up to a cap (always past the end of this page, so `next` is right), as the mini-program list does.
    const countLimit = Math.max(DEADLINES_COUNTED_UP_TO, query.offset + query.limit) + 1;
    const [countSql, countParams] = qb.clone().select('1').limit(countLimit).getQueryAndParameters();
    const [rows, counted] = await Promise.all([
      qb
        .orderBy(column, desc ? 'DESC' : 'ASC')
        .addOrderBy('d.id')
        .offset(query.offset)
        .limit(query.limit)
        .getMany(),
      this.db
        .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM (${countSql}) AS m`, countParams)
        .then(([row]) => row.n),
    ]);
    const { limit: _l, offset: _o, ...filters } = query;
    const { items, page } = toPage(
      await this.views(this.db.manager, ctx, rows, locale),
      counted,
      query,
      '/api/v1/deadlines',
      filters,
    );
    return { items, page: { ...page, totalIsExact: counted < countLimit } };
  }

  /** Counts of live cycles per urgency, per state and per kind, as of the organization's today. */
  async overview(ctx: AuthContext): Promise<DeadlineOverview> {
    const today = this.today(ctx);
    // One pass over deadlines_live_overview_idx (index-only, in (kind, state, due_on) order) that only
    // counts each run of equal keys; the few hundred runs are then split by urgency and state. Testing the
    // eight conditions on each of 100,000 live deadlines took twice as long as reading them.
    const kinds = await this.db.query<({ kind: string; n: number } & Record<string, number>)[]>(
      `SELECT kind, sum(n)::int AS n,
         COALESCE(sum(n) FILTER (WHERE due_on < $2), 0)::int AS overdue,
         COALESCE(sum(n) FILTER (WHERE due_on >= $2 AND due_on <= $3), 0)::int AS due_7,
         COALESCE(sum(n) FILTER (WHERE due_on > $3 AND due_on <= $4), 0)::int AS due_30,
         COALESCE(sum(n) FILTER (WHERE due_on > $4 AND due_on <= $5), 0)::int AS due_90,
         COALESCE(sum(n) FILTER (WHERE due_on > $5), 0)::int AS later,
         COALESCE(sum(n) FILTER (WHERE state = 'open'), 0)::int AS open,
         COALESCE(sum(n) FILTER (WHERE state = 'acknowledged'), 0)::int AS acknowledged,
         COALESCE(sum(n) FILTER (WHERE state = 'snoozed'), 0)::int AS snoozed
       FROM (SELECT kind, state, due_on, count(*) AS n FROM deadlines
              WHERE organization_id = $1 AND state IN ('open', 'acknowledged', 'snoozed')
              GROUP BY kind, state, due_on) runs
       GROUP BY kind ORDER BY kind`,
      [ctx.organizationId, today, addDays(today, 7), addDays(today, 30), addDays(today, 90)],
    );
    const sum = (key: string) => kinds.reduce((total, k) => total + k[key], 0);
    const r = Object.fromEntries(
      ['overdue', 'due_7', 'due_30', 'due_90', 'later', 'open', 'acknowledged', 'snoozed'].map((key) => [
        key,
        sum(key),
      ]),
    );
    return {
      today,
      timeZone: ctx.timeZone,
      byUrgency: {
        overdue: r.overdue,
        due_7: r.due_7,
        due_30: r.due_30,
        due_90: r.due_90,
        later: r.later,
      },
      byState: { open: r.open, acknowledged: r.acknowledged, snoozed: r.snoozed },
      byKind: Object.fromEntries(kinds.map((k) => [k.kind, k.n])),
    };
  }

  async get(ctx: AuthContext, id: string, locale: Locale): Promise<DeadlineResponse> {
    const [view] = await this.views(
      this.db.manager,
      ctx,
      [await this.find(this.db.manager, ctx, id)],
      locale,
    );
    return view;
  }

  createCustom(ctx: AuthContext, dto: CreateCustomDeadlineDto, locale: Locale): Promise<DeadlineResponse> {
    return this.db.transaction(async (m) => {
      if (dto.miniProgramId) {
        const exists = await m.existsBy(MiniProgramEntity, {
          id: dto.miniProgramId,
          organizationId: ctx.organizationId,
        });
        if (!exists) {
          throw DomainError.invalid([
            { field: 'miniProgramId', rule: 'must be the id of a mini-program of this organization' },
          ]);
        }
      }
      const id = crypto.randomUUID();
      const recurrence = dto.recurrence ?? 'none';
      const window = addDays(dto.dueOn, -90);
      const row = await m.save(DeadlineEntity, {
        id,
        organizationId: ctx.organizationId,
        miniProgramId: dto.miniProgramId ?? null,
        vendorId: null,
        kind: 'custom' as const,
        subjectKey: `custom:${id}`,
        cycleKey: dto.dueOn,
        requirementCode: null,
        title: dto.title,
        recurrence:
          recurrence === 'none'
            ? null
            : {
                every: recurrence === 'monthly' ? ('month' as const) : ('year' as const),
                anchorDate: dto.dueOn,
              },
        dueOn: dto.dueOn,
        windowOpensOn: window,
        applyBy: dto.dueOn,
        actBy: dto.dueOn,
      });
      const [view] = await this.views(m, ctx, [await this.find(m, ctx, row.id)], locale);
      await this.audit.record(m, ctx, {
        action: 'deadline.created',
        entityType: 'deadline',
        entityId: row.id,
        after: view,
      });
      return view;
    });
  }

  /**
   * Closes the cycle and opens the next. For registry-driven obligations the new expiry is written to the
   * registry (certification date, qualification expiry, contract end) and the next cycle derived from it,
   * so the registry and the deadlines never disagree. Repeating the call changes nothing.
   */
  complete(
    ctx: AuthContext,
    id: string,
    dto: CompleteDeadlineDto,
    locale: Locale,
  ): Promise<DeadlineResponse> {
    return this.db.transaction(async (m) => {
      const row = await this.find(m, ctx, id, true);
      const decision = decideCycle(
        { state: row.state, snoozedUntil: row.snoozedUntil, dueDate: row.dueOn },
        { type: 'complete' },
        this.today(ctx),
      );
      if (decision.kind === 'unchanged') return (await this.views(m, ctx, [row], locale))[0];
      if (decision.kind === 'refused') throw refusal(decision);
      const org = await m.findOneByOrFail(OrganizationEntity, { id: ctx.organizationId });
      const catalogue = this.catalogue.forOrganization(org.catalogueOverrides);
      let next: DeadlineCycle | null;
      try {
        next = nextCycle(this.cycleOf(row), { newExpiry: dto.newExpiry }, catalogue);
      } catch (error) {
        if (error instanceof DeadlineError)
          throw DomainError.invalid([{ field: error.field ?? 'newExpiry', rule: error.message }]);
        throw error;
      }
      const [before] = await this.views(m, ctx, [row], locale);
      await m.update(
        DeadlineEntity,
        { id: row.id },
        {
          state: 'completed',
          completedAt: this.clock.now(),
          completedBy: ctx.actorLabel,
          completionNote: dto.note ?? null,
          snoozedUntil: null,
        },
      );
      if (next) await this.openNext(m, ctx, row, next);
      const [after] = await this.views(m, ctx, [await this.find(m, ctx, id)], locale);
      await this.audit.record(m, ctx, {
        action: 'deadline.completed',
        entityType: 'deadline',
        entityId: id,
        before,
        after: { ...after, nextDueOn: next?.dueDate ?? null },
      });
      return after;
    });
  }

  private async openNext(
    m: EntityManager,
    ctx: AuthContext,
    row: DeadlineEntity,
    next: DeadlineCycle,
  ): Promise<void> {
    const qualificationId = /:qualification:([0-9a-f-]{36})$/.exec(row.subjectKey)?.[1];
    switch (row.kind) {
      case 'annual_review':
        await m.update(
          MiniProgramEntity,
          { id: row.miniProgramId!, organizationId: ctx.organizationId },
          { certificationExpiresOn: next.dueDate },
        );
        break;
      case 'qualification_expiry':
      case 'certificate_expiry':
        if (qualificationId) {
          await m.update(
            QualificationEntity,
            { id: qualificationId, organizationId: ctx.organizationId },
            { expiresOn: next.dueDate },
          );
        }
        break;
      case 'vendor_contract_end':
        await m.update(
          VendorEntity,
          { id: row.vendorId!, organizationId: ctx.organizationId },
          { contractEndsOn: next.dueDate },
        );
        break;
      case 'icp_annual_report':
      case 'enterprise_annual_report':
      case 'custom':
        await m.insert(DeadlineEntity, {
          organizationId: ctx.organizationId,
          miniProgramId: row.miniProgramId,
          vendorId: row.vendorId,
          kind: row.kind,
          subjectKey: row.subjectKey,
          cycleKey: next.cycleKey,
          requirementCode: next.requirementCode,
          title: row.title,
          recurrence: row.recurrence,
          dueOn: next.dueDate,
          windowOpensOn: next.windowOpensOn,
          applyBy: next.applyBy,
          actBy: next.actBy,
          dueIsDayOff: next.dueIsDayOff,
          calendarBasis: next.calendarBasis,
          ladder: row.ladder,
        });
        return;
    }
    const affected = row.miniProgramId
      ? [row.miniProgramId]
      : (
          await m.findBy(MiniProgramEntity, { organizationId: ctx.organizationId, vendorId: row.vendorId! })
        ).map((p) => p.id);
    await this.sync.miniProgramsChanged(m, ctx, affected);
  }

  /**
   * Acknowledging stops this cycle's reminders (planned mails are dropped at send time); the next cycle
   * starts open again. The rules of every action are `decideCycle`'s, shared with the links and the console.
   */
  acknowledge(
    ctx: AuthContext,
    id: string,
    dto: AcknowledgeDeadlineDto,
    locale: Locale,
  ): Promise<DeadlineResponse> {
    return this.transition(ctx, id, locale, 'deadline.acknowledged', { type: 'acknowledge' }, (row) => ({
      acknowledgedAt: this.clock.now(),
      acknowledgedBy: ctx.actorLabel,
      completionNote: dto.note ?? row.completionNote,
    }));
  }

  /** A snooze ends by itself on `until`; it never undoes an acknowledgement unless asked explicitly. */
  snooze(ctx: AuthContext, id: string, dto: SnoozeDeadlineDto, locale: Locale): Promise<DeadlineResponse> {
    return this.transition(ctx, id, locale, 'deadline.snoozed', {
      type: 'snooze',
      until: dto.until,
      overrideAcknowledgement: dto.overrideAcknowledgement === true,
    });
  }

  reopen(ctx: AuthContext, id: string, locale: Locale): Promise<DeadlineResponse> {
    return this.transition(ctx, id, locale, 'deadline.reopened', { type: 'reopen' });
  }

  removeCustom(ctx: AuthContext, id: string): Promise<void> {
    return this.db.transaction(async (m) => {
      const row = await this.find(m, ctx, id, true);
      if (row.kind !== 'custom') {
        throw new DomainError(
          ErrorCode.Conflict,
          'Only custom deadlines can be deleted; derived ones follow the registry',
          [{ field: 'id', rule: 'must be a custom deadline' }],
        );
      }
      await m.delete(DeadlineEntity, { organizationId: ctx.organizationId, subjectKey: row.subjectKey });
      await this.audit.record(m, ctx, {
        action: 'deadline.deleted',
        entityType: 'deadline',
        entityId: id,
        before: { title: row.title, dueOn: row.dueOn },
      });
    });
  }

  /**
   * Applies one action of the cycle state machine in a transaction with its audit event; a repeat that
   * changes nothing is not audited. A refusal is a 409 (closed or acknowledged cycle) or a 400 naming the field.
   */
  private transition(
    ctx: AuthContext,
    id: string,
    locale: Locale,
    auditAction: string,
    action: CycleAction,
    extra: (row: DeadlineEntity) => Partial<DeadlineEntity> = () => ({}),
  ): Promise<DeadlineResponse> {
    return this.db.transaction(async (m) => {
      const row = await this.find(m, ctx, id, true);
      const decision = decideCycle(
        { state: row.state, snoozedUntil: row.snoozedUntil, dueDate: row.dueOn },
        action,
        this.today(ctx),
      );
      if (decision.kind === 'unchanged') return (await this.views(m, ctx, [row], locale))[0];
      if (decision.kind === 'refused') throw refusal(decision);
      const [before] = await this.views(m, ctx, [row], locale);
      await m.update(
        DeadlineEntity,
        { id },
        {
          state: decision.state,
          snoozedUntil: decision.snoozedUntil,
          ...(decision.clearAcknowledgement ? { acknowledgedAt: null, acknowledgedBy: null } : {}),
          ...extra(row),
        },
      );
      const [after] = await this.views(m, ctx, [await this.find(m, ctx, id)], locale);
      await this.audit.record(m, ctx, {
        action: auditAction,
        entityType: 'deadline',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  /** The stored row as the pure engine's cycle (subject keys unscoped again). */
  private cycleOf(row: DeadlineEntity): DeadlineCycle {
    return {
      kind: row.kind,
      subjectKey: row.subjectKey.replace(/^mp:[0-9a-f-]{36}:/, ''),
      requirementCode: row.requirementCode,
      dueDate: row.dueOn,
      windowOpensOn: row.windowOpensOn,
      applyBy: row.applyBy,
      actBy: row.actBy,
      dueIsDayOff: row.dueIsDayOff,
      calendarBasis: row.calendarBasis,
      cycleKey: row.cycleKey,
      title: row.title,
      recurrence: row.recurrence,
    };
  }

  async find(m: EntityManager, ctx: AuthContext, id: string, lock = false): Promise<DeadlineEntity> {
    return findOwned(m, DeadlineEntity, ctx.organizationId, id, 'Deadline', lock);
  }

  async views(
    m: EntityManager,
    ctx: AuthContext,
    rows: DeadlineEntity[],
    locale: Locale,
  ): Promise<DeadlineResponse[]> {
    if (!rows.length) return [];
    const today = this.today(ctx);
    const mpIds = [...new Set(rows.map((r) => r.miniProgramId).filter((v): v is string => !!v))];
    const vendorIds = [...new Set(rows.map((r) => r.vendorId).filter((v): v is string => !!v))];
    const [mps, vendors] = await Promise.all([
      mpIds.length ? m.findBy(MiniProgramEntity, { organizationId: ctx.organizationId, id: In(mpIds) }) : [],
      vendorIds.length
        ? m.findBy(VendorEntity, { organizationId: ctx.organizationId, id: In(vendorIds) })
        : [],
    ]);
    return rows.map((r) => {
      const mp = mps.find((p) => p.id === r.miniProgramId) ?? null;
      const vendor = vendors.find((v) => v.id === r.vendorId) ?? null;
      const requirement = this.catalogue.localized(r.requirementCode, locale);
      return DeadlineResponse.of(r, {
        miniProgram: mp ? { id: mp.id, name: mp.name, appId: mp.appId } : null,
        vendor: vendor ? { id: vendor.id, name: vendor.name, status: vendor.status } : null,
        requirementName: deadlineDisplayName(requirement?.name, r, locale),
        daysLeft: daysBetween(today, r.dueOn),
        urgency: urgencyOf({ dueDate: r.dueOn }, today),
      });
    });
  }
}

/** A refusal of the state machine as the API's error: 409 for a closed or acknowledged cycle, else 400. */
export function refusal(decision: Extract<CycleDecision, { kind: 'refused' }>): DomainError {
  const problems = [{ field: decision.field, rule: decision.rule }];
  if (decision.code === 'invalid') return DomainError.invalid(problems);
  return new DomainError(ErrorCode.Conflict, `Not done: ${decision.rule}`, problems);
}
