import type { Locale } from '../../../../catalogue/src/index.js';
import type { DeadlineKind } from '../../deadlines/index.js';
import type { LocalDate } from '../../time/index.js';
import type { ReminderChecklist } from '../checklist.js';

/** Everything a reminder mail says, already localized and chosen by the caller. */
export interface ReminderMailInput {
  organizationName: string;
  /**
   * What the deadline belongs to: a mini-program (with its AppID), or, when appId is null, the vendor of a
   * vendor-contract deadline or the organization itself.
   */
  miniProgram: { name: string; appId: string | null };
  deadline: {
    /** Already localized, e.g. 微信认证年审. */
    title: string;
    requirementName: string;
    dueOn: LocalDate;
    actBy: LocalDate;
    /** Negative once overdue: -5 = five days past the due date. */
    daysLeft: number;
    kind: DeadlineKind;
  };
  stage: { code: string; isOverdue: boolean };
  /** What is lost next if nothing is done, localized; null when the catalogue says nothing. */
  consequence: string | null;
  vendorUnavailable: boolean;
  vendorName: string | null;
  checklist: ReminderChecklist | null;
  links: { acknowledge: string; snooze: string; deadline: string };
}

export type ChecklistSection = keyof ReminderChecklist;

/**
 * The words of one language. Every function returns plain text: the renderer escapes it for HTML and
 * strips it for headers, so a template can never produce markup or a header line by mistake.
 */
export interface ReminderTemplate {
  locale: Locale;
  subject(input: ReminderMailInput): string;
  greeting(organizationName: string): string;
  summary(input: ReminderMailInput): string;
  /** `passed`: the act-by date is already behind us. */
  actBy(actBy: LocalDate, passed: boolean): string;
  consequence(text: string, overdue: boolean): string;
  vendorUnavailable(vendorName: string | null, hasChecklist: boolean): string;
  /** Ends a label in the plain-text body: '：' or ':'. */
  labelEnd: string;
  checklistHeading: string;
  checklistSections: Record<ChecklistSection, string>;
  /** Heading of `vendorSteps` while the vendor cannot be reached. */
  vendorStepsWhileUnavailable: string;
  actionsHeading: string;
  links: { acknowledge: string; snooze: string; deadline: string };
  footer(stageCode: string): string;
}
