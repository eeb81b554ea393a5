import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { Clock } from '../../common/src/clock.js';
import { type DeadlineCycle, deriveDeadlines } from '../../domain/src/deadlines/index.js';
import { localDateOf } from '../../domain/src/time/index.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { QualificationEntity } from '../../registry/src/qualification.entity.js';
import { RegistryObserver } from '../../registry/src/registry-ports.js';
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
}

/**
 * Keeps the deadline cycles in step with the registry, inside the registry's own transaction:
 * a new obligation opens a cycle, an edited expiry moves the live cycle (raising its sequence),
 * an obligation that no longer applies cancels its live cycle. Completed cycles are history and
 * are never touched.
 */
@Injectable()
export class DeadlineSyncService extends RegistryObserver {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async miniProgramsChanged(m: EntityManager, ctx: AuthContext, miniProgramIds: string[]): Promise<void> {
    const org = await m.findOneByOrFail(OrganizationEntity, { id: ctx.organizationId });
    const today = localDateOf(this.clock.now(), org.timeZone);
    const catalogue = this.catalogue.forOrganization(org.catalogueOverrides);
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

    const derived: Derived[] = [];
    for (const mp of miniPrograms) {
      const vendor = vendors.find((v) => v.id === mp.vendorId) ?? null;
      const cycles = deriveDeadlines(
        {
          miniProgram: {
            id: mp.id,
            certificationExpiresOn: mp.certificationExpiresOn,
            serviceCategories: mp.serviceCategories,
            features: mp.features,
            ownerIsEnterprise: true,
          },
          qualifications: qualifications
            .filter((q) => q.miniProgramId === mp.id)
            .map((q) => ({ id: q.id, requirementCode: q.requirementCode, expiresOn: q.expiresOn })),
          vendor: vendor ? { id: vendor.id, contractEndsOn: vendor.contractEndsOn } : null,
          customDeadlines: [],
        },
        catalogue,
        today,
      );
      for (const cycle of cycles) {
        if (cycle.kind === 'vendor_contract_end') {
          // One contract per vendor, however many mini-programs it serves.
          if (!derived.some((d) => d.subjectKey === `vendor:${vendor!.id}:contract`)) {
            derived.push({
              cycle,
              subjectKey: `vendor:${vendor!.id}:contract`,
              miniProgramId: null,
              vendorId: vendor!.id,
            });
          }
        } else {
          derived.push({
            cycle,
            subjectKey: `mp:${mp.id}:${cycle.subjectKey}`,
            miniProgramId: mp.id,
            vendorId: mp.vendorId,
          });
        }
      }
    }
    const subjects = [
      ...miniProgramIds.map((id) => `mp:${id}:%`),
      ...vendorIds.map((id) => `vendor:${id}:%`),
    ];
    const contractless = vendors.filter((v) => v.contractEndsOn === null).map((v) => v.id);
    await this.reconcile(m, org.id, subjects, derived, miniProgramIds, contractless);
  }

  private async reconcile(
    m: EntityManager,
    organizationId: string,
    subjectPatterns: string[],
    derived: Derived[],
    miniProgramIds: string[],
    contractlessVendorIds: string[],
  ): Promise<void> {
    if (!subjectPatterns.length) return;
    const live = await m
      .createQueryBuilder(DeadlineEntity, 'd')
      .setLock('pessimistic_write')
      .where('d.organization_id = :org', { org: organizationId })
      .andWhere('d.state IN (:...live)', { live: LIVE_STATES })
      .andWhere('d.subject_key LIKE ANY(:patterns)', { patterns: subjectPatterns })
      .getMany();

    for (const d of derived) {
      const row = live.find((l) => l.subjectKey === d.subjectKey);
      if (!row) {
        await m
          .createQueryBuilder()
          .insert()
          .into(DeadlineEntity)
          .values({ organizationId, ...this.columns(d) })
          // A cycle already completed for this very date is history: it is not reopened.
          .orIgnore()
          .execute();
        continue;
      }
      if (CALENDAR_DRIVEN.has(row.kind)) continue;
      const c = d.cycle;
      const moved =
        row.dueOn !== c.dueDate ||
        row.actBy !== c.actBy ||
        row.windowOpensOn !== c.windowOpensOn ||
        row.applyBy !== c.applyBy;
      if (!moved && row.vendorId === d.vendorId) continue;
      const snoozeStillValid = row.snoozedUntil !== null && row.snoozedUntil <= c.dueDate;
      await m.update(
        DeadlineEntity,
        { id: row.id },
        {
          ...this.columns(d),
          sequence: moved ? row.sequence + 1 : row.sequence,
          ...(row.state === 'snoozed' && !snoozeStillValid
            ? { state: 'open' as const, snoozedUntil: null }
            : {}),
        },
      );
    }

    // Obligations that no longer apply (qualification removed, certification date cleared, contract end cleared).
    const stale = live.filter(
      (l) =>
        l.kind !== 'custom' &&
        !derived.some((d) => d.subjectKey === l.subjectKey) &&
        ((l.miniProgramId !== null && miniProgramIds.includes(l.miniProgramId)) ||
          (l.kind === 'vendor_contract_end' && contractlessVendorIds.includes(l.vendorId ?? ''))),
    );
    if (stale.length) {
      await m.update(
        DeadlineEntity,
        { id: In(stale.map((s) => s.id)) },
        { state: 'cancelled', snoozedUntil: null },
      );
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
