import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import type { Catalogue } from '../../catalogue/src/index.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { Clock } from '../../common/src/clock.js';
import { IdGenerator } from '../../common/src/ids.js';
import { AuditService } from '../../audit/src/audit.service.js';
import {
  type DeadlineCycle,
  type DeriveDeadlinesInput,
  decideCycle,
  deriveDeadlines,
  deriveOwnerDeadlines,
  isCadenceChange,
  ownersOf,
  ownerSubjectKey,
} from '../../domain/src/deadlines/index.js';
import { localDateOf } from '../../domain/src/time/index.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { QualificationEntity } from '../../registry/src/qualification.entity.js';
import {
  type CreationPlanner,
  type PlannedRecords,
  RegistryObserver,
} from '../../registry/src/registry-ports.js';
import { VendorEntity } from '../../registry/src/vendor.entity.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { DeadlineEntity, LIVE_STATES } from './deadline.entity.js';

/** Calendar-driven cycles stay as they are until completed; expiry-driven ones follow the registry. */
const CALENDAR_DRIVEN = new Set(['icp_annual_report', 'enterprise_annual_report', 'custom']);

interface Derived {
  cycle: DeadlineCycle;
  subjectKey: string;
  miniProgramId: string | null;
  vendorId: string | null;
  /** The qualification a qualification cycle was derived from: tells a changed 校验 cadence from a renewal. */
  held?: { issuedOn: string | null; expiresOn: string | null };
}

/**
 * Keeps the deadline cycles in step with the registry, inside the registry's own transaction:
 * a new obligation opens a cycle; an edited expiry is what the cycle state machine says it is: a renewal
 * (a later date, or the cycle is past due) completes the live cycle and opens a new one with the full
 * ladder and no acknowledgement, a correction of a mistyped date moves the live cycle (raising its
 * sequence); each is audited as such. An obligation that no longer applies cancels its live cycle.
 * Completed cycles are history and are never touched.
 */
