import { z } from 'zod';
import { isValidLocalDate } from '../../domain/src/time/local-date.js';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const REQUIREMENT_KINDS = [
  'annual_review',
  'qualification',
  'annual_report',
  'filing',
  'certificate',
  'contract',
] as const;
export const ACTORS = ['owner', 'admin_binding', 'vendor', 'third_party', 'wechat'] as const;
export const CONFIDENCES = ['confirmed', 'likely', 'open'] as const;
export const OFFSET_UNITS = ['days', 'working_days', 'months'] as const;

/** Same rule as the registry's DTOs: lowercase snake_case, at most 64 characters. */
export const CODE_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

export const codeSchema = z
  .string()
  .max(64)
  .regex(CODE_PATTERN, 'must be lowercase snake_case such as icp_vas_licence');

const text = z.string().trim().min(1);

export const localizedSchema = z.strictObject({ 'zh-CN': text, en: text });

const localDateSchema = z.string().refine(isValidLocalDate, 'must be a real date written YYYY-MM-DD');

const monthDaySchema = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD')
  .refine((md) => isValidLocalDate(`2000-${md}`), 'must be a real month and day');

/**
 * A distance before a due date. `working_days` counts mainland China working days (holidays and
 * make-up days included); `months` clamps to month ends. `overridable: true` marks a value that is not
 * confirmed, so an organization may replace it with `applyOverrides`.
 */
export const offsetSchema = z.strictObject({
  amount: z.int().min(0).max(3650),
  unit: z.enum(OFFSET_UNITS),
  overridable: z.boolean().default(false),
  /** Set by `applyOverrides`, never in the data file. */
  overridden: z.boolean().optional(),
});

export const validitySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('fixed'),
    years: z.int().min(1).max(50),
    overridable: z.boolean().default(false),
    overridden: z.boolean().optional(),
  }),
  /** Set by whoever issues it (e.g. a provincial health commission); the holder's expiry date decides. */
  z.strictObject({ type: z.literal('issuer_defined'), overridable: z.boolean().default(true) }),
  /** Lapses with another requirement, e.g. an internet hospital with its institution's licence. */
  z.strictObject({ type: z.literal('tied_to'), code: codeSchema, overridable: z.boolean().default(true) }),
  /** Never expires (a filing stays until cancelled). */
  z.strictObject({ type: z.literal('none') }),
]);

export const scheduleSchema = z.discriminatedUnion('type', [
  /** Renewal or filing measured back from a due date (an expiry, a release date). */
  z.strictObject({ type: z.literal('before_due'), windowOpensBefore: offsetSchema, applyBy: offsetSchema }),
  /** A yearly window on fixed dates; the due date is the window's last day. */
  z.strictObject({
    type: z.literal('yearly_window'),
    opens: monthDaySchema,
    closes: monthDaySchema,
    applyBy: offsetSchema,
  }),
]);

export const documentSchema = z.strictObject({
  id: codeSchema,
  name: localizedSchema,
  note: localizedSchema.optional(),
});

export const stepSchema = z.strictObject({ id: codeSchema, actor: z.enum(ACTORS), text: localizedSchema });

export const consequenceSchema = z.strictObject({
  /** 0 = on the due date; 30 = a month after it. */
  daysAfterDue: z.int().min(0).max(3650),
  /** What is lost at this stage, as a stable id that reminders can tag. */
  capability: codeSchema,
  text: localizedSchema,
  confidence: z.enum(CONFIDENCES),
});

export const requirementSchema = z.strictObject({
  code: codeSchema,
  kind: z.enum(REQUIREMENT_KINDS),
  name: localizedSchema,
  neededFor: localizedSchema,
  /** `mapped`: needed when a service category or feature says so (see the maps), or via `impliedBy`. */
  appliesTo: z.enum(['all_mini_programs', 'mapped', 'with_vendor']),
  /** Needed whenever one of these requirements is needed (the annual report of a licence). */
  impliedBy: z.array(codeSchema).default([]),
  validity: validitySchema,
  schedule: scheduleSchema,
  documents: z.array(documentSchema).min(1),
  steps: z.array(stepSchema).min(1),
  consequences: z.array(consequenceSchema).min(1),
  notes: z.array(localizedSchema).default([]),
  /**
   * What the owner can still do once the last day to apply has passed and the renewal can no longer be
   * filed in time (a new application, a fallback); said in the reminder sent after the window closed.
   */
  afterWindowCloses: localizedSchema.optional(),
  /** The authority refuses an application after the apply-by date (ICP/EDI and medical-device licences). */
  lateApplicationRefused: z.boolean().default(false),
  /**
   * false: a yearly report, a contract, a probed certificate or a one-time migration, which the compliance
   * view does not list as a document the mini-program holds.
   */
  held: z.boolean().default(true),
  /**
   * A page that supports the entry's facts (never a portal home page), or null when no outside source can
   * exist (a vendor contract's term is the contract's own): then `sourceNote` says why, and the entry is 'open'.
   */
  sourceUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => new URL(url).pathname !== '/', 'must be a page that supports the fact, not a home page')
    .nullable(),
  sourceNote: localizedSchema.optional(),
  seeAlso: z.array(z.url({ protocol: /^https?$/ })).default([]),
  checkedOn: localDateSchema,
  confidence: z.enum(CONFIDENCES),
});

