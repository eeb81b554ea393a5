import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { DomainError } from '../../common/src/domain.error.js';
import { PageQuery, toPage } from '../../common/src/pagination.js';
import { DeadlineEntity } from '../../deadlines/src/deadline.entity.js';
import { DEFAULT_LADDER } from '../../domain/src/reminders/index.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { MailTransport } from '../../mail/src/mail-transport.js';
import { checkedLadder, ReminderSettingsService } from './reminder-settings.service.js';

const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;

class ListDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Only deliveries in this status; failed lists what never arrived.',
    enum: DELIVERY_STATUSES,
  })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `must be one of: ${DELIVERY_STATUSES.join(', ')}` })
  status?: (typeof DELIVERY_STATUSES)[number];
}

class LadderDto {
  @ApiProperty({
    description:
      'Escalation stages, ordered by offsetDays (days relative to the due date; negative before). Each stage names the roles it reaches; only the last may repeat (repeatEveryDays).',
    example: DEFAULT_LADDER,
  })
  @IsArray()
  stages!: unknown[];
}

class ReminderSettingsDto {
  @ApiPropertyOptional({
    description: "Local hour from which the day's reminders go out (0-23).",
    default: 9,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(23)
  sendHour?: number;

  @ApiPropertyOptional({
    description: 'How many days earlier reminders start while a vendor is unavailable.',
    default: 30,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  vendorUnavailableLeadDays?: number;
}

const HISTORY_SQL = `
  SELECT n.id AS "notificationId", n.kind, n.stage, n.trigger_on AS "triggerOn", n.status AS "notificationStatus",
         n.skip_reason AS "skipReason", n.deadline_id AS "deadlineId", n.created_at AS "plannedAt",
         d.id AS "deliveryId", d.email, d.name, d.role, d.locale, d.status, d.attempts,
         d.next_attempt_at AS "nextAttemptAt", d.last_error AS "lastError", d.message_id AS "messageId",
         d.smtp_response AS "smtpResponse", d.sent_at AS "sentAt"
    FROM notifications n LEFT JOIN notification_deliveries d ON d.notification_id = n.id`;

@ApiTags('reminders')
@ApiBearerAuth()
@Controller('api/v1')
export class NotificationsController {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(MailTransport) private readonly transport: MailTransport,
    private readonly ladders: ReminderSettingsService,
  ) {}

  @Get('deadlines/:id/notifications')
  @ApiOperation({
    summary: 'Every reminder of a deadline: stage, recipient, status, attempts, last error, Message-ID',
  })
  async forDeadline(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    const exists = await this.db
      .getRepository(DeadlineEntity)
      .existsBy({ id, organizationId: auth.organizationId });
    if (!exists) throw DomainError.notFound('Deadline');
    return this.db.query<Record<string, unknown>[]>(
      `${HISTORY_SQL} WHERE n.organization_id = $1 AND n.deadline_id = $2 ORDER BY n.trigger_on, n.created_at, d.email`,
      [auth.organizationId, id],
    );
  }

  @Get('deliveries')
  @ApiOperation({
    summary: 'Reminder deliveries, newest first; ?status=failed lists the ones that never arrived',
  })
  async deliveries(@Auth() auth: AuthContext, @Query() query: ListDeliveriesQuery) {
    const params: unknown[] = [auth.organizationId];
    let where = 'n.organization_id = $1 AND d.id IS NOT NULL';
    if (query.status) {
      params.push(query.status);
      where += ` AND d.status = $${params.length}`;
    }
    const [{ total }] = await this.db.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id WHERE ${where}`,
      params,
    );
    const rows = await this.db.query<unknown[]>(
      `${HISTORY_SQL} WHERE ${where} ORDER BY d.updated_at DESC, d.id LIMIT ${query.limit} OFFSET ${query.offset}`,
      params,
    );
    return toPage(rows, total ?? 0, query, '/api/v1/deliveries', { status: query.status });
  }

  @Get('organization/reminders')
  @ApiOperation({ summary: "The organization's escalation ladder and reminder settings" })
  async settings(@Auth() auth: AuthContext) {
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: auth.organizationId });
    return {
      ladder: org.reminderLadder ?? DEFAULT_LADDER,
      isDefaultLadder: org.reminderLadder === null,
      sendHour: org.sendHour,
      vendorUnavailableLeadDays: org.vendorUnavailableLeadDays,
      timeZone: org.timeZone,
      mail: this.transport.describe(),
    };
  }

  @Put('organization/reminders/ladder')
  @ApiOperation({ summary: 'Replace the organization escalation ladder (validated)' })
  async putLadder(@Auth() auth: AuthContext, @Body() dto: LadderDto) {
    await this.ladders.replaceLadder(auth, dto.stages);
    return this.settings(auth);
  }

  @Put('organization/reminders/settings')
  @ApiOperation({ summary: 'Change the send hour and the vendor-unavailable lead' })
  async putSettings(@Auth() auth: AuthContext, @Body() dto: ReminderSettingsDto) {
    await this.db.transaction(async (m) => {
      const org = await m.findOneByOrFail(OrganizationEntity, { id: auth.organizationId });
      const changes = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
      if (Object.keys(changes).length === 0) return;
      await m.update(OrganizationEntity, { id: org.id }, changes);
      await this.audit.record(m, auth, {
        action: 'organization.reminder_settings_changed',
        entityType: 'organization',
        entityId: org.id,
        before: { sendHour: org.sendHour, vendorUnavailableLeadDays: org.vendorUnavailableLeadDays },
        after: dto,
      });
    });
    return this.settings(auth);
  }

  @Put('deadlines/:id/ladder')
  @ApiOperation({
    summary: 'Override the escalation ladder of one deadline (null stages: back to the organization ladder)',
  })
  async putDeadlineLadder(@Auth() auth: AuthContext, @Param('id', uuid) id: string, @Body() dto: LadderDto) {
    const ladder = dto.stages.length ? checkedLadder(dto.stages) : null;
    return this.db.transaction(async (m) => {
      const row = await m.findOne(DeadlineEntity, {
        where: { id, organizationId: auth.organizationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) throw DomainError.notFound('Deadline');
      await m.update(DeadlineEntity, { id }, { ladder });
      await this.audit.record(m, auth, {
        action: 'deadline.ladder_changed',
        entityType: 'deadline',
        entityId: id,
        before: { ladder: row.ladder },
        after: { ladder },
      });
      return { deadlineId: id, ladder: ladder ?? null };
    });
  }
}
