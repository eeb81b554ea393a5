import { localDateFromParts, localDateParts, type LocalDate } from './local-date.js';

export class InvalidTimeZoneError extends RangeError {
  constructor(readonly value: unknown) {
    super(`Not an IANA time zone name: ${JSON.stringify(value)}`);
    this.name = 'InvalidTimeZoneError';
  }
}

export interface LocalDateTime {
  date: LocalDate;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    if (!isValidTimeZone(timeZone)) throw new InvalidTimeZoneError(timeZone);
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * True for a zone name the runtime's Intl knows (e.g. 'Asia/Shanghai', 'UTC', case-insensitively).
 * Fixed offsets such as '+08:00' are rejected on purpose even where a newer Intl accepts them: an
 * organization names the region it lives in, so daylight-saving rules follow it, and the answer does not
 * change with the Node version.
 */
export function isValidTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.trim() === '' || value !== value.trim()) return false;
  if (/^[+-]/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The runtime's canonical spelling ('asia/shanghai' -> 'Asia/Shanghai'), or null when not valid. */
export function canonicalTimeZone(value: unknown): string | null {
  if (!isValidTimeZone(value)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
}

function requireInstant(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
  return ms;
}

function wallClockAt(ms: number, timeZone: string): LocalDateTime {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    date: localDateFromParts(fields.year, fields.month, fields.day),
    // Some ICU builds still print midnight as 24 despite h23.
    hour: fields.hour === 24 ? 0 : fields.hour,
    minute: fields.minute,
    second: fields.second,
  };
}

/** The wall-clock date and time at `instant` in `timeZone`. */
export function localDateTimeOf(instant: Date, timeZone: string): LocalDateTime {
  return wallClockAt(requireInstant(instant), timeZone);
}

/** The calendar date at `instant` in `timeZone`: 2026-03-31T16:30:00Z is 2026-04-01 in Asia/Shanghai. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  return localDateTimeOf(instant, timeZone).date;
}

/** The wall-clock hour (0-23) at `instant` in `timeZone`. */
export function localHourOf(instant: Date, timeZone: string): number {
  return localDateTimeOf(instant, timeZone).hour;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function wallMs(date: LocalDate): number {
  const { year, month, day } = localDateParts(date);
  return Date.UTC(year, month - 1, day);
}

function offsetAt(ms: number, timeZone: string): number {
  const local = wallClockAt(ms, timeZone);
  const asUtc = wallMs(local.date) + local.hour * HOUR + local.minute * 60_000 + local.second * 1000;
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant local `date` begins in `timeZone` (its 00:00). Where a daylight-saving jump skips midnight,
 * the day begins at the jump, and that instant is returned.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const wall = wallMs(date);
  formatterFor(timeZone);
  const candidates = [wall - DAY, wall, wall + DAY].map((probe) => wall - offsetAt(probe, timeZone));
  const midnights = candidates.filter((c) => {
    const local = wallClockAt(c, timeZone);
    return local.date === date && local.hour === 0 && local.minute === 0 && local.second === 0;
  });
  if (midnights.length > 0) return new Date(Math.min(...midnights));

  // Midnight does not exist on this day: find the first second whose local date is `date`.
  let before = wall - 15 * HOUR;
  let after = wall + 13 * HOUR;
  while (after - before > 1000) {
    const mid = before + Math.floor((after - before) / 2000) * 1000;
    if (wallClockAt(mid, timeZone).date >= date) after = mid;
    else before = mid;
  }
  return new Date(after);
}
