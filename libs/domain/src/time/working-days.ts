// The package's functions build their tables with local-time getters, so in a process whose zone is
// west of UTC every date shifts by one; its bundled JSON is keyed by plain date strings and has no such bug.
import officialCalendar from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { addDays, isWeekend, localDateParts, type LocalDate } from './local-date.js';

/**
 * Where a working-day answer came from: the State Council's published holiday schedule for that year
 * (via the `chinese-days` data), or, for a year the data does not cover, Monday to Friday only.
 */
export type CalendarBasis = 'official-calendar' | 'weekends-only';

export type DayKind = 'weekday' | 'weekend' | 'public_holiday' | 'makeup_workday';

export interface HolidayName {
  en: string;
  'zh-CN': string;
}

export interface WorkingDayInfo {
  working: boolean;
  basis: CalendarBasis;
  /** `makeup_workday` is a Saturday or Sunday worked in exchange for a holiday (调休). */
  dayKind: DayKind;
  holiday: HolidayName | null;
}

export interface WorkingDayResult {
  date: LocalDate;
  /** `weekends-only` when any year consulted on the way had no official data. */
  basis: CalendarBasis;
}

interface OfficialCalendarData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const calendar: OfficialCalendarData = officialCalendar;
const coveredYears = new Set(Object.keys(calendar.holidays).map((date) => Number(date.slice(0, 4))));

/** Years for which the bundled official schedule exists, ascending. */
export function officialCalendarYears(): number[] {
  return [...coveredYears].sort((a, b) => a - b);
}

export function officialCalendarCovers(year: number): boolean {
  return coveredYears.has(year);
}

export function weakerBasis(...bases: CalendarBasis[]): CalendarBasis {
  return bases.includes('weekends-only') ? 'weekends-only' : 'official-calendar';
}

function holidayName(entry: string): HolidayName {
  // Entries read "National Day,国庆节,3".
  const [en, zh] = entry.split(',');
  return { en, 'zh-CN': zh };
}

/** Whether `date` is a working day in mainland China, and on what basis that was decided. */
export function isWorkingDay(date: LocalDate): WorkingDayInfo {
  const weekend = isWeekend(date);
  if (!officialCalendarCovers(localDateParts(date).year)) {
    return {
      working: !weekend,
      basis: 'weekends-only',
      dayKind: weekend ? 'weekend' : 'weekday',
      holiday: null,
    };
  }
  const makeup = calendar.workdays[date];
  if (makeup !== undefined) {
    return {
      working: true,
      basis: 'official-calendar',
      dayKind: 'makeup_workday',
      holiday: holidayName(makeup),
    };
  }
  const holiday = calendar.holidays[date];
  if (holiday !== undefined) {
    return {
      working: false,
      basis: 'official-calendar',
      dayKind: 'public_holiday',
      holiday: holidayName(holiday),
    };
  }
  return {
    working: !weekend,
    basis: 'official-calendar',
    dayKind: weekend ? 'weekend' : 'weekday',
    holiday: null,
  };
}

function step(date: LocalDate, direction: 1 | -1, count: number, includeStart: boolean): WorkingDayResult {
  let current = date;
  let basis = isWorkingDay(current).basis;
  if (includeStart) {
    let info = isWorkingDay(current);
    while (!info.working) {
      current = addDays(current, direction);
      info = isWorkingDay(current);
      basis = weakerBasis(basis, info.basis);
    }
    return { date: current, basis };
  }
  let remaining = count;
  while (remaining > 0) {
    current = addDays(current, direction);
    const info = isWorkingDay(current);
    basis = weakerBasis(basis, info.basis);
    if (info.working) remaining -= 1;
  }
  return { date: current, basis };
}

function requireCount(n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`working-day count must be a whole number >= 0, got ${n}`);
}

/** `date` itself when it is a working day, else the closest working day before it. */
export function lastWorkingDayOnOrBefore(date: LocalDate): WorkingDayResult {
  return step(date, -1, 0, true);
}

/** `date` itself when it is a working day, else the closest working day after it. */
export function firstWorkingDayOnOrAfter(date: LocalDate): WorkingDayResult {
  return step(date, 1, 0, true);
}

/**
 * The n-th working day before `date`, not counting `date` itself: "apply 30 working days before expiry".
 * n = 0 returns `date` unchanged.
 */
export function subtractWorkingDays(date: LocalDate, n: number): WorkingDayResult {
  requireCount(n);
  return step(date, -1, n, false);
}

/** The n-th working day after `date`, not counting `date` itself. n = 0 returns `date` unchanged. */
export function addWorkingDays(date: LocalDate, n: number): WorkingDayResult {
  requireCount(n);
  return step(date, 1, n, false);
}

/**
 * Working days from `from` through `to`, each end counted when it is a working day: on a Monday with the
 * last day to apply that Friday, 5 working days are left. 0 when `to` is before `from`.
 */
export function workingDaysThrough(from: LocalDate, to: LocalDate): { count: number; basis: CalendarBasis } {
  let count = 0;
  let basis: CalendarBasis = 'official-calendar';
  for (let current = from; current <= to; current = addDays(current, 1)) {
    const info = isWorkingDay(current);
    basis = weakerBasis(basis, info.basis);
    if (info.working) count += 1;
  }
  return { count, basis };
}
