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
    /**
     * The renewal must be filed by `actBy`, before the due date (ICP/EDI licence: 90 days before expiry),
     * and a late application is not accepted: the mail then leads with the apply-by date.
     */
    applicationWindow?: boolean;
    /** The authority refuses a later application: after `actBy` the window is closed, not just late. */
    lateApplicationRefused?: boolean;
    /** Working days from today through `actBy`, both counted when they are working days; null when passed. */
    workingDaysToActBy?: number | null;
  };
  /** What the owner can still do once the application window has closed (the catalogue's fallback). */
  afterWindowCloses?: string | null;
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
  /** A requirement with an application window, before it closes: both dates, and the working days left. */
  applyBy(actBy: LocalDate, workingDaysLeft: number, dueOn: LocalDate, lateRefused: boolean): string;
  /**
   * After `actBy`, before the due date. `lateRefused`: the window has closed (then `stillPossible` says
   * what can be done); otherwise the last safe date has passed and there is still time to file.
   */
  windowClosed(actBy: LocalDate, dueOn: LocalDate, lateRefused: boolean): string;
  stillPossible(fallback: string | null): string;
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
