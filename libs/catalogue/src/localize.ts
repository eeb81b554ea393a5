import type {
  Actor,
  Catalogue,
  Confidence,
  Consequence,
  Locale,
  Requirement,
  RequirementKind,
  Schedule,
  Validity,
} from './catalogue.schema.js';

export interface LocalizedRequirement {
  code: string;
  kind: RequirementKind;
  name: string;
  neededFor: string;
  validity: Validity;
  schedule: Schedule;
  documents: { id: string; name: string; note: string | null }[];
  steps: { id: string; actor: Actor; text: string }[];
  consequences: { daysAfterDue: number; capability: string; text: string; confidence: Confidence }[];
  notes: string[];
  afterWindowCloses: string | null;
  lateApplicationRefused: boolean;
  /** null when no outside source exists; `sourceNote` then says why. */
  sourceUrl: string | null;
  sourceNote: string | null;
  seeAlso: string[];
  checkedOn: string;
  confidence: Confidence;
}

/** A flat, single-language view for mails, exports and the API. */
export function localize(requirement: Requirement, locale: Locale): LocalizedRequirement {
  return {
    code: requirement.code,
    kind: requirement.kind,
    name: requirement.name[locale],
    neededFor: requirement.neededFor[locale],
    validity: requirement.validity,
    schedule: requirement.schedule,
    documents: requirement.documents.map((d) => ({
      id: d.id,
      name: d.name[locale],
      note: d.note?.[locale] ?? null,
    })),
    steps: requirement.steps.map((s) => ({ id: s.id, actor: s.actor, text: s.text[locale] })),
    consequences: requirement.consequences.map((c) => ({
      daysAfterDue: c.daysAfterDue,
      capability: c.capability,
      text: c.text[locale],
      confidence: c.confidence,
    })),
    notes: requirement.notes.map((n) => n[locale]),
    afterWindowCloses: requirement.afterWindowCloses?.[locale] ?? null,
    lateApplicationRefused: requirement.lateApplicationRefused,
    sourceUrl: requirement.sourceUrl,
    sourceNote: requirement.sourceNote?.[locale] ?? null,
    seeAlso: requirement.seeAlso,
    checkedOn: requirement.checkedOn,
    confidence: requirement.confidence,
  };
}

export function localizeCatalogue(catalogue: Catalogue, locale: Locale): LocalizedRequirement[] {
  return catalogue.requirements.map((r) => localize(r, locale));
}

export interface ConsequenceStage {
  /** The latest stage already reached (null before the due date). */
  current: Consequence | null;
  /** The next capability to be lost, so an overdue reminder can say what goes next. */
  next: Consequence | null;
}

/** `daysPastDue` < 0 means the due date is still ahead. */
export function consequenceStage(requirement: Requirement, daysPastDue: number): ConsequenceStage {
  const stages = [...requirement.consequences].sort((a, b) => a.daysAfterDue - b.daysAfterDue);
  const reached = stages.filter((c) => c.daysAfterDue <= daysPastDue);
  return { current: reached.at(-1) ?? null, next: stages.find((c) => c.daysAfterDue > daysPastDue) ?? null };
}
