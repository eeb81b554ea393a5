export enum ErrorCode {
  NotFound = 'not_found',
  Conflict = 'conflict',
  Validation = 'validation_failed',
  Unauthorized = 'unauthorized',
}

export interface FieldProblem {
  /** Path of the offending field, e.g. `appId`, `qualifications[0].expiresOn`, `line 57, column app_id`. */
  field: string;
  rule: string;
}

/** A failure the caller can act on; mapped to HTTP in one place (HttpErrorFilter). */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: FieldProblem[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(entity: string): DomainError {
    return new DomainError(ErrorCode.NotFound, `${entity} not found`);
  }

  static invalid(problems: FieldProblem[], message = 'Validation failed'): DomainError {
    return new DomainError(ErrorCode.Validation, message, problems);
  }
}
