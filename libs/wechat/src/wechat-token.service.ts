import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretKeys } from '../../common/src/secret-keys.js';
import { type RevealedCredential, tokenContext } from './credential.service.js';
import { WechatApiClient } from './wechat-api.client.js';

/** A cached token is used while it has at least this long to live (PostgreSQL's clock, shared by all instances). */
const KEEP_SECONDS = 120;

export interface IssuedToken {
  token: string;
  /** True when this call asked WeChat for it (counted in the sync record). */
  fetched: boolean;
}

/**
 * The stable access token of each mini-program, cached sealed in PostgreSQL until shortly before it
 * expires, so every instance shares one. A missing or stale token is fetched under a transaction advisory
 * lock per mini-program: instances that come at once wait, then find the token the first one stored.
 * Always normal mode (force_refresh false); a token WeChat refused mid-sync is replaced once, by whoever
 * takes the lock first, and the others use that replacement.
 */
@Injectable()
export class WechatTokenService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: SecretKeys,
    private readonly api: WechatApiClient,
  ) {}

  async token(
    organizationId: string,
    miniProgramId: string,
    credential: RevealedCredential,
    refused?: string,
    signal?: AbortSignal,
  ): Promise<IssuedToken> {
    const cached = await this.cached(this.db.query.bind(this.db), organizationId, miniProgramId, credential);
    if (cached && cached !== refused) return { token: cached, fetched: false };
    return this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`mp-guard:wechat-token:${miniProgramId}`]);
      const again = await this.cached(m.query.bind(m), organizationId, miniProgramId, credential);
      if (again && again !== refused) return { token: again, fetched: false };
      const issued = await this.api.stableToken(credential.appId, credential.secret, signal);
      const sealed = this.keys.box().seal(issued.accessToken, tokenContext(organizationId, miniProgramId));
      await m.query(
        `INSERT INTO wechat_tokens (mini_program_id, organization_id, credential_id, key_id, sealed, fetched_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, now(), now() + make_interval(secs => $6))
         ON CONFLICT (mini_program_id) DO UPDATE
            SET credential_id = EXCLUDED.credential_id, key_id = EXCLUDED.key_id, sealed = EXCLUDED.sealed,
                fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at`,
        [miniProgramId, organizationId, credential.credentialId, sealed.keyId, sealed.box, issued.expiresIn],
      );
      return { token: issued.accessToken, fetched: true };
    });
  }

  private async cached(
    query: <T>(sql: string, params: unknown[]) => Promise<T>,
    organizationId: string,
    miniProgramId: string,
    credential: RevealedCredential,
  ): Promise<string | null> {
    const [row] = await query<{ key_id: string; sealed: Buffer }[]>(
      `SELECT key_id, sealed FROM wechat_tokens
        WHERE mini_program_id = $1 AND organization_id = $2 AND credential_id = $3
          AND expires_at > now() + make_interval(secs => $4)`,
      [miniProgramId, organizationId, credential.credentialId, KEEP_SECONDS],
    );
    if (!row) return null;
    return this.keys
      .box()
      .open({ keyId: row.key_id, box: row.sealed }, tokenContext(organizationId, miniProgramId));
  }
}
