export enum DeadlineErrorCode {
  UnknownRequirement = 'unknown_requirement',
  NewExpiryRequired = 'new_expiry_required',
  NewExpiryNotAfterDue = 'new_expiry_not_after_due',
}

/** A deadline cannot be derived or advanced from what was given; `field` names the offending input. */
export class DeadlineError extends Error {
  constructor(
    readonly code: DeadlineErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'DeadlineError';
  }
}
