import { describe, expect, it } from '@jest/globals';
import {
  addWorkingDays,
  firstWorkingDayOnOrAfter,
  isWorkingDay,
  lastWorkingDayOnOrBefore,
  officialCalendarCovers,
  subtractWorkingDays,
  workingDaysThrough,
} from './working-days.js';

describe('isWorkingDay on the official 2026 schedule', () => {
  it.each([
    ['2026-01-01', false, 'public_holiday', 'New Year'],
    ['2026-01-04', true, 'makeup_workday', 'Sunday worked for New Year'],
    ['2026-02-14', true, 'makeup_workday', 'Saturday worked for Spring Festival'],
    ['2026-02-15', false, 'public_holiday', 'Spring Festival, a Sunday'],
    ['2026-02-16', false, 'public_holiday', 'Spring Festival, a Monday'],
    ['2026-02-23', false, 'public_holiday', 'last Spring Festival day, a Monday'],
    ['2026-02-24', true, 'weekday', 'first day back'],
    ['2026-02-28', true, 'makeup_workday', 'second Spring Festival make-up Saturday'],
    ['2026-03-01', false, 'weekend', 'an ordinary Sunday'],
    ['2026-09-20', true, 'makeup_workday', 'Sunday worked for National Day'],
    ['2026-09-25', false, 'public_holiday', 'Mid-autumn, a Friday'],
    ['2026-09-30', true, 'weekday', 'eve of National Day'],
    ['2026-10-01', false, 'public_holiday', 'National Day'],
    ['2026-10-07', false, 'public_holiday', 'last National Day holiday, a Wednesday'],
    ['2026-10-08', true, 'weekday', 'first day back'],
    ['2026-10-10', true, 'makeup_workday', 'Saturday worked for National Day'],
    ['2026-10-11', false, 'weekend', 'an ordinary Sunday'],
  ])('%s working=%p (%s: %s)', (date, working, dayKind) => {
    expect(isWorkingDay(date)).toMatchObject({ working, dayKind, basis: 'official-calendar' });
  });

  it('names the holiday in both languages', () => {
    expect(isWorkingDay('2026-10-01').holiday).toEqual({ en: 'National Day', 'zh-CN': '国庆节' });
    expect(isWorkingDay('2026-02-14').holiday).toEqual({ en: 'Spring Festival', 'zh-CN': '春节' });
  });
});

describe('isWorkingDay for a year without official data falls back to weekends and says so', () => {
  it.each([
    ['2035-01-01', true, 'weekday'],
    ['2035-10-01', true, 'weekday'],
    ['2035-09-30', false, 'weekend'],
    ['2035-10-06', false, 'weekend'],
  ])('%s working=%p', (date, working, dayKind) => {
    expect(isWorkingDay(date)).toEqual({ working, dayKind, basis: 'weekends-only', holiday: null });
  });

  it('knows which years it covers', () => {
    expect(officialCalendarCovers(2026)).toBe(true);
    expect(officialCalendarCovers(2035)).toBe(false);
  });
});

describe('lastWorkingDayOnOrBefore and firstWorkingDayOnOrAfter', () => {
  it.each([
    ['2026-09-30', '2026-09-30', 'official-calendar'],
    ['2026-10-01', '2026-09-30', 'official-calendar'],
    ['2026-10-07', '2026-09-30', 'official-calendar'],
    ['2026-10-11', '2026-10-10', 'official-calendar'],
    ['2026-02-22', '2026-02-14', 'official-calendar'],
    ['2026-01-03', '2025-12-31', 'official-calendar'],
    ['2035-09-30', '2035-09-28', 'weekends-only'],
    // 2027 has no data yet, so New Year's Day (a Friday) counts as working: that is what the basis warns of.
    ['2027-01-03', '2027-01-01', 'weekends-only'],
  ])('on or before %s is %s (%s)', (date, expected, basis) => {
    expect(lastWorkingDayOnOrBefore(date)).toEqual({ date: expected, basis });
  });

  it.each([
    ['2026-10-01', '2026-10-08'],
    ['2026-02-15', '2026-02-24'],
    ['2026-10-10', '2026-10-10'],
  ])('on or after %s is %s', (date, expected) => {
    expect(firstWorkingDayOnOrAfter(date)).toEqual({ date: expected, basis: 'official-calendar' });
  });
});

describe('subtractWorkingDays and addWorkingDays', () => {
  it.each([
    ['2026-10-12', 1, '2026-10-10', 'official-calendar'],
    ['2026-10-12', 2, '2026-10-09', 'official-calendar'],
    ['2026-10-12', 4, '2026-09-30', 'official-calendar'],
    ['2026-03-02', 5, '2026-02-24', 'official-calendar'],
    ['2026-03-02', 6, '2026-02-14', 'official-calendar'],
    ['2026-03-02', 7, '2026-02-13', 'official-calendar'],
    ['2026-10-12', 0, '2026-10-12', 'official-calendar'],
    ['2027-01-05', 3, '2026-12-31', 'weekends-only'],
    ['2035-03-12', 5, '2035-03-05', 'weekends-only'],
  ])('%s minus %d working days = %s (%s)', (date, n, expected, basis) => {
    expect(subtractWorkingDays(date, n)).toEqual({ date: expected, basis });
  });

  it.each([
    ['2026-09-30', 1, '2026-10-08'],
    ['2026-02-13', 1, '2026-02-14'],
    ['2026-02-14', 1, '2026-02-24'],
    ['2026-10-08', 3, '2026-10-12'],
  ])('%s plus %d working days = %s', (date, n, expected) => {
    expect(addWorkingDays(date, n)).toEqual({ date: expected, basis: 'official-calendar' });
  });

  it('rejects negative and fractional counts', () => {
    expect(() => subtractWorkingDays('2026-10-12', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-10-12', 1.5)).toThrow(RangeError);
  });
});

describe('workingDaysThrough counts the working days left up to a date, both ends included', () => {
  it.each([
    // Monday 9 Feb to Saturday 28 Feb 2026: 9-13 (5), make-up Saturday 14 (6), holiday 15-23, 24-27 (10),
    // make-up Saturday 28 (11).
    ['2026-02-09', '2026-02-28', 11],
    // Monday 14 to Sunday 20 September 2026 (a National Day make-up day): 14-18 (5) and 20 (6).
    ['2026-09-14', '2026-09-20', 6],
    ['2026-10-01', '2026-10-07', 0],
    ['2026-10-09', '2026-10-09', 1],
    ['2026-10-10', '2026-10-09', 0],
  ])('from %s through %s: %i', (from, to, count) => {
    expect(workingDaysThrough(from, to).count).toBe(count);
  });
});
