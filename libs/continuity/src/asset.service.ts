import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { findOwned } from '../../common/src/find-owned.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import type { CreateAssetDto, UpdateAssetDto } from './asset.dto.js';
import { AssetEntity } from './asset.entity.js';

export const view = (a: AssetEntity) => ({
  id: a.id,
  miniProgramId: a.miniProgramId,
  kind: a.kind,
  holder: a.holder,
  location: a.location,
  notes: a.notes,
  lastVerifiedOn: a.lastVerifiedOn,
  updatedAt: a.updatedAt.toISOString(),
});
export type AssetView = ReturnType<typeof view>;

/**
 * The custody register's writes, one transaction and one audit event each, for the API and the console
 * alike. Another organization's mini-program or entry is the same 404 as a missing one.
 */
@Injectable()
export class AssetService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: AuthContext, miniProgramId: string): Promise<AssetView[]> {
    await findOwned(this.db.manager, MiniProgramEntity, ctx.organizationId, miniProgramId, 'Mini-program');
    const rows = await this.db.getRepository(AssetEntity).find({
      where: { organizationId: ctx.organizationId, miniProgramId },
      order: { kind: 'ASC', id: 'ASC' },
    });
    return rows.map(view);
  }

  async get(ctx: AuthContext, miniProgramId: string, assetId: string): Promise<AssetView> {
    return view(await this.find(this.db.manager, ctx, miniProgramId, assetId));
  }

  create(ctx: AuthContext, miniProgramId: string, dto: CreateAssetDto): Promise<AssetView> {
    return this.db.transaction(async (m) => {
      await findOwned(m, MiniProgramEntity, ctx.organizationId, miniProgramId, 'Mini-program', true);
      const saved = await m.save(AssetEntity, {
        organizationId: ctx.organizationId,
        miniProgramId,
        kind: dto.kind,
        holder: dto.holder,
        location: dto.location ?? null,
        notes: dto.notes ?? null,
        lastVerifiedOn: dto.lastVerifiedOn ?? null,
      });
      const after = view(await this.find(m, ctx, miniProgramId, saved.id));
      await this.audit.record(m, ctx, {
        action: 'asset.created',
        entityType: 'asset',
        entityId: saved.id,
        after,
      });
      return after;
    });
  }

  update(ctx: AuthContext, miniProgramId: string, assetId: string, dto: UpdateAssetDto): Promise<AssetView> {
    return this.db.transaction(async (m) => {
      const before = view(await this.find(m, ctx, miniProgramId, assetId, true));
      await m.update(AssetEntity, { id: assetId, organizationId: ctx.organizationId }, { ...dto });
      const after = view(await this.find(m, ctx, miniProgramId, assetId));
      await this.audit.record(m, ctx, {
        action: 'asset.updated',
        entityType: 'asset',
        entityId: assetId,
        before,
        after,
      });
      return after;
    });
  }

  remove(ctx: AuthContext, miniProgramId: string, assetId: string): Promise<void> {
    return this.db.transaction(async (m) => {
      const before = view(await this.find(m, ctx, miniProgramId, assetId, true));
      await m.delete(AssetEntity, { id: assetId, organizationId: ctx.organizationId });
      await this.audit.record(m, ctx, {
        action: 'asset.deleted',
        entityType: 'asset',
        entityId: assetId,
        before,
      });
    });
  }

  private async find(
    m: EntityManager,
    ctx: AuthContext,
    miniProgramId: string,
    id: string,
    lock = false,
  ): Promise<AssetEntity> {
    const row = await findOwned(m, AssetEntity, ctx.organizationId, id, 'Asset', lock);
    if (row.miniProgramId !== miniProgramId) throw DomainError.notFound('Asset');
    return row;
  }
}
