import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { Clock } from '../../common/src/clock.js';
import { DomainError } from '../../common/src/domain.error.js';
import { type Locale, RequestLocale } from '../../common/src/locale.js';
import { complianceOf } from '../../domain/src/compliance/index.js';
import { localDateOf } from '../../domain/src/time/index.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { QualificationEntity } from '../../registry/src/qualification.entity.js';
import { CatalogueService } from './catalogue.service.js';

@ApiTags('mini-programs')
@ApiBearerAuth()
@Controller('api/v1/mini-programs')
export class ComplianceController {
  constructor(
    private readonly db: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly clock: Clock,
  ) {}

  @Get(':id/compliance')
  @ApiOperation({
    summary:
      'What the mini-program must hold and whether it does: valid, expiring (90 days), expired or missing',
    description:
      'A service category or feature that needs a qualification nobody registered shows as missing, before it is a deadline.',
  })
  async compliance(
    @Auth() auth: AuthContext,
    @Param('id', uuid) id: string,
    @RequestLocale() locale: Locale,
  ) {
    const mp = await this.db
      .getRepository(MiniProgramEntity)
      .findOneBy({ id, organizationId: auth.organizationId });
    if (!mp) throw DomainError.notFound('Mini-program');
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: auth.organizationId });
    const qualifications = await this.db
      .getRepository(QualificationEntity)
      .findBy({ organizationId: auth.organizationId, miniProgramId: id });
    const today = localDateOf(this.clock.now(), org.timeZone);
    const catalogue = this.catalogue.forOrganization(org.catalogueOverrides);
    const items = complianceOf(
      {
        serviceCategories: mp.serviceCategories,
        features: mp.features,
        certificationExpiresOn: mp.certificationExpiresOn,
        icpFilingNumber: mp.icpFilingNumber,
        hasVendor: mp.vendorId !== null,
      },
      qualifications.map((q) => ({ id: q.id, requirementCode: q.requirementCode, expiresOn: q.expiresOn })),
      catalogue,
      today,
    );
    const counts = { valid: 0, expiring: 0, expired: 0, missing: 0 };
    for (const item of items) counts[item.state]++;
    return {
      miniProgram: { id: mp.id, name: mp.name, appId: mp.appId },
      today,
      summary: counts,
      items: items.map((item) => ({
        ...item,
        requirementName:
          this.catalogue.localized(item.requirementCode, locale, catalogue)?.name ?? item.requirementCode,
      })),
    };
  }
}
