import { Injectable } from '@nestjs/common';
import { loadCatalogue } from '../../catalogue/src/catalogue.loader.js';
import type { Catalogue } from '../../catalogue/src/catalogue.schema.js';
import { RequirementLookup } from '../../registry/src/registry-ports.js';

/** The built-in catalogue, loaded and validated once at start-up (an invalid file stops the app). */
@Injectable()
export class CatalogueService extends RequirementLookup {
  readonly catalogue: Catalogue = loadCatalogue();
  private readonly codes = new Set(this.catalogue.requirements.map((r) => r.code));

  isKnownRequirement(code: string): boolean {
    return this.codes.has(code);
  }

  private readonly features = this.catalogue.features.map((f) => f.code);

  isKnownFeature(feature: string): boolean {
    return this.features.includes(feature);
  }

  knownFeatures(): string[] {
    return [...this.features];
  }
}
