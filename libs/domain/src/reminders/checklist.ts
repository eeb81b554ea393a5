import {
  consequenceStage,
  localize,
  type Actor,
  type Locale,
  type Requirement,
} from '../../../catalogue/src/index.js';

/** The self-service checklist a reminder carries, already in the recipient's language. */
export interface ReminderChecklist {
  documents: string[];
  /** Steps the owner can take alone. */
  ownerSteps: string[];
  /** Steps that need whoever holds the mini-program's admin binding. */
  adminBindingSteps: string[];
  /** Steps that wait on someone else: a reviewing agency, an authority, WeChat itself. */
  thirdPartySteps: string[];
  vendorSteps: string[];
}

const GROUP_OF_ACTOR: Record<Actor, Exclude<keyof ReminderChecklist, 'documents'>> = {
  owner: 'ownerSteps',
  admin_binding: 'adminBindingSteps',
  third_party: 'thirdPartySteps',
  wechat: 'thirdPartySteps',
  vendor: 'vendorSteps',
};

/** Documents (with their note) and steps grouped by who can do them, in catalogue order. */
export function checklistFor(requirement: Requirement, locale: Locale): ReminderChecklist {
  const localized = localize(requirement, locale);
  const checklist: ReminderChecklist = {
    documents: localized.documents.map((d) =>
      d.note === null ? d.name : locale === 'zh-CN' ? `${d.name}（${d.note}）` : `${d.name} (${d.note})`,
    ),
    ownerSteps: [],
    adminBindingSteps: [],
    thirdPartySteps: [],
    vendorSteps: [],
  };
  for (const step of localized.steps) checklist[GROUP_OF_ACTOR[step.actor]].push(step.text);
  return checklist;
}

export interface ReminderConsequence {
  text: string;
  capability: string;
  daysAfterDue: number;
  /** True when every consequence has already happened and this is the last one, not a coming one. */
  alreadyLost: boolean;
}

/**
 * What is lost next for a cycle `daysOverdue` days past its due date (negative before it). A consequence
 * at `daysAfterDue` d is counted as coming until the end of day due + d, so on the due date the mail still
 * warns about the due-date consequence. Once all have happened, the last one is returned, marked lost.
 */
export function consequenceFor(
  requirement: Requirement,
  daysOverdue: number,
  locale: Locale,
): ReminderConsequence | null {
  if (!Number.isInteger(daysOverdue)) throw new RangeError(`daysOverdue must be whole, got ${daysOverdue}`);
  const { current, next } = consequenceStage(requirement, daysOverdue - 1);
  const chosen = next ?? current;
  if (!chosen) return null;
  return {
    text: chosen.text[locale],
    capability: chosen.capability,
    daysAfterDue: chosen.daysAfterDue,
    alreadyLost: next === null,
  };
}
