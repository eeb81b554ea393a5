import { Injectable } from '@nestjs/common';
import { type Catalogue, loadCatalogue } from '../../catalogue/src/index.js';
import { RequirementLookup } from '../../registry/src/registry-ports.js';

/** The built-in catalogue, loaded and validated once at start-up (an invalid file stops the app). */
@Injectable()
export class CatalogueService extends RequirementLookup {
  readonly catalogue: Catalogue = loadCatalogue();
  private readonly codes = new Set(this.catalogue.requirements.map((r) => r.code));

  isKnownRequirement(code: string): boolean {
    return this.codes.has(code);
  }

  isKnownFeature(feature: string): boolean {
    return this.knownFeatures().includes(feature);
  }

  knownFeatures(): string[] {
    return Object.keys(this.catalogue.features);
  }
}
