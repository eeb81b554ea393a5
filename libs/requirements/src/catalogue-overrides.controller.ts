import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { applyOverrides, CatalogueError, type Catalogue } from '../../catalogue/src/index.js';
import { DomainError } from '../../common/src/domain.error.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { RegistryObserver } from '../../registry/src/registry-ports.js';
import { CatalogueService } from './catalogue.service.js';

/** The facts of each requirement an organization may replace: those the catalogue marks overridable. */
function overridableFacts(catalogue: Catalogue) {
  return catalogue.requirements.flatMap((r) => {
    const facts: Record<string, unknown> = {};
    if (r.schedule.type === 'before_due' && r.schedule.windowOpensBefore.overridable)
      facts.windowOpensBefore = r.schedule.windowOpensBefore;
    if (r.schedule.applyBy.overridable) facts.applyBy = r.schedule.applyBy;
    if (r.validity.type !== 'none' && r.validity.overridable) facts.validity = r.validity;
    return Object.keys(facts).length ? [{ code: r.code, confidence: r.confidence, ...facts }] : [];
  });
}

/**
 * An organization's own values for the catalogue facts that are not confirmed (a window, an apply-by, a
 * validity). A change is validated against the catalogue, audited, and moves every live cycle of the
 * organization in the same transaction, the way an edited expiry does.
 */
@ApiTags('catalogue')
@ApiBearerAuth()
@Controller('api/v1/organization/catalogue-overrides')
export class CatalogueOverridesController {
  constructor(
    private readonly db: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly audit: AuditService,
    private readonly observer: RegistryObserver,
  ) {}

  @Get()
  @ApiOperation({
    summary: "The organization's overrides and every fact it may override, with its value now",
  })
  async get(@Auth() auth: AuthContext) {
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: auth.organizationId });
    return {
      overrides: org.catalogueOverrides ?? {},
      overridable: overridableFacts(this.catalogue.forOrganization(org.catalogueOverrides)),
    };
  }

  @Put()
  @ApiOperation({
    summary: 'Replace the overrides: { "<code>": { "applyBy": { "amount": 20, "unit": "working_days" } } }',
    description:
      'Only overridable facts (windowOpensBefore, applyBy, validity.years) of known requirements; a refusal names the code and the field. Live deadline cycles move at once.',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: { type: 'object' } } })
  async put(@Auth() auth: AuthContext, @Body() body: unknown) {
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
      const org = await m.findOneByOrFail(OrganizationEntity, { id: auth.organizationId });
      await m.query(`UPDATE organizations SET catalogue_overrides = $2 WHERE id = $1`, [
        org.id,
        JSON.stringify(overrides),
      ]);
      await this.audit.record(m, auth, {
        action: 'organization.catalogue_overrides_changed',
        entityType: 'organization',
        entityId: org.id,
        before: { overrides: org.catalogueOverrides },
        after: { overrides },
      });
      const ids = (
        await m.find(MiniProgramEntity, { where: { organizationId: org.id }, select: { id: true } })
      ).map((p) => p.id);
      if (ids.length) await this.observer.miniProgramsChanged(m, auth, ids);
    });
    return this.get(auth);
  }
}
