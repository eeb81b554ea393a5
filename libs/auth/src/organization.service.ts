import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from './auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { isValidTimeZone } from '../../domain/src/time/index.js';
import { validateFreeText } from '../../domain/src/validation/index.js';
import { ApiKeyService, type IssuedKey } from './api-key.service.js';
import { OrganizationEntity } from './organization.entity.js';

export interface NewOrganization {
  name: string;
  timeZone?: string;
  locale?: 'zh-CN' | 'en';
}

@Injectable()
export class OrganizationService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: ApiKeyService,
    private readonly audit: AuditService,
  ) {}

  async create(input: NewOrganization): Promise<{ organization: OrganizationEntity; apiKey: IssuedKey }> {
    const name = input.name.trim();
    const problems = [];
    if (!name || name.length > 200) problems.push({ field: 'name', rule: 'must be 1 to 200 characters' });
    else {
      const rule = validateFreeText(name, { maxLength: 200 });
      if (rule) problems.push({ field: 'name', rule });
    }
    const timeZone = input.timeZone ?? 'Asia/Shanghai';
    if (!isValidTimeZone(timeZone))
      problems.push({ field: 'timeZone', rule: 'must be an IANA time zone such as Asia/Shanghai' });
    const locale = input.locale ?? 'zh-CN';
    if (locale !== 'zh-CN' && locale !== 'en')
      problems.push({ field: 'locale', rule: "must be 'zh-CN' or 'en'" });
    if (problems.length) throw DomainError.invalid(problems);
    const organization = await this.db.getRepository(OrganizationEntity).save({ name, timeZone, locale });
    const apiKey = await this.keys.create(organization.id, 'default');
    return { organization, apiKey };
  }

  findAll(): Promise<OrganizationEntity[]> {
    return this.db.getRepository(OrganizationEntity).find({ order: { createdAt: 'ASC' } });
  }

  async get(id: string): Promise<OrganizationEntity> {
    const org = await this.db.getRepository(OrganizationEntity).findOneBy({ id });
    if (!org) throw DomainError.notFound('Organization');
    return org;
  }

  count(): Promise<number> {
    return this.db.getRepository(OrganizationEntity).count();
  }

  /**
   * Changes the organization's time zone and default locale, validated like `create`, with its audit
   * event in the same transaction. Deadlines are calendar dates and stay as they are; from now on the
   * planner's "today" and the send hour are read in the new zone.
   */
  async updateSettings(
    ctx: AuthContext,
    input: { timeZone?: string; locale?: string },
  ): Promise<OrganizationEntity> {
    const problems = [];
    const timeZone = input.timeZone?.trim();
    if (timeZone !== undefined && !isValidTimeZone(timeZone))
      problems.push({ field: 'timeZone', rule: 'must be an IANA time zone such as Asia/Shanghai' });
    if (input.locale !== undefined && input.locale !== 'zh-CN' && input.locale !== 'en')
      problems.push({ field: 'locale', rule: "must be 'zh-CN' or 'en'" });
    if (problems.length) throw DomainError.invalid(problems);
    return this.db.transaction(async (m) => {
      const org = await m.findOne(OrganizationEntity, {
        where: { id: ctx.organizationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!org) throw DomainError.notFound('Organization');
      const before = { timeZone: org.timeZone, locale: org.locale };
      const after = {
        timeZone: timeZone ?? org.timeZone,
        locale: (input.locale as 'zh-CN' | 'en' | undefined) ?? org.locale,
      };
      if (before.timeZone === after.timeZone && before.locale === after.locale) return org;
      await m.update(OrganizationEntity, { id: org.id }, after);
      await this.audit.record(m, ctx, {
        action: 'organization.settings_changed',
        entityType: 'organization',
        entityId: org.id,
        before,
        after,
      });
      return { ...org, ...after };
    });
  }
}
