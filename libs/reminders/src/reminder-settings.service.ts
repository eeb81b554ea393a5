import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { DomainError } from '../../common/src/domain.error.js';
import type { StoredLadder } from '../../common/src/stored-ladder.js';
import {
  DEFAULT_LADDER,
  effectiveLadder,
  type Ladder,
  validateLadder,
} from '../../domain/src/reminders/index.js';

export interface LadderSettings {
  ladder: Readonly<Ladder>;
  isDefaultLadder: boolean;
  /** What a deadline whose vendor is unresponsive or ceased gets: the ladder with the early stage first. */
  whileVendorUnavailable: Ladder;
  sendHour: number;
  vendorUnavailableLeadDays: number;
  timeZone: string;
}

/**
 * The organization's escalation ladder, for the API (PUT /api/v1/organization/reminders/ladder) and the
 * console alike: one validation (libs/domain's `validateLadder`), one transaction with its audit event.
 */
@Injectable()
export class ReminderSettingsService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async get(ctx: AuthContext): Promise<LadderSettings> {
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: ctx.organizationId });
    const ladder = (org.reminderLadder as Ladder | null) ?? DEFAULT_LADDER;
    return {
      ladder,
      isDefaultLadder: org.reminderLadder === null,
      whileVendorUnavailable: effectiveLadder(ladder, {
        vendorUnavailable: true,
        earlierByDays: org.vendorUnavailableLeadDays,
      }),
      sendHour: org.sendHour,
      vendorUnavailableLeadDays: org.vendorUnavailableLeadDays,
      timeZone: org.timeZone,
    };
  }

  /** Replaces the ladder; a refusal names each stage's field (`stages[2].offsetDays`) and writes nothing. */
  async replaceLadder(ctx: AuthContext, stages: unknown[]): Promise<StoredLadder> {
    const ladder = checkedLadder(stages);
    await this.db.transaction(async (m) => {
      const org = await m.findOne(OrganizationEntity, {
        where: { id: ctx.organizationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!org) throw DomainError.notFound('Organization');
      await m.update(OrganizationEntity, { id: org.id }, { reminderLadder: ladder });
      await this.audit.record(m, ctx, {
        action: 'organization.ladder_changed',
        entityType: 'organization',
        entityId: org.id,
        before: { ladder: org.reminderLadder },
        after: { ladder },
      });
    });
    return ladder;
  }
}

export function checkedLadder(stages: unknown[]): StoredLadder {
  const { ladder, problems } = validateLadder({ stages });
  if (!ladder) throw DomainError.invalid(problems.map((p) => ({ field: p.field, rule: p.rule })));
  return ladder;
}
