import { ForbiddenException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { applyOverrides, CatalogueError, type Catalogue } from '../../catalogue/src/index.js';
import { DomainError } from '../../common/src/domain.error.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { RegistryObserver } from '../../registry/src/registry-ports.js';
import { CatalogueService } from './catalogue.service.js';

/** The facts of each requirement an organization may replace: those the catalogue marks overridable. */
export function overridableFacts(catalogue: Catalogue) {
  return catalogue.requirements.flatMap((r) => {
    const facts: Record<string, unknown> = {};
    if (r.schedule.type === 'before_due' && r.schedule.windowOpensBefore.overridable)
      facts.windowOpensBefore = r.schedule.windowOpensBefore;
    if (r.schedule.applyBy.overridable) facts.applyBy = r.schedule.applyBy;
    if (r.validity.type !== 'none' && r.validity.overridable) facts.validity = r.validity;
    return Object.keys(facts).length ? [{ code: r.code, confidence: r.confidence, ...facts }] : [];
  });
}

export const OVERRIDES_NEED_ADMIN = 'Only an administrator may change the catalogue overrides';

/**
 * An organization's own values for the catalogue facts that are not confirmed (a window, an apply-by, a
 * validity), for the API and the console alike. A change is validated against the catalogue, audited, and
 * moves every live cycle of the organization in the same transaction, the way an edited expiry does.
 */
@Injectable()
export class CatalogueOverridesService {
  constructor(
    private readonly db: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly audit: AuditService,
    private readonly observer: RegistryObserver,
  ) {}

  async get(ctx: AuthContext) {
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: ctx.organizationId });
    return {
      overrides: org.catalogueOverrides ?? {},
      overridable: overridableFacts(this.catalogue.forOrganization(org.catalogueOverrides)),
    };
  }

  /**
   * Replaces the overrides. They move every deadline of the organization, so a person needs the admin
   * role (an API key acts for the whole organization and passes); checked here, not only by the page, so
   * no route can forget it.
   */
  async replace(ctx: AuthContext, body: unknown): Promise<void> {
    if (ctx.actorType === 'user' && ctx.role !== 'admin') throw new ForbiddenException(OVERRIDES_NEED_ADMIN);
    try {
      applyOverrides(this.catalogue.catalogue, body);
    } catch (error) {
      if (!(error instanceof CatalogueError)) throw error;
      throw DomainError.invalid(
        error.problems.map((p) => ({
          field: [p.entry.replace(/^override ?/, ''), p.field].filter(Boolean).join('.'),
          rule: p.rule,
        })),
        'Invalid catalogue overrides',
      );
    }
    const overrides = body as Record<string, unknown>;
    await this.db.transaction(async (m) => {
      const org = await m.findOne(OrganizationEntity, {
        where: { id: ctx.organizationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!org) throw DomainError.notFound('Organization');
      await m.query(`UPDATE organizations SET catalogue_overrides = $2 WHERE id = $1`, [
        org.id,
        JSON.stringify(overrides),
      ]);
      await this.audit.record(m, ctx, {
        action: 'organization.catalogue_overrides_changed',
        entityType: 'organization',
        entityId: org.id,
        before: { overrides: org.catalogueOverrides },
        after: { overrides },
      });
      const ids = (
        await m.find(MiniProgramEntity, { where: { organizationId: org.id }, select: { id: true } })
      ).map((p) => p.id);
      if (ids.length) await this.observer.miniProgramsChanged(m, ctx, ids);
    });
  }
}
