import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { DomainError } from '../../common/src/domain.error.js';
import { SecretKeys } from '../../common/src/secret-keys.js';

export const APP_SECRET = 'wechat_app_secret';
/** A mini-program's AppSecret: 32 hexadecimal characters (开发管理 > 开发设置). */
export const APP_SECRET_RULE = 'must be the 32-character hexadecimal AppSecret (开发管理 > 开发设置)';

export interface CredentialStatus {
  stored: boolean;
  storedAt: string | null;
  updatedAt: string | null;
}

export interface RevealedCredential {
  credentialId: string;
  appId: string;
  secret: string;
}

/** What a sealed value is bound to: a sealed secret copied onto another row does not open. */
export const credentialContext = (organizationId: string, miniProgramId: string) =>
  `credentials:${organizationId}:${miniProgramId}:${APP_SECRET}`;
export const tokenContext = (organizationId: string, miniProgramId: string) =>
  `wechat_tokens:${organizationId}:${miniProgramId}`;

/**
 * The credential store: one AppSecret per mini-program, written (replaced) or deleted, never read back
 * through any interface; only the sync opens it, in memory. The audit event says that it changed and
 * with which key it was sealed, never the value.
 */
@Injectable()
export class CredentialService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: SecretKeys,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async put(ctx: AuthContext, miniProgramId: string, appSecret: unknown): Promise<void> {
    if (typeof appSecret !== 'string' || !/^[0-9a-fA-F]{32}$/.test(appSecret)) {
      throw DomainError.invalid([{ field: 'appSecret', rule: APP_SECRET_RULE }]);
    }
    await this.db.transaction(async (m) => {
      // Another organization's mini-program is a 404 before anything else is said about it.
      await this.ownedMiniProgram(m, ctx, miniProgramId);
      const sealed = this.keys.box().seal(appSecret, credentialContext(ctx.organizationId, miniProgramId));
      const now = this.clock.now();
      const [row] = await m.query<{ id: string; replaced: boolean }[]>(
        `INSERT INTO credentials (organization_id, mini_program_id, kind, key_id, sealed, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (organization_id, mini_program_id, kind) DO UPDATE
            SET key_id = EXCLUDED.key_id, sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at
         RETURNING id, (xmax <> 0) AS replaced`,
        [ctx.organizationId, miniProgramId, APP_SECRET, sealed.keyId, sealed.box, now],
      );
      // A token obtained with the old secret says nothing about the new one.
      await m.query(`DELETE FROM wechat_tokens WHERE mini_program_id = $1`, [miniProgramId]);
      await this.audit.record(m, ctx, {
        action: row.replaced ? 'credential.replaced' : 'credential.stored',
        entityType: 'mini_program',
        entityId: miniProgramId,
        after: { kind: APP_SECRET, keyId: sealed.keyId, value: 'not recorded' },
      });
    });
  }

  async remove(ctx: AuthContext, miniProgramId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.ownedMiniProgram(m, ctx, miniProgramId);
      const [deleted] = await m.query<[{ id: string }[], number]>(
        `DELETE FROM credentials WHERE organization_id = $1 AND mini_program_id = $2 AND kind = $3 RETURNING id`,
        [ctx.organizationId, miniProgramId, APP_SECRET],
      );
      if (!deleted.length) throw DomainError.notFound('Stored AppSecret');
      await this.audit.record(m, ctx, {
        action: 'credential.deleted',
        entityType: 'mini_program',
        entityId: miniProgramId,
        before: { kind: APP_SECRET },
      });
    });
  }

  async status(m: EntityManager, organizationId: string, miniProgramId: string): Promise<CredentialStatus> {
    const [row] = await m.query<{ created_at: Date; updated_at: Date }[]>(
      `SELECT created_at, updated_at FROM credentials WHERE organization_id = $1 AND mini_program_id = $2 AND kind = $3`,
      [organizationId, miniProgramId, APP_SECRET],
    );
    return {
      stored: !!row,
      storedAt: row?.created_at.toISOString() ?? null,
      updatedAt: row?.updated_at.toISOString() ?? null,
    };
  }

  /** The sync's only way in: the AppSecret in memory, for one call to stable_token. */
  async reveal(organizationId: string, miniProgramId: string): Promise<RevealedCredential | null> {
    const [row] = await this.db.query<{ id: string; app_id: string; key_id: string; sealed: Buffer }[]>(
      `SELECT c.id, mp.app_id, c.key_id, c.sealed FROM credentials c
         JOIN mini_programs mp ON mp.organization_id = c.organization_id AND mp.id = c.mini_program_id
        WHERE c.organization_id = $1 AND c.mini_program_id = $2 AND c.kind = $3`,
      [organizationId, miniProgramId, APP_SECRET],
    );
    if (!row) return null;
    const secret = this.keys
      .box()
      .open({ keyId: row.key_id, box: row.sealed }, credentialContext(organizationId, miniProgramId));
    return { credentialId: row.id, appId: row.app_id, secret };
  }

  /**
   * Re-seals every stored secret and cached token not sealed with the current SECRETS_KEY (the old key
   * must still be in SECRETS_PREVIOUS_KEYS). Row by row, each in its own transaction; safe to run again.
   */
  async rotate(): Promise<{ credentials: number; tokens: number; current: string }> {
    const box = this.keys.box();
    const current = box.current.id;
    let credentials = 0;
    let tokens = 0;
    for (const table of ['credentials', 'wechat_tokens'] as const) {
      const idColumn = table === 'credentials' ? 'id' : 'mini_program_id';
      const ids = await this.db.query<{ id: string }[]>(
        `SELECT ${idColumn} AS id FROM ${table} WHERE key_id <> $1`,
        [current],
      );
      for (const { id } of ids) {
        await this.db.transaction(async (m) => {
          const [row] = await m.query<
            { organization_id: string; mini_program_id: string; key_id: string; sealed: Buffer }[]
          >(
            `SELECT organization_id, mini_program_id, key_id, sealed FROM ${table}
              WHERE ${idColumn} = $1 AND key_id <> $2 FOR UPDATE`,
            [id, current],
          );
          if (!row) return;
          const context = (table === 'credentials' ? credentialContext : tokenContext)(
            row.organization_id,
            row.mini_program_id,
          );
          const resealed = box.seal(box.open({ keyId: row.key_id, box: row.sealed }, context), context);
          await m.query(`UPDATE ${table} SET key_id = $2, sealed = $3 WHERE ${idColumn} = $1`, [
            id,
            resealed.keyId,
            resealed.box,
          ]);
          if (table === 'credentials') credentials++;
          else tokens++;
        });
      }
    }
    return { credentials, tokens, current };
  }

  private async ownedMiniProgram(m: EntityManager, ctx: AuthContext, id: string): Promise<void> {
    const [row] = await m.query<{ id: string }[]>(
      `SELECT id FROM mini_programs WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
      [ctx.organizationId, id],
    );
    if (!row) throw DomainError.notFound('Mini-program');
  }
}
