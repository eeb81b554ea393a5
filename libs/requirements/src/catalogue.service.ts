import { Injectable } from '@nestjs/common';
import {
  applyOverrides,
  type Catalogue,
  findRequirement,
  loadCatalogue,
  type Locale,
  localize,
  type LocalizedRequirement,
} from '../../catalogue/src/index.js';
import { RequirementLookup } from '../../registry/src/registry-ports.js';

/** The built-in catalogue, loaded and validated once at start-up (an invalid file stops the app). */
@Injectable()
export class CatalogueService extends RequirementLookup {
  readonly catalogue: Catalogue = loadCatalogue();
  private readonly codes = new Set(this.catalogue.requirements.map((r) => r.code));
  private readonly features = this.catalogue.features.map((f) => f.code);
  private readonly categoryPaths = this.catalogue.serviceCategories.map((c) => c.path);
  private readonly withOverrides = new Map<string, Catalogue>();

  isKnownRequirement(code: string): boolean {
    return this.codes.has(code);
  }

  isKnownFeature(feature: string): boolean {
    return this.features.includes(feature);
  }

  knownFeatures(): string[] {
    return [...this.features];
  }

  serviceCategoryPaths(): readonly string[] {
    return this.categoryPaths;
  }

  /** The catalogue as one organization sees it: its overrides of 'likely' facts applied (cached). */
  forOrganization(overrides: Record<string, unknown> | null | undefined): Catalogue {
    if (!overrides || Object.keys(overrides).length === 0) return this.catalogue;
    const key = JSON.stringify(overrides);
    let catalogue = this.withOverrides.get(key);
    if (!catalogue) {
      catalogue = applyOverrides(this.catalogue, overrides);
      if (this.withOverrides.size > 1000) this.withOverrides.clear();
      this.withOverrides.set(key, catalogue);
    }
    return catalogue;
  }

  localized(code: string | null, locale: Locale, catalogue = this.catalogue): LocalizedRequirement | null {
    const requirement = code ? findRequirement(catalogue, code) : undefined;
    return requirement ? localize(requirement, locale) : null;
  }
}
