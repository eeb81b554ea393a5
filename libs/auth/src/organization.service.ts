import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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
}
