import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import type { WechatFinding } from '../../domain/src/wechat/index.js';
import { CredentialService } from './credential.service.js';

interface SyncRow {
  id: string;
  synced_at: Date;
  trigger: string;
  outcome: string;
  read: Record<string, unknown>;
  findings: WechatFinding[];
  changes: unknown[];
  token_requests: number;
}

const syncView = (r: SyncRow) => ({
  id: r.id,
  syncedAt: r.synced_at.toISOString(),
  trigger: r.trigger,
  outcome: r.outcome,
  read: r.read,
  findings: r.findings,
  changes: r.changes,
  tokenRequests: r.token_requests,
});

/** What mp-guard knows from WeChat about one mini-program of the caller's organization. */
@Injectable()
export class WechatStatusService {
  constructor(
    private readonly db: DataSource,
    private readonly credentials: CredentialService,
  ) {}

  async status(ctx: AuthContext, miniProgramId: string) {
    const [mp] = await this.db.query<
      { id: string; app_id: string; certification_expires_on: string | null }[]
    >(
      `SELECT id, app_id, certification_expires_on::text AS certification_expires_on
         FROM mini_programs WHERE organization_id = $1 AND id = $2`,
      [ctx.organizationId, miniProgramId],
    );
    if (!mp) throw DomainError.notFound('Mini-program');
    const [credential, syncs, [deadline]] = await Promise.all([
      this.credentials.status(this.db.manager, ctx.organizationId, miniProgramId),
      this.db.query<SyncRow[]>(
        `SELECT id, synced_at, trigger, outcome, read, findings, changes, token_requests FROM wechat_syncs
          WHERE organization_id = $1 AND mini_program_id = $2 ORDER BY seq DESC LIMIT 10`,
        [ctx.organizationId, miniProgramId],
      ),
      this.db.query<
        {
          id: string;
          due_on: string;
          window_opens_on: string;
          apply_by: string;
          act_by: string;
          state: string;
        }[]
      >(
        `SELECT id, due_on::text AS due_on, window_opens_on::text AS window_opens_on, apply_by::text AS apply_by,
                act_by::text AS act_by, state FROM deadlines
          WHERE organization_id = $1 AND mini_program_id = $2 AND kind = 'annual_review'
            AND state IN ('open', 'acknowledged', 'snoozed')
          ORDER BY due_on LIMIT 1`,
        [ctx.organizationId, miniProgramId],
      ),
    ]);
    return {
      miniProgramId: mp.id,
      appId: mp.app_id,
      credential,
      certificationExpiresOn: mp.certification_expires_on,
      annualReviewDeadline: deadline
        ? {
            id: deadline.id,
            dueOn: deadline.due_on,
            windowOpensOn: deadline.window_opens_on,
            applyBy: deadline.apply_by,
            actBy: deadline.act_by,
            state: deadline.state,
          }
        : null,
      lastSync: syncs[0] ? syncView(syncs[0]) : null,
      history: syncs.map((s) => ({
        syncedAt: s.synced_at.toISOString(),
        outcome: s.outcome,
        findings: s.findings.map((f) => f.code),
        changes: s.changes,
      })),
    };
  }
}