@Injectable()
export class DeadlineSyncService extends RegistryObserver {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly ids: IdGenerator,
  ) {
    super();
  }

  async miniProgramsChanged(m: EntityManager, ctx: AuthContext, miniProgramIds: string[]): Promise<void> {
    const { org, today, catalogue } = await this.organizationNow(m, ctx);
    const miniPrograms = miniProgramIds.length
      ? await m.findBy(MiniProgramEntity, { organizationId: org.id, id: In(miniProgramIds) })
      : [];
    const qualifications = miniPrograms.length
      ? await m.findBy(QualificationEntity, {
          organizationId: org.id,
          miniProgramId: In(miniPrograms.map((p) => p.id)),
        })
      : [];
    const vendorIds = [...new Set(miniPrograms.map((p) => p.vendorId).filter((v): v is string => !!v))];
    const vendors = vendorIds.length
      ? await m.findBy(VendorEntity, { organizationId: org.id, id: In(vendorIds) })
      : [];
    const derived = new Derivation(catalogue, today, vendors).derive(miniPrograms, qualifications);
    const subjects = [
      ...miniProgramIds.map((id) => `mp:${id}:%`),
      ...vendorIds.map((id) => `vendor:${id}:%`),
    ];
    const contractless = vendors.filter((v) => v.contractEndsOn === null).map((v) => v.id);
    await this.reconcile(m, ctx, today, subjects, derived, miniProgramIds, contractless);
    await this.reconcileOwners(m, ctx, today, catalogue, [
      ...new Set(miniPrograms.map((p) => p.ownerCreditCode)),
    ]);
  }

  /**
   * New mini-programs' cycles open as they are derived: none of theirs can exist, so their rows are
   * inserted without a lookup or a conflict clause. Their vendors' contract cycles and their owners'
   * annual reports may exist already (other mini-programs share them): those are reconciled once, at the
   * end, as any change would.
   */
  async creationPlanner(m: EntityManager, ctx: AuthContext, vendorIds: string[]): Promise<CreationPlanner> {
    const { org, today, catalogue } = await this.organizationNow(m, ctx);
    const vendors = vendorIds.length
      ? await m.findBy(VendorEntity, { organizationId: org.id, id: In(vendorIds) })
      : [];
    const derivation = new Derivation(catalogue, today, vendors);
    const vendorCycles: Derived[] = [];
    const owners = new Set<string>();
    return {
      plan: (created, qualifications): PlannedCycles => {
        const rows: Partial<DeadlineEntity>[] = [];
        for (const d of derivation.derive(created, qualifications)) {
          if (d.miniProgramId === null) vendorCycles.push(d);
          // time-ordered ids, as the mini-programs': appended to the indexes on id (0.35 s of 50,000 rows)
          else rows.push({ id: this.ids.next(), organizationId: org.id, ...this.columns(d) });
        }
        for (const mp of created) owners.add(mp.ownerCreditCode);
        return { count: rows.length, rows };
      },
      write: (manager, planned) => this.insertAll(manager, (planned as PlannedCycles).rows, false),
      finish: async (manager) => {
        const contractless = vendors.filter((v) => v.contractEndsOn === null).map((v) => v.id);
        await this.reconcile(
          manager,
          ctx,
          today,
          vendors.map((v) => `vendor:${v.id}:%`),
          vendorCycles,
          [],
          contractless,
        );
        await this.reconcileOwners(manager, ctx, today, catalogue, [...owners]);
      },
    };
  }

  /** The organization, its calendar date now and its catalogue (its overrides applied). */
  private async organizationNow(m: EntityManager, ctx: AuthContext) {
    const org = await m.findOneByOrFail(OrganizationEntity, { id: ctx.organizationId });
    return {
      org,
      today: localDateOf(this.clock.now(), org.timeZone),
      catalogue: this.catalogue.forOrganization(org.catalogueOverrides),
    };
  }

  async ownersChanged(m: EntityManager, ctx: AuthContext, creditCodes: string[]): Promise<void> {
    if (!creditCodes.length) return;
    const { today, catalogue } = await this.organizationNow(m, ctx);
    await this.reconcileOwners(m, ctx, today, catalogue, [...new Set(creditCodes)]);
  }

  /**
   * The owners' own obligations (the enterprise annual report): one live cycle per owner that still has a
   * mini-program in the organization, named with the owner; an owner without one has its cycle cancelled.
   * Calendar-driven, so a live cycle's dates are never moved here, only its owner name. An owner that
   * comes back in a year whose cycle was cancelled gets that same cycle reopened, stages already sent
   * still sent.
   */
  private async reconcileOwners(
    m: EntityManager,
    ctx: AuthContext,
    today: string,
    catalogue: Catalogue,
    creditCodes: string[],
  ): Promise<void> {
    if (!creditCodes.length) return;
    const organizationId = ctx.organizationId;
    const owned = await m.query<
      { id: string; owner_credit_code: string; owner_name: string; created_at: Date }[]
    >(
      `SELECT id, owner_credit_code, owner_name, created_at FROM mini_programs
        WHERE organization_id = $1 AND owner_credit_code = ANY($2::text[])`,
      [organizationId, creditCodes],
    );
    const owners = ownersOf(
      owned.map((r) => ({
        id: r.id,
        ownerCreditCode: r.owner_credit_code,
        ownerName: r.owner_name,
        createdAt: r.created_at,
      })),
    );
    const live = await m
      .createQueryBuilder(DeadlineEntity, 'd')
      .setLock('pessimistic_write')
      .where('d.organization_id = :org', { org: organizationId })
      .andWhere('d.state IN (:...live)', { live: LIVE_STATES })
      .andWhere('d.subject_key = ANY(:keys)', { keys: creditCodes.map(ownerSubjectKey) })
      .getMany();
    const liveBySubject = new Map(live.map((l) => [l.subjectKey, l]));
    const inserts: Record<string, unknown>[] = [];
    for (const owner of owners) {
      for (const cycle of deriveOwnerDeadlines(owner, catalogue, today)) {
        const row = liveBySubject.get(cycle.subjectKey);
        if (!row) {
          const c = this.columns({
            cycle,
            subjectKey: cycle.subjectKey,
            miniProgramId: null,
            vendorId: null,
          });
          inserts.push({
            organization_id: organizationId,
            kind: c.kind,
            subject_key: c.subjectKey,
            cycle_key: c.cycleKey,
            requirement_code: c.requirementCode,
            title: c.title,
            due_on: c.dueOn,
            window_opens_on: c.windowOpensOn,
            apply_by: c.applyBy,
            act_by: c.actBy,
            due_is_day_off: c.dueIsDayOff,
            calendar_basis: c.calendarBasis,
          });
        } else if (row.title !== cycle.title) {
          await m.update(DeadlineEntity, { id: row.id }, { title: cycle.title });
        }
      }
    }
    for (let start = 0; start < inserts.length; start += 1000) {
      // A completed cycle of this year stays completed; a cancelled one (the owner's last mini-program
      // was deleted, and now it has one again) is the same obligation and opens again.
      await m.query(
        `INSERT INTO deadlines (organization_id, kind, subject_key, cycle_key, requirement_code, title, due_on,
                window_opens_on, apply_by, act_by, due_is_day_off, calendar_basis)
         SELECT organization_id, kind, subject_key, cycle_key, requirement_code, title, due_on,
                window_opens_on, apply_by, act_by, due_is_day_off, calendar_basis
           FROM jsonb_populate_recordset(NULL::deadlines, $1::jsonb)
         ON CONFLICT ON CONSTRAINT deadlines_cycle_unique DO UPDATE
           SET state = 'open', snoozed_until = NULL, title = EXCLUDED.title, updated_at = now()
           WHERE deadlines.state = 'cancelled'`,
        [JSON.stringify(inserts.slice(start, start + 1000))],
      );
    }
    const current = new Set(owners.map((o) => ownerSubjectKey(o.creditCode)));
    const ended = live.filter((l) => !current.has(l.subjectKey));
    if (ended.length) {
      await m.update(
        DeadlineEntity,
        { id: In(ended.map((e) => e.id)) },
        { state: 'cancelled', snoozedUntil: null },
      );
    }
  }

  private async reconcile(
    m: EntityManager,
    ctx: AuthContext,
    today: string,
    subjectPatterns: string[],
    derived: Derived[],
    miniProgramIds: string[],
    contractlessVendorIds: string[],
  ): Promise<void> {
    if (!subjectPatterns.length) return;
    const organizationId = ctx.organizationId;
    const patterns = subjectPatterns;
    const live = !patterns.length
      ? []
      : await m
          .createQueryBuilder(DeadlineEntity, 'd')
          .setLock('pessimistic_write')
          .where('d.organization_id = :org', { org: organizationId })
          .andWhere('d.state IN (:...live)', { live: LIVE_STATES })
          // Every subject 'mp:<id>:…' has that mini_program_id, and 'vendor:<id>:…' that vendor_id and no
          // mini-program (see `columns`): two index conditions narrow the rows before the patterns are matched.
          .andWhere(
            '(d.mini_program_id = ANY(:mps) OR (d.mini_program_id IS NULL AND d.vendor_id = ANY(:vendors)))',
            {
              mps: miniProgramIds,
              vendors: patterns.filter((p) => p.startsWith('vendor:')).map((p) => p.slice(7, -2)),
            },
          )
          .andWhere('d.subject_key LIKE ANY(:patterns)', { patterns })
          .getMany();
    const liveBySubject = new Map(live.map((l) => [l.subjectKey, l]));
    const derivedSubjects = new Set(derived.map((d) => d.subjectKey));
    const inserts: Partial<DeadlineEntity>[] = [];

    for (const d of derived) {
      const row = liveBySubject.get(d.subjectKey);
      if (!row) {
        inserts.push({ organizationId, ...this.columns(d) });
        continue;
      }
      if (CALENDAR_DRIVEN.has(row.kind)) continue;
      const c = d.cycle;
      // A bed count crossing 100 changes when the next 校验 falls, not whether the last one happened.
      const cadenceChange = d.held !== undefined && isCadenceChange(c.requirementCode, d.held, row.dueOn);
      const decision = decideCycle(
        { state: row.state, snoozedUntil: row.snoozedUntil, dueDate: row.dueOn },
        { type: 'edit_expiry', newDueDate: c.dueDate, cadenceChange },
        today,
      );
      if (decision.kind === 'changed' && decision.stages === 'renew') {
        await this.renew(m, ctx, row, d);
        continue;
      }
      const moved =
        row.dueOn !== c.dueDate ||
        row.actBy !== c.actBy ||
        row.windowOpensOn !== c.windowOpensOn ||
        row.applyBy !== c.applyBy;
      if (!moved && row.vendorId === d.vendorId) continue;
      const corrected = decision.kind === 'changed' && decision.reason === 'correction';
      await m.update(
        DeadlineEntity,
        { id: row.id },
        {
          ...this.columns(d),
          sequence: moved ? row.sequence + 1 : row.sequence,
          ...(decision.kind === 'changed'
            ? { state: decision.state, snoozedUntil: decision.snoozedUntil }
            : {}),
        },
      );
      if (corrected) {
        await this.audit.record(m, ctx, {
          action: 'deadline.corrected',
          entityType: 'deadline',
          entityId: row.id,
          before: { dueOn: row.dueOn, actBy: row.actBy, state: row.state },
          after: {
            dueOn: c.dueDate,
            actBy: c.actBy,
            state: decision.state,
            reason: cadenceChange
              ? 'correction: the period changed (bed count), not the last inspection, so the same cycle moves; stages already sent stay sent'
              : 'correction: the new date is before the due date of a cycle not yet past due, so the same cycle moves; stages already sent stay sent',
          },
        });
      }
    }

    await this.insertAll(m, inserts, true);

    // Obligations that no longer apply (qualification removed, certification date cleared, contract end cleared).
    const changed = new Set(miniProgramIds);
    const contractless = new Set(contractlessVendorIds);
    const stale = live.filter(
      (l) =>
        l.kind !== 'custom' &&
        !derivedSubjects.has(l.subjectKey) &&
        ((l.miniProgramId !== null && changed.has(l.miniProgramId)) ||
          (l.kind === 'vendor_contract_end' && contractless.has(l.vendorId ?? ''))),
    );
    if (stale.length) {
      await m.update(
        DeadlineEntity,
        { id: In(stale.map((s) => s.id)) },
        { state: 'cancelled', snoozedUntil: null },
      );
    }
  }

  /**
   * A renewal recorded by editing the registry: the live cycle is completed, exactly as
   * `POST /deadlines/:id/complete` does, and the new one opens as its own row, so it gets every stage
   * of the ladder, starts unacknowledged, and links of the old cycle no longer reach it.
   */
  private async renew(m: EntityManager, ctx: AuthContext, row: DeadlineEntity, d: Derived): Promise<void> {
    const note = `renewed in the registry: new expiry ${d.cycle.dueDate}`;
    await m.update(
      DeadlineEntity,
      { id: row.id },
      {
        state: 'completed',
        completedAt: this.clock.now(),
        completedBy: ctx.actorLabel,
        completionNote: note,
        snoozedUntil: null,
      },
    );
    const inserted = await m
      .createQueryBuilder()
      .insert()
      .into(DeadlineEntity)
      .values({ organizationId: ctx.organizationId, ...this.columns(d), ladder: row.ladder })
      .orIgnore()
      .returning(['id'])
      .execute();
    const nextId = (inserted.raw as { id: string }[])[0]?.id ?? null;
    await this.audit.record(m, ctx, {
      action: 'deadline.completed',
      entityType: 'deadline',
      entityId: row.id,
      before: { dueOn: row.dueOn, state: row.state },
      after: {
        state: 'completed',
        reason: 'renewal',
        note,
        nextDeadlineId: nextId,
        nextDueOn: d.cycle.dueDate,
      },
    });
  }

  /**
   * New cycles, a few thousand per statement, as JSON read into the table's own row type (an INSERT per
   * row, or TypeORM building one with 16,000 parameters, cost seconds in a 50,000-row import). Rows are
   * grouped by the fields they set, so a field left undefined still takes its column default. A cycle
   * already completed for this very date is history: it is not reopened (ON CONFLICT DO NOTHING). Rows that
   * cannot conflict (`onConflict` false: cycles of a mini-program created in this transaction) skip that
   * clause, whose speculative insertion checks every unique index twice.
   */
  private async insertAll(
    m: EntityManager,
    rows: Partial<DeadlineEntity>[],
    onConflict: boolean,
  ): Promise<void> {
    if (!rows.length) return;
    const meta = m.connection.getMetadata(DeadlineEntity);
    const columnOf = new Map<string, string>();
    const groups = new Map<string, Record<string, unknown>[]>();
    for (const row of rows) {
      const record: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) {
        if (v === undefined) continue;
        let column = columnOf.get(k);
        if (column === undefined) {
          column = meta.findColumnWithPropertyName(k)!.databaseName;
          columnOf.set(k, column);
        }
        record[column] = v;
      }
      const key = Object.keys(record).sort().join(',');
      const group = groups.get(key);
      if (group) group.push(record);
      else groups.set(key, [record]);
    }
    for (const [key, records] of groups) {
      const columns = key
        .split(',')
        .map((c) => `"${c}"`)
        .join(', ');
      for (let start = 0; start < records.length; start += 5000) {
        await m.query(
          `INSERT INTO deadlines (${columns})
           SELECT ${columns} FROM jsonb_populate_recordset(NULL::deadlines, $1::jsonb)
           ${onConflict ? 'ON CONFLICT DO NOTHING' : ''}`,
          [JSON.stringify(records.slice(start, start + 5000))],
        );
      }
    }
  }

  private columns(d: Derived): Partial<DeadlineEntity> {
    const c = d.cycle;
    return {
      miniProgramId: d.miniProgramId,
      vendorId: d.vendorId,
      kind: c.kind,
      subjectKey: d.subjectKey,
      cycleKey: c.cycleKey,
      requirementCode: c.requirementCode,
      title: c.title,
      recurrence: c.recurrence,
      dueOn: c.dueDate,
      windowOpensOn: c.windowOpensOn,
      applyBy: c.applyBy,
      actBy: c.actBy,
      dueIsDayOff: c.dueIsDayOff,
      calendarBasis: c.calendarBasis,
    };
  }
}

