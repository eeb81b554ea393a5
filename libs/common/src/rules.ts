import { isValidLocalDate, isValidTimeZone } from '../../domain/src/time/index.js';

/** Adapters from boolean domain checks to rule messages, in the shape `Satisfies` expects. */
export function validateLocalDate(value: string): string | null {
  return isValidLocalDate(value) ? null : 'must be a real calendar date written YYYY-MM-DD';
}

export function validateTimeZoneName(value: string): string | null {
  return isValidTimeZone(value) ? null : 'must be an IANA time zone such as Asia/Shanghai';
}