/** 'X > Y' with single spaces around '>' and no empty segment. */
export const CATEGORY_PATH_PATTERN = /^[^>\s](?:[^>]*[^>\s])?(?: > [^>\s](?:[^>]*[^>\s])?)*$/;

export const serviceCategorySchema = z.strictObject({
  path: z.string().regex(CATEGORY_PATH_PATTERN, "must be WeChat category segments joined by ' > '"),
  requirementCodes: z.array(codeSchema).min(1),
  note: localizedSchema.optional(),
});

export const featureSchema = z.strictObject({
  code: codeSchema,
  name: localizedSchema,
  requirementCodes: z.array(codeSchema).min(1),
});

function approximateDays(offset: z.infer<typeof offsetSchema>): number {
  switch (offset.unit) {
    case 'days':
      return offset.amount;
    case 'working_days':
      return Math.ceil((offset.amount * 7) / 5);
    case 'months':
      return offset.amount * 30;
  }
}

function duplicates(values: string[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return repeated;
}

export const catalogueSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    requirements: z.array(requirementSchema).min(1),
    serviceCategories: z.array(serviceCategorySchema),
    features: z.array(featureSchema),
  })
  .superRefine((catalogue, ctx) => {
    const codes = new Set(catalogue.requirements.map((r) => r.code));
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const checkKnown = (code: string, path: PropertyKey[]) => {
      if (!codes.has(code)) issue(path, `refers to unknown requirement code '${code}'`);
    };

    const repeatedCodes = duplicates(catalogue.requirements.map((r) => r.code));
    const reachable = new Set<string>();
    catalogue.requirements.forEach((r, i) => {
      if (repeatedCodes.has(r.code))
        issue(['requirements', i, 'code'], `duplicate requirement code '${r.code}'`);
      r.impliedBy.forEach((code, j) => {
        checkKnown(code, ['requirements', i, 'impliedBy', j]);
        reachable.add(r.code);
      });
      if (r.sourceUrl === null && !r.sourceNote)
        issue(
          ['requirements', i, 'sourceNote'],
          'is required when sourceUrl is null: say why no source exists',
        );
      if (r.sourceUrl === null && r.confidence !== 'open')
        issue(['requirements', i, 'confidence'], "must be 'open' when no source supports the entry");
      if (r.validity.type === 'tied_to') checkKnown(r.validity.code, ['requirements', i, 'validity', 'code']);
      if (r.schedule.type === 'before_due') {
        if (approximateDays(r.schedule.windowOpensBefore) < approximateDays(r.schedule.applyBy)) {
          issue(
            ['requirements', i, 'schedule', 'windowOpensBefore'],
            'must open no later than the apply-by date',
          );
        }
      } else if (r.schedule.closes < r.schedule.opens) {
        issue(
          ['requirements', i, 'schedule', 'closes'],
          'must not be before opens (windows do not span New Year)',
        );
      }
      for (const [kind, items] of [
        ['documents', r.documents],
        ['steps', r.steps],
      ] as const) {
        const repeated = duplicates(items.map((item) => item.id));
        items.forEach((item, j) => {
          if (repeated.has(item.id)) issue(['requirements', i, kind, j, 'id'], `duplicate id '${item.id}'`);
        });
      }
    });

    const repeatedPaths = duplicates(catalogue.serviceCategories.map((c) => c.path));
    catalogue.serviceCategories.forEach((category, i) => {
      if (repeatedPaths.has(category.path))
        issue(['serviceCategories', i, 'path'], 'duplicate category path');
      category.requirementCodes.forEach((code, j) => {
        checkKnown(code, ['serviceCategories', i, 'requirementCodes', j]);
        reachable.add(code);
      });
    });

    const repeatedFeatures = duplicates(catalogue.features.map((f) => f.code));
    catalogue.features.forEach((feature, i) => {
      if (repeatedFeatures.has(feature.code))
        issue(['features', i, 'code'], `duplicate feature '${feature.code}'`);
      feature.requirementCodes.forEach((code, j) => {
        checkKnown(code, ['features', i, 'requirementCodes', j]);
        reachable.add(code);
      });
    });

    catalogue.requirements.forEach((r, i) => {
      if (r.appliesTo === 'mapped' && !reachable.has(r.code)) {
        issue(
          ['requirements', i, 'appliesTo'],
          "is 'mapped' but no category, feature or impliedBy leads to it",
        );
      }
    });
  });

export type Offset = z.infer<typeof offsetSchema>;
export type OffsetUnit = (typeof OFFSET_UNITS)[number];
export type Validity = z.infer<typeof validitySchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];
export type Actor = (typeof ACTORS)[number];
export type Confidence = (typeof CONFIDENCES)[number];
export type Localized = z.infer<typeof localizedSchema>;
export type RequirementDocument = z.infer<typeof documentSchema>;
export type RequirementStep = z.infer<typeof stepSchema>;
export type Consequence = z.infer<typeof consequenceSchema>;
export type Requirement = z.infer<typeof requirementSchema>;
export type ServiceCategoryEntry = z.infer<typeof serviceCategorySchema>;
export type FeatureEntry = z.infer<typeof featureSchema>;
export type Catalogue = z.infer<typeof catalogueSchema>;