interface PlannedCycles extends PlannedRecords {
  rows: Partial<DeadlineEntity>[];
}

/**
 * The cycles mini-programs derive, given their organization's catalogue, today and their vendors. One
 * instance serves a whole import: mini-programs alike in all but their id derive the same cycles (the id is
 * not in a cycle; a vendor without a contract end adds none), so each distinct answer is derived once (an
 * import of 50,000 rows with a few hundred distinct dates: the working-day arithmetic was a third of its
 * CPU time), and a vendor's contract cycle is derived once however many mini-programs it serves.
 */
class Derivation {
  private readonly vendorById: Map<string, VendorEntity>;
  private readonly cyclesOf = new Map<string, DeadlineCycle[]>();
  private readonly contracts = new Set<string>();

  constructor(
    private readonly catalogue: Catalogue,
    private readonly today: string,
    vendors: readonly VendorEntity[],
  ) {
    this.vendorById = new Map(vendors.map((v) => [v.id, v]));
  }

  derive(
    miniPrograms: readonly MiniProgramEntity[],
    qualifications: readonly QualificationEntity[],
  ): Derived[] {
    // Maps, not find/filter per mini-program: a 50,000-row import made those loops quadratic.
    const qualificationsOf = new Map<string, QualificationEntity[]>();
    for (const q of qualifications) {
      const list = qualificationsOf.get(q.miniProgramId) ?? [];
      list.push(q);
      qualificationsOf.set(q.miniProgramId, list);
    }
    const derived: Derived[] = [];
    for (const mp of miniPrograms) {
      const vendor = (mp.vendorId && this.vendorById.get(mp.vendorId)) || null;
      const held = qualificationsOf.get(mp.id) ?? [];
      const input: DeriveDeadlinesInput = {
        miniProgram: {
          id: mp.id,
          certificationExpiresOn: mp.certificationExpiresOn,
          serviceCategories: mp.serviceCategories,
          features: mp.features,
          bedCount: mp.bedCount,
        },
        qualifications: held.map((q) => ({
          id: q.id,
          requirementCode: q.requirementCode,
          expiresOn: q.expiresOn,
          issuedOn: q.issuedOn,
        })),
        vendor: vendor ? { id: vendor.id, contractEndsOn: vendor.contractEndsOn } : null,
        customDeadlines: [],
      };
      const key = JSON.stringify({
        ...input,
        miniProgram: { ...input.miniProgram, id: null },
        vendor: input.vendor?.contractEndsOn ? input.vendor : null,
      });
      let cycles = this.cyclesOf.get(key);
      if (!cycles) {
        cycles = deriveDeadlines(input, this.catalogue, this.today);
        this.cyclesOf.set(key, cycles);
      }
      for (const cycle of cycles) {
        if (cycle.kind === 'vendor_contract_end') {
          // One contract per vendor, however many mini-programs it serves.
          if (!this.contracts.has(vendor!.id)) {
            this.contracts.add(vendor!.id);
            derived.push({
              cycle,
              subjectKey: `vendor:${vendor!.id}:contract`,
              miniProgramId: null,
              vendorId: vendor!.id,
            });
          }
        } else {
          const qualificationId = cycle.subjectKey.startsWith('qualification:')
            ? cycle.subjectKey.slice('qualification:'.length)
            : null;
          const q = qualificationId ? held.find((h) => h.id === qualificationId) : undefined;
          derived.push({
            cycle,
            subjectKey: `mp:${mp.id}:${cycle.subjectKey}`,
            miniProgramId: mp.id,
            vendorId: mp.vendorId,
            ...(q ? { held: { issuedOn: q.issuedOn, expiresOn: q.expiresOn } } : {}),
          });
        }
      }
    }
    return derived;
  }
}
