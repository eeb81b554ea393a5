import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { DomainError, type FieldProblem } from '../../common/src/domain.error.js';
import { SecretKeys } from '../../common/src/secret-keys.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import {
  allowance,
  buildRobotRequest,
  CHANNEL_KINDS,
  type ChannelKind,
  classifyAnswer,
  isChannelKind,
  parseChannelTarget,
  renderTestMessage,
  type AnswerOutcome,
} from '../../domain/src/channels/index.js';
import { ROLES, type Role } from '../../domain/src/reminders/index.js';
import { openTarget, sealTarget } from './channel-target.js';
import { RobotHttpClient, RobotUnreachableError } from './robot-http.client.js';

export interface ChannelRow {
  id: string;
  organization_id: string;
  kind: ChannelKind;
  name: string;
  target_hint: string;
  key_id: string;
  sealed: Buffer;
  roles: Role[];
  vendor_id: string | null;
  status: 'active' | 'paused';
  paused_kind: 'manual' | 'invalid_credentials' | null;
  paused_reason: string | null;
  paused_at: Date | null;
  penalty_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ChannelResponse {
  id: string;
  kind: ChannelKind;
  name: string;
  /** The URL with its key or token masked; the real one is never returned after creation. */
  target: string;
  hasSecret: true;
  roles: Role[];
  vendorId: string | null;
  status: 'active' | 'paused';
  pausedKind: 'manual' | 'invalid_credentials' | null;
  pausedReason: string | null;
  pausedAt: string | null;
  createdAt: string;
  updatedAt: string;
  pending?: number;
}

export interface TestResult {
  outcome: AnswerOutcome | 'unreachable' | 'deferred';
  code: number | null;
  message: string;
  retryAt?: string;
}

export interface CreateChannelInput {
  kind?: unknown;
  name?: unknown;
  url?: unknown;
  secret?: unknown;
  roles?: unknown;
  vendorId?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ALL_ROLES: Role[] = [...ROLES];
const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

export function toResponse(row: ChannelRow, pending?: number): ChannelResponse {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    target: row.target_hint,
    hasSecret: true,
    roles: row.roles,
    vendorId: row.vendor_id,
    status: row.status,
    pausedKind: row.paused_kind,
    pausedReason: row.paused_reason,
    pausedAt: row.paused_at ? row.paused_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(pending === undefined ? {} : { pending }),
  };
}

/** The audit view of a channel: what changed, never the URL's key or the secret. */
const audited = (row: ChannelRow) => ({
  kind: row.kind,
  name: row.name,
  target: row.target_hint,
  roles: row.roles,
  vendorId: row.vendor_id,
  status: row.status,
  keyId: row.key_id,
});

/**
 * Channels of an organization: created with their URL and secret sealed (never returned, logged or
 * audited in clear), listed, paused, resumed, removed and tested. Every query is scoped by the caller's
 * organization; another organization's channel is a 404.
 */
@Injectable()
export class ChannelService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: SecretKeys,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly http: RobotHttpClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(ctx: AuthContext, input: CreateChannelInput): Promise<ChannelResponse> {
    const problems: FieldProblem[] = [];
    if (!isChannelKind(input.kind))
      problems.push({ field: 'kind', rule: `must be one of ${CHANNEL_KINDS.join(', ')}` });
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name || name.length > 100 || [...name].some((ch) => ch.charCodeAt(0) < 0x20))
      problems.push({ field: 'name', rule: 'must be 1 to 100 characters, without control characters' });
    let roles: Role[] = ALL_ROLES;
    if (input.roles !== undefined) {
      if (!Array.isArray(input.roles) || input.roles.length === 0 || !input.roles.every(isRole))
        problems.push({ field: 'roles', rule: `must be a non-empty list of ${ROLES.join(', ')}` });
      else roles = [...new Set(input.roles)];
    }
    const vendorId = input.vendorId ?? null;
    if (vendorId !== null && (typeof vendorId !== 'string' || !UUID.test(vendorId)))
      problems.push({ field: 'vendorId', rule: 'must be the id of one of your vendors' });
    let parsed: ReturnType<typeof parseChannelTarget> | null = null;
    if (isChannelKind(input.kind)) {
      parsed = parseChannelTarget(input.kind, input.url, input.secret, {
        allowHttp: this.config.CHANNEL_WEBHOOK_ALLOW_HTTP,
      });
      if (!parsed.ok) problems.push(...parsed.problems);
    }
    if (problems.length || !parsed?.ok) throw DomainError.invalid(problems);
    const kind = input.kind as ChannelKind;
    const target = parsed.target;
    const hint = parsed.hint;
    return this.db.transaction(async (m) => {
      if (vendorId !== null) {
        const [v] = await m.query<{ id: string }[]>(
          `SELECT id FROM vendors WHERE organization_id = $1 AND id = $2`,
          [ctx.organizationId, vendorId],
        );
        if (!v)
          throw DomainError.invalid([{ field: 'vendorId', rule: 'must be the id of one of your vendors' }]);
      }
      const id = randomUUID();
      const sealed = sealTarget(this.keys.box(), ctx.organizationId, id, target);
      const now = this.clock.now();
      const [row] = await m.query<ChannelRow[]>(
        `INSERT INTO channels (id, organization_id, kind, name, target_hint, key_id, sealed, roles, vendor_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING *`,
        [id, ctx.organizationId, kind, name, hint, sealed.keyId, sealed.box, roles, vendorId, now],
      );
      await this.audit.record(m, ctx, {
        action: 'channel.created',
        entityType: 'channel',
        entityId: id,
        after: { ...audited(row), secret: 'not recorded' },
      });
      return toResponse(row);
    });
  }

  async list(ctx: AuthContext): Promise<ChannelResponse[]> {
    const rows = await this.db.query<(ChannelRow & { pending: number })[]>(
      `SELECT c.*, (SELECT count(*)::int FROM channel_deliveries d WHERE d.channel_id = c.id AND d.status IN ('pending', 'sending')) AS pending
         FROM channels c WHERE c.organization_id = $1 ORDER BY c.created_at, c.id`,
      [ctx.organizationId],
    );
    return rows.map((r) => toResponse(r, r.pending));
  }

  async get(ctx: AuthContext, id: string): Promise<ChannelResponse> {
    const [row] = await this.db.query<(ChannelRow & { pending: number })[]>(
      `SELECT c.*, (SELECT count(*)::int FROM channel_deliveries d WHERE d.channel_id = c.id AND d.status IN ('pending', 'sending')) AS pending
         FROM channels c WHERE c.organization_id = $1 AND c.id = $2`,
      [ctx.organizationId, id],
    );
    if (!row) throw DomainError.notFound('Channel');
    return toResponse(row, row.pending);
  }

  private async owned(m: EntityManager, ctx: AuthContext, id: string): Promise<ChannelRow> {
    const [row] = await m.query<ChannelRow[]>(
      `SELECT * FROM channels WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
      [ctx.organizationId, id],
    );
    if (!row) throw DomainError.notFound('Channel');
    return row;
  }

  /** Paused by hand: nothing is posted, and new stages are not queued for it. */
  async pause(ctx: AuthContext, id: string): Promise<ChannelResponse> {
    return this.db.transaction(async (m) => {
      const before = await this.owned(m, ctx, id);
      const now = this.clock.now();
      // An UPDATE … RETURNING answers [rows, affected count].
      const [[row]] = await m.query<[ChannelRow[], number]>(
        `UPDATE channels SET status = 'paused', paused_kind = 'manual', paused_reason = 'paused by ' || $3,
                paused_at = $4, updated_at = $4
          WHERE id = $1 AND organization_id = $2 RETURNING *`,
        [id, ctx.organizationId, ctx.actorLabel.slice(0, 200), now],
      );
      await this.audit.record(m, ctx, {
        action: 'channel.paused',
        entityType: 'channel',
        entityId: id,
        before: { status: before.status, pausedKind: before.paused_kind },
        after: { status: 'paused', pausedKind: 'manual' },
      });
      return toResponse(row);
    });
  }

  /** Active again: the messages that waited (for example while a key was invalid) are due now. */
  async resume(ctx: AuthContext, id: string): Promise<ChannelResponse> {
    return this.db.transaction(async (m) => {
      const before = await this.owned(m, ctx, id);
      const now = this.clock.now();
      // An UPDATE … RETURNING answers [rows, affected count].
      const [[row]] = await m.query<[ChannelRow[], number]>(
        `UPDATE channels SET status = 'active', paused_kind = NULL, paused_reason = NULL, paused_at = NULL,
                penalty_until = NULL, updated_at = $3
          WHERE id = $1 AND organization_id = $2 RETURNING *`,
        [id, ctx.organizationId, now],
      );
      await m.query(
        `UPDATE channel_deliveries SET next_attempt_at = $2, updated_at = $2
          WHERE channel_id = $1 AND status = 'pending' AND next_attempt_at > $2`,
        [id, now],
      );
      await this.audit.record(m, ctx, {
        action: 'channel.resumed',
        entityType: 'channel',
        entityId: id,
        before: { status: before.status, pausedKind: before.paused_kind, pausedReason: before.paused_reason },
        after: { status: 'active' },
      });
      return toResponse(row);
    });
  }

  /** Removes the channel and its queued messages (mail and other channels are not affected). */
  async remove(ctx: AuthContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const before = await this.owned(m, ctx, id);
      await m.query(`DELETE FROM channels WHERE id = $1 AND organization_id = $2`, [id, ctx.organizationId]);
      await this.audit.record(m, ctx, {
        action: 'channel.deleted',
        entityType: 'channel',
        entityId: id,
        before: audited(before),
      });
    });
  }

  /**
   * Posts a test message now and says what the platform answered. It takes a slot of the bot's rate
   * limit like any message (so a test never pushes a queued reminder over the limit); when none is free
   * it says when one will be, and posts nothing.
   */
  async test(ctx: AuthContext, id: string): Promise<TestResult> {
    const now = this.clock.now();
    const prepared = await this.db.transaction(async (m) => {
      const row = await this.owned(m, ctx, id);
      const sends = await m.query<{ t: Date }[]>(
        `SELECT sent_at AS t FROM channel_sends WHERE channel_id = $1 AND sent_at > $2::timestamptz - interval '60 seconds'`,
        [id, now],
      );
      const a = allowance(
        row.kind,
        sends.map((s) => s.t.getTime()),
        now.getTime(),
        row.penalty_until?.getTime() ?? null,
      );
      if (a.now === 0) return { row, retryAt: new Date(a.nextAt) };
      await m.query(`INSERT INTO channel_sends (channel_id, sent_at) VALUES ($1, $2)`, [id, now]);
      const [org] = await m.query<{ name: string; locale: 'zh-CN' | 'en' }[]>(
        `SELECT name, locale FROM organizations WHERE id = $1`,
        [ctx.organizationId],
      );
      return { row, org, retryAt: null };
    });
    const { row } = prepared;
    let result: TestResult;
    if (prepared.retryAt) {
      result = {
        outcome: 'deferred',
        code: null,
        message: "the bot's rate limit is reached: nothing was posted",
        retryAt: prepared.retryAt.toISOString(),
      };
    } else {
      const request = buildRobotRequest(
        row.kind,
        {
          wecom: this.config.WECOM_API_BASE_URL,
          dingtalk: this.config.DINGTALK_API_BASE_URL,
          feishu: this.config.FEISHU_API_BASE_URL,
        },
        openTarget(this.keys.box(), row),
        renderTestMessage(row.kind, prepared.org.name, prepared.org.locale),
        now.getTime(),
        `test_${randomUUID()}`,
      );
      try {
        const answer = await this.http.post(request);
        const c = classifyAnswer(row.kind, answer.status, answer.text);
        result = { outcome: c.outcome, code: c.code, message: c.message };
      } catch (error) {
        result = {
          outcome: 'unreachable',
          code: null,
          message: error instanceof RobotUnreachableError ? error.reason : 'connection failed',
        };
      }
    }
    await this.db.transaction((m) =>
      this.audit.record(m, ctx, {
        action: 'channel.tested',
        entityType: 'channel',
        entityId: id,
        after: { outcome: result.outcome, code: result.code },
      }),
    );
    return result;
  }
}
