import type { z } from 'zod';
import bundled from '../data/requirements.json' with { type: 'json' };
import { CatalogueError, CatalogueErrorCode, type CatalogueProblem } from './catalogue.error.js';
import { catalogueSchema, type Catalogue, type Requirement } from './catalogue.schema.js';

const SECTIONS: Record<string, { label: string; key: string }> = {
  requirements: { label: 'requirement', key: 'code' },
  serviceCategories: { label: 'category', key: 'path' },
  features: { label: 'feature', key: 'code' },
};

function formatField(path: readonly PropertyKey[]): string {
  let field = '';
  for (const segment of path) {
    if (typeof segment === 'number') field += `[${segment}]`;
    else field += field === '' ? String(segment) : `.${String(segment)}`;
  }
  return field === '' ? '(entry)' : field;
}

/** Turns zod issues into problems that name the entry by its code (or path) rather than by its index. */
export function describeIssues(
  raw: unknown,
  issues: readonly z.core.$ZodIssue[],
  entryOverride?: (path: readonly PropertyKey[]) => { entry: string; rest: readonly PropertyKey[] } | null,
): CatalogueProblem[] {
  return issues.map((issue) => {
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys.join(', ')] : issue.path;
    const custom = entryOverride?.(path);
    if (custom) return { entry: custom.entry, field: formatField(custom.rest), rule: issue.message };
    const [section, index, ...rest] = path;
    const known = typeof section === 'string' ? SECTIONS[section] : undefined;
    if (known && typeof index === 'number') {
      const list = (raw as Record<string, unknown>)[section as string];
      const item = Array.isArray(list) ? (list[index] as Record<string, unknown> | undefined) : undefined;
      const name = item && typeof item[known.key] === 'string' ? (item[known.key] as string) : `#${index}`;
      return { entry: `${known.label} ${name}`, field: formatField(rest), rule: issue.message };
    }
    return { entry: 'catalogue', field: formatField(path), rule: issue.message };
  });
}

/**
 * Validates a catalogue (by default the bundled `data/requirements.json`) and returns it typed.
 * Throws `CatalogueError` naming the entry and the field of every problem.
 */
export function loadCatalogue(raw: unknown = bundled): Catalogue {
  const result = catalogueSchema.safeParse(raw);
  if (!result.success) {
    throw new CatalogueError(CatalogueErrorCode.InvalidCatalogue, describeIssues(raw, result.error.issues));
  }
  return result.data;
}

export function findRequirement(catalogue: Catalogue, code: string): Requirement | undefined {
  return catalogue.requirements.find((r) => r.code === code);
}

export function getRequirement(catalogue: Catalogue, code: string): Requirement {
  const requirement = findRequirement(catalogue, code);
  if (!requirement) throw new RangeError(`Unknown catalogue requirement '${code}'`);
  return requirement;
}
