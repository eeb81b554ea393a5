import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { findOwned } from '../../common/src/find-owned.js';
import { DomainError } from '../../common/src/domain.error.js';
import { type PageQuery, toPage } from '../../common/src/pagination.js';
import { followReminderMode } from '../../reminders/src/digest-mode.js';
import { ContactEntity } from './contact.entity.js';
import type { CreateContactDto, UpdateContactDto } from './dto/contact.dto.js';
import { ContactResponse } from './responses.js';
import { VendorEntity } from './vendor.entity.js';

@Injectable()
export class ContactService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(ctx: AuthContext, query: PageQuery & { vendorId?: string; role?: string }) {
    const qb = this.db
      .getRepository(ContactEntity)
      .createQueryBuilder('c')
      .where('c.organization_id = :org', { org: ctx.organizationId });
    if (query.vendorId) qb.andWhere('c.vendor_id = :vendorId', { vendorId: query.vendorId });
    if (query.role) qb.andWhere('c.role = :role', { role: query.role });
    const [rows, total] = await qb
      .orderBy('c.name')
      .addOrderBy('c.id')
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    return toPage(
      rows.map((r) => ContactResponse.of(r)),
      total,
      query,
      '/api/v1/contacts',
      {
        vendorId: query.vendorId,
        role: query.role,
      },
    );
  }

  async get(ctx: AuthContext, id: string): Promise<ContactResponse> {
    return ContactResponse.of(await this.find(this.db.manager, ctx, id));
  }

  create(ctx: AuthContext, dto: CreateContactDto): Promise<ContactResponse> {
    return this.db.transaction(async (m) => {
      if (dto.vendorId) await this.assertVendor(m, ctx, dto.vendorId);
      const saved = await m.save(ContactEntity, {
        organizationId: ctx.organizationId,
        vendorId: dto.vendorId ?? null,
        name: dto.name,
        email: dto.email,
        role: dto.role,
        locale: dto.locale ?? ctx.locale,
        phone: dto.phone ?? null,
        reminderMode: dto.reminderMode ?? 'immediate',
        digestHour: dto.digestHour ?? null,
      });
      const view = ContactResponse.of(await this.find(m, ctx, saved.id));
      await this.audit.record(m, ctx, {
        action: 'contact.created',
        entityType: 'contact',
        entityId: saved.id,
        after: view,
      });
      return view;
    });
  }

  update(ctx: AuthContext, id: string, dto: UpdateContactDto): Promise<ContactResponse> {
    return this.db.transaction(async (m) => {
      const before = await this.find(m, ctx, id, true);
      if (dto.vendorId) await this.assertVendor(m, ctx, dto.vendorId);
      await m.update(ContactEntity, { id, organizationId: ctx.organizationId }, { ...dto });
      const after = ContactResponse.of(await this.find(m, ctx, id));
      // Switching between immediate mails and the digest moves the contact's waiting reminders with it.
      if (dto.reminderMode && dto.reminderMode !== before.reminderMode)
        await followReminderMode(m, ctx.organizationId, id, dto.reminderMode, this.clock.now());
      await this.audit.record(m, ctx, {
        action: 'contact.updated',
        entityType: 'contact',
        entityId: id,
        before: ContactResponse.of(before),
        after,
      });
      return after;
    });
  }

  remove(ctx: AuthContext, id: string): Promise<void> {
    return this.db.transaction(async (m) => {
      const before = await this.find(m, ctx, id, true);
      await m.delete(ContactEntity, { id, organizationId: ctx.organizationId });
      await this.audit.record(m, ctx, {
        action: 'contact.deleted',
        entityType: 'contact',
        entityId: id,
        before: ContactResponse.of(before),
      });
    });
  }

  private async find(m: EntityManager, ctx: AuthContext, id: string, lock = false): Promise<ContactEntity> {
    return findOwned(m, ContactEntity, ctx.organizationId, id, 'Contact', lock);
  }

  private async assertVendor(m: EntityManager, ctx: AuthContext, vendorId: string): Promise<void> {
    const exists = await m.existsBy(VendorEntity, { id: vendorId, organizationId: ctx.organizationId });
    if (!exists)
      throw DomainError.invalid([
        { field: 'vendorId', rule: 'must be the id of a vendor of this organization' },
      ]);
  }
}
