import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { PageInfo, PageQuery, toPage } from '../../common/src/pagination.js';
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
}

class AuditEventResponse {
  @ApiProperty() id!: number;
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
    const [rows, total] = await qb
      .orderBy('a.id', 'DESC')
      .offset(query.offset)
      .limit(query.limit)
      .getManyAndCount();
    const items = rows.map((r) => ({
      id: r.id,
      occurredAt: r.occurredAt.toISOString(),
      actorType: r.actorType,
      actorLabel: r.actorLabel,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      before: r.before,
      after: r.after,
    }));
    return toPage(items, total, query, '/api/v1/audit-events', {
      entityId: query.entityId,
      entityType: query.entityType,
      action: query.action,
    });
  }
}
