import { describe, expect, it } from '@jest/globals';
import {
  canonicalTimeZone,
  InvalidTimeZoneError,
  isValidTimeZone,
  localDateOf,
  localDateTimeOf,
  localHourOf,
  startOfLocalDay,
} from './time-zone.js';

describe('isValidTimeZone', () => {
  it.each([
    ['Asia/Shanghai', true],
    ['America/Los_Angeles', true],
    ['UTC', true],
    ['Etc/GMT-8', true],
    ['asia/shanghai', true],
    ['Mars/Base', false],
    ['', false],
    [' Asia/Shanghai', false],
    ['+08:00', false],
    ['-05:00', false],
    ['Z', false],
    [null, false],
    [8, false],
  ])('%p -> %p', (value, expected) => {
    expect(isValidTimeZone(value)).toBe(expected);
  });

  it('canonicalizes the spelling so organizations store one form', () => {
    expect(canonicalTimeZone('asia/shanghai')).toBe('Asia/Shanghai');
    expect(canonicalTimeZone('Mars/Base')).toBeNull();
  });

  it('refuses an unknown zone instead of falling back to UTC', () => {
    expect(() => localDateOf(new Date('2026-03-31T16:30:00Z'), 'Mars/Base')).toThrow(InvalidTimeZoneError);
  });
});

describe('Asia/Shanghai around local midnight while UTC is still on the previous day', () => {
  it.each([
    ['2026-03-31T15:59:59.999Z', '2026-03-31', 23],
    ['2026-03-31T16:00:00.000Z', '2026-04-01', 0],
    ['2026-03-31T16:30:00.000Z', '2026-04-01', 0],
    ['2026-12-31T16:00:00.000Z', '2027-01-01', 0],
    ['2026-04-01T03:59:00.000Z', '2026-04-01', 11],
  ])('%s is local %s, hour %d', (instant, date, hour) => {
    expect(localDateOf(new Date(instant), 'Asia/Shanghai')).toBe(date);
    expect(localHourOf(new Date(instant), 'Asia/Shanghai')).toBe(hour);
  });

  it.each([
    ['2026-04-01', '2026-03-31T16:00:00.000Z'],
    ['2027-01-01', '2026-12-31T16:00:00.000Z'],
    ['2026-10-01', '2026-09-30T16:00:00.000Z'],
  ])('local %s starts at %s', (date, instant) => {
    expect(startOfLocalDay(date, 'Asia/Shanghai').toISOString()).toBe(instant);
  });
});

describe('America/Los_Angeles around the 2026 daylight-saving changes', () => {
  it.each([
    // Spring forward on Sunday 8 March: 02:00 PST becomes 03:00 PDT.
    ['2026-03-08T09:59:59Z', '2026-03-08', 1, 59],
    ['2026-03-08T10:00:00Z', '2026-03-08', 3, 0],
    // Fall back on Sunday 1 November: 01:00-01:59 happens twice.
    ['2026-11-01T06:59:59Z', '2026-10-31', 23, 59],
    ['2026-11-01T07:00:00Z', '2026-11-01', 0, 0],
    ['2026-11-01T08:30:00Z', '2026-11-01', 1, 30],
    ['2026-11-01T09:30:00Z', '2026-11-01', 1, 30],
    ['2026-11-01T10:00:00Z', '2026-11-01', 2, 0],
  ])('%s is local %s %d:%d', (instant, date, hour, minute) => {
    const local = localDateTimeOf(new Date(instant), 'America/Los_Angeles');
    expect(local.date).toBe(date);
    expect(local.hour).toBe(hour);
    expect(local.minute).toBe(minute);
  });

  it.each([
    ['2026-03-07', '2026-03-07T08:00:00.000Z'],
    ['2026-03-08', '2026-03-08T08:00:00.000Z'],
    ['2026-03-09', '2026-03-09T07:00:00.000Z'],
    ['2026-11-01', '2026-11-01T07:00:00.000Z'],
    ['2026-11-02', '2026-11-02T08:00:00.000Z'],
  ])('local %s starts at %s', (date, instant) => {
    expect(startOfLocalDay(date, 'America/Los_Angeles').toISOString()).toBe(instant);
  });
});

describe('startOfLocalDay where daylight saving moves midnight', () => {
  it('a day whose midnight was skipped starts at the jump (Sao Paulo, 4 Nov 2018, 00:00 -> 01:00)', () => {
    expect(startOfLocalDay('2018-11-04', 'America/Sao_Paulo').toISOString()).toBe('2018-11-04T03:00:00.000Z');
  });

  it('a day whose midnight was repeated starts at the first one (Sao Paulo, 17 Feb 2019)', () => {
    expect(startOfLocalDay('2019-02-16', 'America/Sao_Paulo').toISOString()).toBe('2019-02-16T02:00:00.000Z');
    expect(startOfLocalDay('2019-02-17', 'America/Sao_Paulo').toISOString()).toBe('2019-02-17T03:00:00.000Z');
  });

  it('UTC days start at 00:00Z', () => {
    expect(startOfLocalDay('2028-02-29', 'UTC').toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });
});
