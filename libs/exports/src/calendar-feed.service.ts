import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { Clock } from '../../common/src/clock.js';
import { DomainError, ErrorCode } from '../../common/src/domain.error.js';
import { type Page, type PageQuery, toPage } from '../../common/src/pagination.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { DEFAULT_LADDER } from '../../domain/src/reminders/index.js';
import { localDateOf } from '../../domain/src/time/index.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { CalendarFeedEntity } from './calendar-feed.entity.js';
import type { CreateCalendarFeedDto } from './calendar-feed.dto.js';
import { CalendarFeedResponse, type IssuedCalendarFeedResponse } from './calendar-feed.response.js';
import { ChecklistService, withheld } from './checklist.service.js';
import { buildCalendar, type CalendarEvent, calendarEventsFor } from './renderers/index.js';

/** 256 random bits, base64url: too many to guess, so a fast hash is enough to store. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Calendar apps poll; an hour keeps them current without hammering the database. */
const FEED_TTL_SECONDS = 3600;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface RenderedCalendar {
  ics: string;
  events: number;
}

@Injectable()
export class CalendarFeedService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly checklist: ChecklistService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(ctx: AuthContext, query: PageQuery): Promise<Page<CalendarFeedResponse>> {
    const [rows, total] = await this.db.getRepository(CalendarFeedEntity).findAndCount({
      where: { organizationId: ctx.organizationId },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return toPage(rows.map(CalendarFeedResponse.of), total, query, '/api/v1/calendar-feeds', {});
  }

  create(ctx: AuthContext, dto: CreateCalendarFeedDto): Promise<IssuedCalendarFeedResponse> {
    return this.db.transaction(async (m) => {
      if (dto.miniProgramId) {
        const exists = await m.existsBy(MiniProgramEntity, {
          id: dto.miniProgramId,
          organizationId: ctx.organizationId,
        });
        if (!exists) {
          throw DomainError.invalid([
            { field: 'miniProgramId', rule: 'must be the id of a mini-program of this organization' },
          ]);
        }
      }
      const issued = await this.issue(m, ctx, dto.miniProgramId ?? null);
      await this.audit.record(m, ctx, {
        action: 'calendar_feed.created',
        entityType: 'calendar_feed',
        entityId: issued.id,
        after: CalendarFeedResponse.of(issued.feed),
      });
      return issued.response;
    });
  }

  /** Revokes the feed: its URL answers 404 from now on. Revoking twice changes nothing. */
  revoke(ctx: AuthContext, id: string): Promise<void> {
    return this.db.transaction(async (m) => {
      const feed = await this.find(m, ctx, id);
      if (feed.revokedAt) return;
      await m.update(CalendarFeedEntity, { id: feed.id }, { revokedAt: this.clock.now() });
      await this.audit.record(m, ctx, {
        action: 'calendar_feed.revoked',
        entityType: 'calendar_feed',
        entityId: feed.id,
      });
    });
  }

  /** Revokes the feed and issues a new URL for the same scope, in one transaction. */
  rotate(ctx: AuthContext, id: string): Promise<IssuedCalendarFeedResponse> {
    return this.db.transaction(async (m) => {
      const feed = await this.find(m, ctx, id);
      if (feed.revokedAt) {
        throw new DomainError(ErrorCode.Conflict, 'The calendar feed is already revoked: create a new one');
      }
      await m.update(CalendarFeedEntity, { id: feed.id }, { revokedAt: this.clock.now() });
      const issued = await this.issue(m, ctx, feed.miniProgramId);
      await this.audit.record(m, ctx, {
        action: 'calendar_feed.rotated',
        entityType: 'calendar_feed',
        entityId: feed.id,
        after: { replacedBy: issued.id },
      });
      return issued.response;
    });
  }

  /**
   * The ICS of an active feed: an all-day event on each live cycle's due date (and act-by date) with
   * alarms at the ladder's stages. UIDs come from the deadline ids, SEQUENCE from the deadline's
   * `sequence`, so calendar apps update events in place. An unknown or revoked token is a 404.
   */
  async render(token: string): Promise<RenderedCalendar> {
    if (!TOKEN_PATTERN.test(token)) throw DomainError.notFound('Calendar feed');
    const feed = await this.db
      .getRepository(CalendarFeedEntity)
      .createQueryBuilder('f')
      .where('f.token_hash = :hash AND f.revoked_at IS NULL', { hash: hashToken(token) })
      .getOne();
    if (!feed) throw DomainError.notFound('Calendar feed');
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: feed.organizationId });
    const miniProgram = feed.miniProgramId
      ? await this.db
          .getRepository(MiniProgramEntity)
          .findOneBy({ id: feed.miniProgramId, organizationId: org.id })
      : null;
    const now = this.clock.now();
    const locale = org.locale;
    const events: CalendarEvent[] = [];
    const entries = this.checklist.entries(
      org,
      feed.miniProgramId ? { miniProgramId: feed.miniProgramId } : {},
      locale,
      localDateOf(now, org.timeZone),
    );
    for await (const { row, ladder } of entries) {
      // Stages are days relative to the due date (-30 = 30 days before); the builder wants days before.
      const stages = ladder ?? org.reminderLadder ?? DEFAULT_LADDER;
      events.push(
        ...calendarEventsFor(
          row,
          stages.map((s) => -s.offsetDays),
          locale,
        ),
      );
    }
    const orgName = withheld(org.name, locale);
    const name = miniProgram ? `${orgName} · ${withheld(miniProgram.name, locale)}` : orgName;
    return {
      ics: buildCalendar(events, { name, timeZone: org.timeZone, ttl: FEED_TTL_SECONDS, generatedAt: now }),
      events: events.length,
    };
  }

  private async find(m: EntityManager, ctx: AuthContext, id: string): Promise<CalendarFeedEntity> {
    const feed = await m.findOne(CalendarFeedEntity, {
      where: { id, organizationId: ctx.organizationId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!feed) throw DomainError.notFound('Calendar feed');
    return feed;
  }

  private async issue(
    m: EntityManager,
    ctx: AuthContext,
    miniProgramId: string | null,
  ): Promise<{ id: string; feed: CalendarFeedEntity; response: IssuedCalendarFeedResponse }> {
    const token = randomBytes(32).toString('base64url');
    const feed = await m.save(
      m.create(CalendarFeedEntity, {
        organizationId: ctx.organizationId,
        miniProgramId,
        tokenHash: hashToken(token),
        createdAt: this.clock.now(),
        revokedAt: null,
      }),
    );
    return {
      id: feed.id,
      feed,
      response: { ...CalendarFeedResponse.of(feed), url: `${this.config.publicUrl}/calendar/${token}.ics` },
    };
  }
}
