import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { PageInfo, PageQuery } from '../../common/src/pagination.js';
import { AuditEventEntity } from './audit-event.entity.js';

class ListAuditEventsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only events about this record.', format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  entityId?: string;

  @ApiPropertyOptional({ description: 'Only events about this kind of record, e.g. mini_program, vendor.' })
  @IsOptional()
  @Matches(/^[a-z_]{1,40}$/, { message: 'must be lowercase letters and _' })
  entityType?: string;

  @ApiPropertyOptional({ description: 'Only this action, e.g. mini_program.created.' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_.]{1,60}$/, { message: 'must be lowercase letters, _ and .' })
  action?: string;

  @ApiPropertyOptional({
    description:
      'Opaque: take it from `page.next`. Continues after the last event of the previous page, whatever was written since.',
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a cursor taken from page.next' })
  cursor?: string;
}

class AuditEventResponse {
  @ApiProperty({ format: 'uuid', description: 'Random; says nothing about order or volume.' })
  id!: string;
  @ApiProperty({ description: 'When it happened (UTC).' }) occurredAt!: string;
  @ApiProperty({ description: "Who: 'api_key', 'cli', 'system' or 'link'." }) actorType!: string;
  @ApiProperty({ description: 'Which API key (its label, never the key).' }) actorLabel!: string;
  @ApiProperty({ description: 'What was done.' }) action!: string;
  @ApiProperty({ description: 'Kind of record.' }) entityType!: string;
  @ApiProperty({ nullable: true, type: String }) entityId!: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'The record before.' }) before!: unknown;
  @ApiProperty({ nullable: true, type: Object, description: 'The record after.' }) after!: unknown;
}

class AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] }) items!: AuditEventResponse[];
  @ApiProperty({ type: PageInfo }) page!: PageInfo;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit-events')
export class AuditEventsController {
  constructor(private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Who did what, when, to which record; newest first' })
  async list(@Auth() auth: AuthContext, @Query() query: ListAuditEventsQuery): Promise<AuditEventPage> {
    const qb = this.db
      .getRepository(AuditEventEntity)
      .createQueryBuilder('a')
      .where('a.organization_id = :org', { org: auth.organizationId });
    if (query.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: query.entityId });
    if (query.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: query.entityType });
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    // Keyset on the internal sequence (newest first): the cursor is the public id of the previous page's
    // last event, looked up in this organization only, so neither it nor the page reveals the sequence.
    let after: string | null = null;
    if (query.cursor !== undefined) {
      if (query.offset !== 0) {
        throw DomainError.invalid([
          { field: 'offset', rule: 'must be left out with cursor (follow page.next)' },
        ]);
      }
      const [found] = await this.db.query<{ id: string }[]>(
        `SELECT id::text AS id FROM audit_events WHERE organization_id = $1 AND public_id = $2`,
        [auth.organizationId, query.cursor],
      );
      if (!found) {
        throw DomainError.invalid([{ field: 'cursor', rule: 'must be a cursor taken from page.next' }]);
      }
      after = found.id;
    }
    const counts = await qb
      .clone()
      .select('count(*)::int', 'total')
      .addSelect(after === null ? '0' : 'count(*) FILTER (WHERE a.id >= :after)::int', 'skipped')
      .setParameter('after', after)
      .getRawOne<{ total: number; skipped: number }>();
    const total = counts?.total ?? 0;
    const skipped = after === null ? query.offset : (counts?.skipped ?? 0);
    if (after !== null) qb.andWhere('a.id < :after', { after });
    const rows = await qb
      .orderBy('a.id', 'DESC')
      .offset(after === null ? query.offset : 0)
      .limit(query.limit)
      .getMany();
    const items = rows.map((r) => ({
      id: r.publicId,
      occurredAt: r.occurredAt.toISOString(),
      actorType: r.actorType,
      actorLabel: r.actorLabel,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      before: r.before,
      after: r.after,
    }));
    let next: string | null = null;
    const last = items.at(-1);
    if (last && skipped + items.length < total) {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries({
        entityId: query.entityId,
        entityType: query.entityType,
        action: query.action,
        limit: String(query.limit),
        cursor: last.id,
      })) {
        if (v) search.set(k, v);
      }
      next = `/api/v1/audit-events?${search.toString()}`;
    }
    return { items, page: { total, limit: query.limit, offset: skipped, next } };
  }
}
