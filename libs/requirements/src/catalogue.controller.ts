import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { localize } from '../../catalogue/src/index.js';
import { type Locale, RequestLocale } from '../../common/src/locale.js';
import { DomainError } from '../../common/src/domain.error.js';
import { CatalogueService } from './catalogue.service.js';

@ApiTags('catalogue')
@ApiBearerAuth()
@Controller('api/v1/catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOperation({
    summary: "The requirements catalogue in the caller's language (?locale=zh-CN|en or Accept-Language)",
    description:
      'Every requirement with its documents, steps, consequences, source URL, check date and confidence; the service-category and feature maps.',
  })
  list(@RequestLocale() locale: Locale) {
    const c = this.catalogue.catalogue;
    return {
      locale,
      requirements: c.requirements.map((r) => localize(r, locale)),
      serviceCategories: c.serviceCategories.map((s) => ({
        path: s.path,
        requirementCodes: s.requirementCodes,
        note: s.note?.[locale] ?? null,
      })),
      features: c.features.map((f) => ({
        code: f.code,
        name: f.name[locale],
        requirementCodes: f.requirementCodes,
      })),
    };
  }

  @Get(':code')
  @ApiOperation({ summary: 'One requirement by its code' })
  get(@Param('code') code: string, @RequestLocale() locale: Locale) {
    const requirement = this.catalogue.localized(code, locale);
    if (!requirement) throw DomainError.notFound('Catalogue requirement');
    return requirement;
  }
}
