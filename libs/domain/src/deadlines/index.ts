export { DeadlineError, DeadlineErrorCode } from './deadline.error.js';
export type { CustomRecurrence, DeadlineCycle, DeadlineKind } from './deadline-cycle.js';
export {
  ANNUAL_REVIEW_CODE,
  CUSTOM_WINDOW_DAYS,
  deriveDeadlines,
  ICP_ANNUAL_REPORT_CODE,
  ICP_LICENCE_CODE,
  occurrenceOnOrAfter,
  VENDOR_CONTRACT_CODE,
  type CustomDeadlineInput,
  type DeadlineQualificationInput,
  type DeriveDeadlinesInput,
} from './derive-deadlines.js';
export { nextCycle, type NextCycleOptions } from './next-cycle.js';
export { urgencyOf, validateSnooze, type Urgency } from './urgency.js';
export {
  cycleEscalatesOn,
  decideCycle,
  expiryChangeKind,
  isLiveCycle,
  LIVE_CYCLE_STATES,
  type CycleAction,
  type CycleDecision,
  type CycleSnapshot,
  type CycleState,
  type StageEffect,
} from './cycle-state-machine.js';
export {
  CLASSIFIED_PROTECTION_CODE,
  inspectionPeriodYears,
  isCadenceChange,
  MEDICAL_INSPECTION_CODE,
  periodicDueDate,
} from './periodic-checks.js';
export {
  deadlineDisplayName,
  deriveOwnerDeadlines,
  ownerCreditCodeOf,
  ownerNameOf,
  ownersOf,
  ownerSubjectKey,
  planAnnualReportMerge,
  type AnnualReportDuplicate,
  type AnnualReportMergePlan,
  type OwnedMiniProgram,
  type Owner,
} from './owner-obligations.js';
