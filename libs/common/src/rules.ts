import { isValidLocalDate, isValidTimeZone } from '../../domain/src/time/index.js';

/** Adapters from boolean domain checks to rule messages, in the shape `Satisfies` expects. */
/**
 * The dates mp-guard accepts. Nothing it tracks falls outside them, and the date arithmetic done with a
 * date taken in (a window a year before an expiry, stages weeks after it) must stay within four-digit
 * years: a certification expiring on 0001-01-02 made the import fail with "Not a calendar date: 0000-12-31"
 * (a 500).
 */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2999-12-31';

export function validateLocalDate(value: string): string | null {
  if (!isValidLocalDate(value)) return 'must be a real calendar date written YYYY-MM-DD';
  if (value < EARLIEST_DATE || value > LATEST_DATE) {
    return `must be a date from ${EARLIEST_DATE} to ${LATEST_DATE}`;
  }
  return null;
}

export function validateTimeZoneName(value: string): string | null {
  return isValidTimeZone(value) ? null : 'must be an IANA time zone such as Asia/Shanghai';
}
