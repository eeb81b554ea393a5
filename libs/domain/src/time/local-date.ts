/**
 * A calendar date with no time and no zone, written 'YYYY-MM-DD' (ISO 8601 extended, years 0001-9999).
 *
 * A plain string alias rather than a brand: dates arrive as strings from DTOs, date columns and the
 * catalogue, and are checked at those edges with `isValidLocalDate`. Every function here re-checks its
 * input and throws `InvalidLocalDateError` on a malformed date instead of returning a wrong answer.
 *
 * Arithmetic is done on day numbers, never on `Date`, so the process time zone cannot shift a result.
 */
export type LocalDate = string;

export interface LocalDateParts {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
}

export class InvalidLocalDateError extends RangeError {
  constructor(readonly value: unknown) {
    super(`Not a calendar date written YYYY-MM-DD: ${JSON.stringify(value)}`);
    this.name = 'InvalidLocalDateError';
  }
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function partsOrNull(value: unknown): LocalDateParts | null {
  if (typeof value !== 'string') return null;
  const match = PATTERN.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/** True only for a real date written exactly 'YYYY-MM-DD': rejects 2026-02-30, 2026-2-3 and trailing text. */
export function isValidLocalDate(value: unknown): value is LocalDate {
  return partsOrNull(value) !== null;
}

/** Returns the value as a `LocalDate`, or throws `InvalidLocalDateError`. */
export function parseLocalDate(value: unknown): LocalDate {
  if (!isValidLocalDate(value)) throw new InvalidLocalDateError(value);
  return value;
}

export function localDateParts(date: LocalDate): LocalDateParts {
  const parts = partsOrNull(date);
  if (!parts) throw new InvalidLocalDateError(date);
  return parts;
}

export function localDateFromParts(year: number, month: number, day: number): LocalDate {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return parseLocalDate(text);
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
function toDayNumber({ year, month, day }: LocalDateParts): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDayNumber(dayNumber: number): LocalDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return localDateFromParts(year, month, day);
}

function requireInteger(n: number, what: string): void {
  if (!Number.isInteger(n)) throw new RangeError(`${what} must be an integer, got ${n}`);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  requireInteger(days, 'days');
  return fromDayNumber(toDayNumber(localDateParts(date)) + days);
}

/** Calendar months; a day that does not exist in the target month clamps to its last day (31 Jan + 1 = 28/29 Feb). */
export function addMonths(date: LocalDate, months: number): LocalDate {
  requireInteger(months, 'months');
  const { year, month, day } = localDateParts(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return localDateFromParts(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}

/** Calendar years; 29 Feb in a non-leap target year becomes 28 Feb. */
export function addYears(date: LocalDate, years: number): LocalDate {
  requireInteger(years, 'years');
  return addMonths(date, years * 12);
}

/** Whole days from `from` to `to`: positive when `to` is later, e.g. daysBetween('2026-01-01', '2026-01-31') = 30. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toDayNumber(localDateParts(to)) - toDayNumber(localDateParts(from));
}

export function compareLocalDates(a: LocalDate, b: LocalDate): -1 | 0 | 1 {
  const diff = daysBetween(b, a);
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

export function minLocalDate(a: LocalDate, b: LocalDate): LocalDate {
  return compareLocalDates(a, b) <= 0 ? a : b;
}

export function maxLocalDate(a: LocalDate, b: LocalDate): LocalDate {
  return compareLocalDates(a, b) >= 0 ? a : b;
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  // 1970-01-01 was a Thursday (ISO 4).
  const n = toDayNumber(localDateParts(date));
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

export function isWeekend(date: LocalDate): boolean {
  return isoWeekday(date) >= 6;
}
