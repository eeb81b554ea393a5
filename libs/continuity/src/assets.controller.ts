import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { findOwned } from '../../common/src/find-owned.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { CreateAssetDto, UpdateAssetDto } from './asset.dto.js';
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

/** The custody register: who holds what keeps each mini-program alive. Custody only, never the secrets. */
@ApiTags('continuity')
@ApiBearerAuth()
@Controller('api/v1/mini-programs/:id/assets')
export class AssetsController {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The custody register of a mini-program' })
  async list(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    await findOwned(this.db.manager, MiniProgramEntity, auth.organizationId, id, 'Mini-program');
    const rows = await this.db.getRepository(AssetEntity).find({
      where: { organizationId: auth.organizationId, miniProgramId: id },
      order: { kind: 'ASC', id: 'ASC' },
    });
    return rows.map(view);
  }

  @Post()
  @ApiOperation({ summary: 'Record who holds an asset; values that look like keys are refused with a 400' })
  create(@Auth() auth: AuthContext, @Param('id', uuid) id: string, @Body() dto: CreateAssetDto) {
    return this.db.transaction(async (m) => {
      await findOwned(m, MiniProgramEntity, auth.organizationId, id, 'Mini-program', true);
      const saved = await m.save(AssetEntity, {
        organizationId: auth.organizationId,
        miniProgramId: id,
        kind: dto.kind,
        holder: dto.holder,
        location: dto.location ?? null,
        notes: dto.notes ?? null,
        lastVerifiedOn: dto.lastVerifiedOn ?? null,
      });
      const after = view(await this.find(m, auth, id, saved.id));
      await this.audit.record(m, auth, {
        action: 'asset.created',
        entityType: 'asset',
        entityId: saved.id,
        after,
      });
      return after;
    });
  }

  @Patch(':assetId')
  update(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Param('assetId', uuid) assetId: string,
    @Body() dto: UpdateAssetDto,
  ) {
    return this.db.transaction(async (m) => {
      const before = view(await this.find(m, auth, id, assetId, true));
      await m.update(AssetEntity, { id: assetId, organizationId: auth.organizationId }, { ...dto });
      const after = view(await this.find(m, auth, id, assetId));
      await this.audit.record(m, auth, {
        action: 'asset.updated',
        entityType: 'asset',
        entityId: assetId,
        before,
        after,
      });
      return after;
    });
  }

  @Delete(':assetId')
  @HttpCode(204)
  remove(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @Param('assetId', uuid) assetId: string,
  ): Promise<void> {
    return this.db.transaction(async (m) => {
      const before = view(await this.find(m, auth, id, assetId, true));
      await m.delete(AssetEntity, { id: assetId, organizationId: auth.organizationId });
      await this.audit.record(m, auth, {
        action: 'asset.deleted',
        entityType: 'asset',
        entityId: assetId,
        before,
      });
    });
  }

  private async find(
    m: EntityManager,
    auth: AuthContext,
    miniProgramId: string,
    id: string,
    lock = false,
  ): Promise<AssetEntity> {
    const row = await findOwned(m, AssetEntity, auth.organizationId, id, 'Asset', lock);
    if (row.miniProgramId !== miniProgramId) throw DomainError.notFound('Asset');
    return row;
  }
}
