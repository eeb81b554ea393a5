import { z } from 'zod';
import { CatalogueError, CatalogueErrorCode, type CatalogueProblem } from './catalogue.error.js';
import { describeIssues } from './catalogue.loader.js';
import {
  catalogueSchema,
  codeSchema,
  OFFSET_UNITS,
  type Catalogue,
  type Requirement,
} from './catalogue.schema.js';

const offsetOverrideSchema = z.strictObject({ amount: z.int().min(0).max(3650), unit: z.enum(OFFSET_UNITS) });

export const requirementOverrideSchema = z.strictObject({
  windowOpensBefore: offsetOverrideSchema.optional(),
  applyBy: offsetOverrideSchema.optional(),
  validity: z.strictObject({ years: z.int().min(1).max(50) }).optional(),
});

export const catalogueOverridesSchema = z.record(codeSchema, requirementOverrideSchema);

export type RequirementOverride = z.infer<typeof requirementOverrideSchema>;
export type CatalogueOverrides = z.infer<typeof catalogueOverridesSchema>;

function fail(problems: CatalogueProblem[]): never {
  throw new CatalogueError(CatalogueErrorCode.InvalidOverride, problems);
}

function applyOne(
  requirement: Requirement,
  override: RequirementOverride,
  problems: CatalogueProblem[],
): void {
  const entry = `override ${requirement.code}`;
  const refuse = (field: string, rule: string) => problems.push({ entry, field, rule });
  const { schedule, validity } = requirement;

  if (override.windowOpensBefore) {
    if (schedule.type !== 'before_due')
      refuse('windowOpensBefore', 'this requirement has a fixed yearly window');
    else if (!schedule.windowOpensBefore.overridable)
      refuse('windowOpensBefore', 'is confirmed and cannot be overridden');
    else schedule.windowOpensBefore = { ...override.windowOpensBefore, overridable: true, overridden: true };
  }
  if (override.applyBy) {
    if (!schedule.applyBy.overridable) refuse('applyBy', 'is confirmed and cannot be overridden');
    else schedule.applyBy = { ...override.applyBy, overridable: true, overridden: true };
  }
  if (override.validity) {
    if (validity.type === 'none' || !validity.overridable)
      refuse('validity', 'is confirmed and cannot be overridden');
    else
      requirement.validity = {
        type: 'fixed',
        years: override.validity.years,
        overridable: true,
        overridden: true,
      };
  }
}

/**
 * Returns a copy of the catalogue with an organization's overrides applied. Only fields the catalogue marks
 * `overridable` (facts that are not confirmed) can change. Throws `CatalogueError` naming code and field.
 */
export function applyOverrides(catalogue: Catalogue, overrides: unknown): Catalogue {
  const parsed = catalogueOverridesSchema.safeParse(overrides);
  if (!parsed.success) {
    fail(
      parsed.error.issues.map((issue) => {
        const [code, ...rest] = issue.path;
        const field =
          rest.map(String).join('.') ||
          (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(entry)');
        return { entry: `override ${String(code ?? '')}`.trim(), field, rule: issue.message };
      }),
    );
  }

  const copy = structuredClone(catalogue);
  const problems: CatalogueProblem[] = [];
  for (const [code, override] of Object.entries(parsed.data)) {
    const requirement = copy.requirements.find((r) => r.code === code);
    if (!requirement)
      problems.push({ entry: `override ${code}`, field: '(entry)', rule: 'unknown requirement code' });
    else applyOne(requirement, override, problems);
  }
  if (problems.length > 0) fail(problems);

  const checked = catalogueSchema.safeParse(copy);
  if (!checked.success) {
    fail(
      describeIssues(copy, checked.error.issues, (path) => {
        const [section, index, ...rest] = path;
        if (section !== 'requirements' || typeof index !== 'number') return null;
        return { entry: `override ${copy.requirements[index].code}`, rest };
      }),
    );
  }
  return checked.data;
}
