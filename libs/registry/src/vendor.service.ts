import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { findOwned } from '../../common/src/find-owned.js';
import { DomainError, ErrorCode } from '../../common/src/domain.error.js';
import { type PageQuery, toPage } from '../../common/src/pagination.js';
import { ContactEntity } from './contact.entity.js';
import type { CreateVendorDto, UpdateVendorDto } from './dto/vendor.dto.js';
import { MiniProgramEntity } from './mini-program.entity.js';
import { RegistryObserver, VendorStatusObserver } from './registry-ports.js';
import { VendorResponse } from './responses.js';
import { VendorEntity, type VendorStatus } from './vendor.entity.js';

@Injectable()
export class VendorService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly observer: RegistryObserver,
    private readonly statusObserver: VendorStatusObserver,
  ) {}

  async list(ctx: AuthContext, query: PageQuery & { status?: VendorStatus; q?: string }) {
    const qb = this.db
      .getRepository(VendorEntity)
      .createQueryBuilder('v')
      .where('v.organization_id = :org', { org: ctx.organizationId });
    if (query.status) qb.andWhere('v.status = :status', { status: query.status });
    if (query.q) qb.andWhere(`v.name ILIKE :q ESCAPE '\\'`, { q: `%${escapeLike(query.q)}%` });
    const [rows, total] = await qb
      .orderBy('v.name')
      .addOrderBy('v.id')
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    const views = await this.views(this.db.manager, ctx, rows);
    return toPage(views, total, query, '/api/v1/vendors', { status: query.status, q: query.q });
  }

  async get(ctx: AuthContext, id: string): Promise<VendorResponse> {
    const [view] = await this.views(this.db.manager, ctx, [await this.find(this.db.manager, ctx, id)]);
    return view;
  }

  create(ctx: AuthContext, dto: CreateVendorDto): Promise<VendorResponse> {
    return this.db.transaction(async (m) => {
      const saved = await m.save(VendorEntity, {
        organizationId: ctx.organizationId,
        name: dto.name,
        creditCode: dto.creditCode ?? null,
        contractEndsOn: dto.contractEndsOn ?? null,
        status: dto.status ?? 'active',
        statusSince: this.clock.now(),
        statusReason: dto.statusReason ?? null,
        statusEvidence: dto.statusEvidence ?? null,
      });
      const [view] = await this.views(m, ctx, [await this.find(m, ctx, saved.id)]);
      await this.audit.record(m, ctx, {
        action: 'vendor.created',
        entityType: 'vendor',
        entityId: saved.id,
        after: view,
      });
      return view;
    });
  }

  update(ctx: AuthContext, id: string, dto: UpdateVendorDto): Promise<VendorResponse> {
    return this.db.transaction(async (m) => {
      const before = await this.find(m, ctx, id, true);
      const [beforeView] = await this.views(m, ctx, [before]);
      const statusChanged = dto.status !== undefined && dto.status !== before.status;
      const since = this.clock.now();
      await m.update(
        VendorEntity,
        { id, organizationId: ctx.organizationId },
        {
          ...dto,
          ...(statusChanged
            ? {
                statusSince: since,
                statusReason: dto.statusReason ?? null,
                statusEvidence: dto.statusEvidence ?? null,
              }
            : {}),
        },
      );
      const [after] = await this.views(m, ctx, [await this.find(m, ctx, id)]);
      await this.audit.record(m, ctx, {
        action: statusChanged ? 'vendor.status_changed' : 'vendor.updated',
        entityType: 'vendor',
        entityId: id,
        before: beforeView,
        after,
      });
      if (statusChanged || dto.contractEndsOn !== undefined) {
        const served = await m.find(MiniProgramEntity, {
          select: { id: true },
          where: { organizationId: ctx.organizationId, vendorId: id },
        });
        await this.observer.miniProgramsChanged(
          m,
          ctx,
          served.map((s) => s.id),
        );
      }
      if (statusChanged) {
        await this.statusObserver.vendorStatusChanged(m, ctx, {
          vendorId: id,
          from: before.status,
          to: dto.status!,
          since,
        });
      }
      return after;
    });
  }

  remove(ctx: AuthContext, id: string): Promise<void> {
    return this.db.transaction(async (m) => {
      const before = await this.find(m, ctx, id, true);
      const serving = await m.countBy(MiniProgramEntity, {
        organizationId: ctx.organizationId,
        vendorId: id,
      });
      if (serving > 0) {
        throw new DomainError(
          ErrorCode.Conflict,
          `The vendor still serves ${serving} mini-program(s); assign them another vendor (or none) first`,
          [{ field: 'id', rule: 'must not be the vendor of any mini-program' }],
        );
      }
      const [view] = await this.views(m, ctx, [before]);
      await m.delete(VendorEntity, { id, organizationId: ctx.organizationId });
      await this.audit.record(m, ctx, {
        action: 'vendor.deleted',
        entityType: 'vendor',
        entityId: id,
        before: view,
      });
    });
  }

  private async find(m: EntityManager, ctx: AuthContext, id: string, lock = false): Promise<VendorEntity> {
    return findOwned(m, VendorEntity, ctx.organizationId, id, 'Vendor', lock);
  }

  private async views(
    m: EntityManager,
    ctx: AuthContext,
    vendors: VendorEntity[],
  ): Promise<VendorResponse[]> {
    if (!vendors.length) return [];
    const ids = vendors.map((v) => v.id);
    const contacts = await m.find(ContactEntity, {
      where: { organizationId: ctx.organizationId, vendorId: In(ids) },
      order: { name: 'ASC' },
    });
    const counts: { vendor_id: string; n: number }[] = await m.query(
      `SELECT vendor_id, count(*)::int AS n FROM mini_programs WHERE organization_id = $1 AND vendor_id = ANY($2::uuid[]) GROUP BY vendor_id`,
      [ctx.organizationId, ids],
    );
    return vendors.map((v) =>
      VendorResponse.of(
        v,
        contacts.filter((c) => c.vendorId === v.id),
        counts.find((c) => c.vendor_id === v.id)?.n ?? 0,
      ),
    );
  }
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
