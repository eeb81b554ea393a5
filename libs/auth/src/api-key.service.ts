import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import { Clock } from '../../common/src/clock.js';
import { DomainError } from '../../common/src/domain.error.js';
import { validateFreeText } from '../../domain/src/validation/index.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { generateApiKey, parseApiKey, secretMatches } from './api-key.js';
import type { AuthContext } from './auth-context.js';
import { OrganizationEntity } from './organization.entity.js';

export interface IssuedKey {
  id: string;
  name: string;
  /** Shown once; only its hash is stored. */
  key: string;
}

@Injectable()
export class ApiKeyService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async authenticate(presented: string): Promise<AuthContext | null> {
    const parsed = parseApiKey(presented);
    if (!parsed) return null;
    const row = await this.db
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .addSelect('k.secretHash')
      .innerJoinAndMapOne('k.organization', OrganizationEntity, 'o', 'o.id = k.organization_id')
      .where('k.prefix = :prefix AND k.revoked_at IS NULL', { prefix: parsed.prefix })
      .getOne();
    if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
    const org = (row as ApiKeyEntity & { organization: OrganizationEntity }).organization;
    // Recorded at most once a minute per key, so authentication stays a read on the hot path.
    await this.db.query(
      `UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [row.id, this.clock.now()],
    );
    return {
      organizationId: org.id,
      timeZone: org.timeZone,
      locale: org.locale,
      actorType: 'api_key',
      actorId: row.id,
      actorLabel: `api key ${row.name} (${row.prefix})`,
    };
  }

  async create(organizationId: string, name: string): Promise<IssuedKey> {
    const org = await this.db.getRepository(OrganizationEntity).findOneBy({ id: organizationId });
    if (!org) throw DomainError.notFound('Organization');
    const generated = generateApiKey();
    const saved = await this.db.getRepository(ApiKeyEntity).save({
      organizationId,
      name,
      prefix: generated.prefix,
      secretHash: generated.secretHash,
      lastUsedAt: null,
      revokedAt: null,
    });
    return { id: saved.id, name, key: generated.key };
  }

  list(organizationId: string): Promise<ApiKeyEntity[]> {
    return this.db
      .getRepository(ApiKeyEntity)
      .find({ where: { organizationId }, order: { createdAt: 'ASC' } });
  }

  /** Revokes by id or prefix; revoking twice is harmless. */
  async revoke(organizationId: string, idOrPrefix: string): Promise<ApiKeyEntity> {
    const repo = this.db.getRepository(ApiKeyEntity);
    const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
    const key = await repo.findOneBy(
      isUuid ? { organizationId, id: idOrPrefix } : { organizationId, prefix: idOrPrefix },
    );
    if (!key) throw DomainError.notFound('API key');
    await repo.update({ id: key.id, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    return (await repo.findOneBy({ id: key.id }))!;
  }

  /**
   * A key issued by a person (the console): name checked like every free text, the key and its audit
   * event in one transaction. The key is returned this once; only its hash is kept.
   */
  async issue(ctx: AuthContext, nameInput: string): Promise<IssuedKey> {
    const name = nameInput.trim();
    const rule =
      name.length > 100 ? 'must be 1 to 100 characters' : validateFreeText(name, { maxLength: 100 });
    if (rule) throw DomainError.invalid([{ field: 'name', rule }]);
    const generated = generateApiKey();
    return this.db.transaction(async (m) => {
      // created_at from the injected clock, like every instant the console shows
      const [saved] = await m.query<{ id: string }[]>(
        `INSERT INTO api_keys (organization_id, name, prefix, secret_hash, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [ctx.organizationId, name, generated.prefix, generated.secretHash, this.clock.now()],
      );
      await this.audit.record(m, ctx, {
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: saved.id,
        after: { name, prefix: generated.prefix },
      });
      return { id: saved.id, name, key: generated.key };
    });
  }

  /** Revokes one key of the organization with its audit event; revoking twice records nothing more. */
  async revokeFor(ctx: AuthContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const [row] = await m.query<{ id: string; name: string; prefix: string; revoked_at: Date | null }[]>(
        `SELECT id, name, prefix, revoked_at FROM api_keys WHERE id = $1 AND organization_id = $2 FOR UPDATE`,
        [id, ctx.organizationId],
      );
      if (!row) throw DomainError.notFound('API key');
      if (row.revoked_at) return;
      await m.query(`UPDATE api_keys SET revoked_at = $2 WHERE id = $1`, [id, this.clock.now()]);
      await this.audit.record(m, ctx, {
        action: 'api_key.revoked',
        entityType: 'api_key',
        entityId: id,
        before: { name: row.name, prefix: row.prefix },
      });
    });
  }
}
