import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/** Writes audit events inside the caller's transaction, so a change and its record commit together. */
@Injectable()
export class AuditService {
  constructor(private readonly clock: Clock) {}

  async record(manager: EntityManager, ctx: AuthContext, event: AuditRecord): Promise<void> {
    await manager.query(
      `INSERT INTO audit_events (organization_id, actor_type, actor_id, actor_label, action, entity_type, entity_id, before, after, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        ctx.organizationId,
        ctx.actorType,
        ctx.actorId,
        ctx.actorLabel,
        event.action,
        event.entityType,
        event.entityId,
        event.before === undefined ? null : JSON.stringify(event.before),
        event.after === undefined ? null : JSON.stringify(event.after),
        this.clock.now(),
      ],
    );
  }
}
