import { describe, expect, it } from '@jest/globals';
import {
  addDays,
  addMonths,
  addYears,
  compareLocalDates,
  daysBetween,
  InvalidLocalDateError,
  isoWeekday,
  isValidLocalDate,
  parseLocalDate,
} from './local-date.js';

describe('isValidLocalDate', () => {
  it.each([
    ['2026-02-28', true],
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['2026-12-31', true],
    ['2026-02-29', false],
    ['2100-02-29', false],
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['0000-01-01', false],
    ['2026-2-3', false],
    ['26-02-03', false],
    ['2026-02-03x', false],
    [' 2026-02-03', false],
    ['2026-02-03T00:00:00Z', false],
    ['2026/02/03', false],
    ['', false],
    [20260203, false],
    [null, false],
    [undefined, false],
  ])('%p -> %p', (value, expected) => {
    expect(isValidLocalDate(value)).toBe(expected);
  });

  it('parseLocalDate throws naming the bad value', () => {
    expect(() => parseLocalDate('2026-02-30')).toThrow(InvalidLocalDateError);
    expect(() => parseLocalDate('2026-02-30')).toThrow('"2026-02-30"');
    expect(parseLocalDate('2026-02-28')).toBe('2026-02-28');
  });

  it('arithmetic refuses malformed dates instead of guessing', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(InvalidLocalDateError);
    expect(() => addMonths('2026-1-31', 1)).toThrow(InvalidLocalDateError);
    expect(() => addDays('2026-01-01', 1.5)).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it.each([
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2028-03-01', -1, '2028-02-29'],
    ['2026-01-01', 365, '2027-01-01'],
    ['2026-10-01', -90, '2026-07-03'],
    ['2026-11-25', 0, '2026-11-25'],
  ])('%s %+d days = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });
});

describe('addMonths clamps to the end of a shorter month', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-08-31', -6, '2026-02-28'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2026-05-15', -5, '2025-12-15'],
    ['2026-10-01', -6, '2026-04-01'],
    ['2026-12-31', -3, '2026-09-30'],
  ])('%s %+d months = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});

describe('addYears', () => {
  it.each([
    ['2028-02-29', 1, '2029-02-28'],
    ['2028-02-29', 4, '2032-02-29'],
    ['2028-02-29', -1, '2027-02-28'],
    ['2026-11-25', -1, '2025-11-25'],
    ['2026-03-31', 5, '2031-03-31'],
  ])('%s %+d years = %s', (date, years, expected) => {
    expect(addYears(date, years)).toBe(expected);
  });
});

describe('daysBetween and compareLocalDates', () => {
  it.each([
    ['2026-01-01', '2026-12-31', 364],
    ['2028-01-01', '2029-01-01', 366],
    ['2026-10-01', '2026-09-30', -1],
    ['2026-02-28', '2026-03-01', 1],
    ['1969-12-31', '1970-01-01', 1],
  ])('from %s to %s is %d days', (from, to, expected) => {
    expect(daysBetween(from, to)).toBe(expected);
  });

  it.each([
    ['2026-01-01', '2026-01-02', -1],
    ['2026-01-02', '2026-01-01', 1],
    ['2026-01-02', '2026-01-02', 0],
    ['2025-12-31', '2026-01-01', -1],
  ])('compare(%s, %s) = %d', (a, b, expected) => {
    expect(compareLocalDates(a, b)).toBe(expected);
  });
});

describe('isoWeekday', () => {
  it.each([
    ['2026-10-01', 4],
    ['2026-10-10', 6],
    ['2026-02-15', 7],
    ['2026-02-16', 1],
    ['1970-01-01', 4],
    ['1969-12-29', 1],
    ['2035-01-01', 1],
  ])('%s is ISO weekday %d', (date, expected) => {
    expect(isoWeekday(date)).toBe(expected);
  });
});
