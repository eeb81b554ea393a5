import type { Catalogue, FeatureEntry } from './catalogue.schema.js';

export type RequirementReason =
  | { type: 'all_mini_programs' }
  | { type: 'vendor' }
  /** `category` is the registered category, `matchedKey` the map entry it matched ('医疗' for '医疗 > 药品信息'). */
  | { type: 'service_category'; category: string; matchedKey: string }
  | { type: 'feature'; feature: string }
  | { type: 'implied_by'; code: string };

export interface RequiredRequirement {
  code: string;
  reasons: RequirementReason[];
}

export interface RequirementsInput {
  serviceCategories: readonly string[];
  features: readonly string[];
  /** Whether an outside vendor builds or runs the mini-program (brings `vendor_contract`). */
  hasVendor?: boolean;
}

/** '医疗>药品信息', ' 医疗 ＞ 药品信息 ' and '医疗 > 药品信息' all become '医疗 > 药品信息'. */
export function normalizeCategoryPath(path: string): string {
  return path
    .split(/[>＞]/)
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '')
    .join(' > ');
}

/** The path itself and every shorter prefix: 'A > B > C' -> ['A > B > C', 'A > B', 'A']. */
function categoryKeys(path: string): string[] {
  const segments = normalizeCategoryPath(path).split(' > ');
  return segments.map((_, i) => segments.slice(0, segments.length - i).join(' > ')).filter((k) => k !== '');
}

export function knownFeatures(catalogue: Catalogue): FeatureEntry[] {
  return catalogue.features;
}

export function isKnownFeature(catalogue: Catalogue, feature: string): boolean {
  return catalogue.features.some((f) => f.code === feature);
}

/**
 * Which catalogue requirements a mini-program needs and why, in catalogue order. A registered category
 * 'X > Y' matches map keys 'X > Y' and 'X'. Unknown features are ignored here: the registry rejects them
 * on input (see `isKnownFeature`), and a feature later dropped from the catalogue must not break old records.
 */
export function requirementsFor(input: RequirementsInput, catalogue: Catalogue): RequiredRequirement[] {
  const reasons = new Map<string, RequirementReason[]>();
  const add = (code: string, reason: RequirementReason) => {
    const list = reasons.get(code) ?? [];
    list.push(reason);
    reasons.set(code, list);
  };

  for (const requirement of catalogue.requirements) {
    if (requirement.appliesTo === 'all_mini_programs') add(requirement.code, { type: 'all_mini_programs' });
    if (requirement.appliesTo === 'with_vendor' && input.hasVendor) add(requirement.code, { type: 'vendor' });
  }
  const categoryMap = new Map(catalogue.serviceCategories.map((c) => [c.path, c.requirementCodes]));
  for (const category of input.serviceCategories) {
    for (const key of categoryKeys(category)) {
      for (const code of categoryMap.get(key) ?? []) {
        add(code, { type: 'service_category', category: normalizeCategoryPath(category), matchedKey: key });
      }
    }
  }
  for (const feature of input.features) {
    for (const code of catalogue.features.find((f) => f.code === feature)?.requirementCodes ?? []) {
      add(code, { type: 'feature', feature });
    }
  }
  // One level is enough today (annual report <- licence); loop until stable in case chains appear.
  let changed = true;
  while (changed) {
    changed = false;
    for (const requirement of catalogue.requirements) {
      for (const implier of requirement.impliedBy) {
        const existing = reasons.get(requirement.code) ?? [];
        if (reasons.has(implier) && !existing.some((r) => r.type === 'implied_by' && r.code === implier)) {
          add(requirement.code, { type: 'implied_by', code: implier });
          changed = true;
        }
      }
    }
  }

  return catalogue.requirements
    .filter((r) => reasons.has(r.code))
    .map((r) => ({ code: r.code, reasons: reasons.get(r.code) ?? [] }));
}
