import { describe, expect, it } from '@jest/globals';
import { isSendTime, sendTimeOn } from './send-time.js';

describe('isSendTime', () => {
  it.each([
    ['2026-09-21T16:00:00Z', 'Asia/Shanghai', 9, false],
    ['2026-09-22T00:59:59Z', 'Asia/Shanghai', 9, false],
    ['2026-09-22T01:00:00Z', 'Asia/Shanghai', 9, true],
    ['2026-09-22T15:59:59Z', 'Asia/Shanghai', 9, true],
    ['2026-09-22T08:59:00Z', 'UTC', 9, false],
    ['2026-09-22T09:00:00Z', 'UTC', 9, true],
    ['2026-09-22T00:00:00Z', 'UTC', 0, true],
    ['2026-11-01T16:59:59Z', 'America/Los_Angeles', 9, false],
    ['2026-11-01T17:00:00Z', 'America/Los_Angeles', 9, true],
  ])('%s in %s with send hour %d: %p', (instant, zone, hour, expected) => {
    expect(isSendTime(new Date(instant), zone, hour)).toBe(expected);
  });

  it('defaults to 09:00 local: a stage due at local midnight waits until morning', () => {
    expect(isSendTime(new Date('2026-09-21T16:30:00Z'), 'Asia/Shanghai')).toBe(false);
    expect(isSendTime(new Date('2026-09-22T01:30:00Z'), 'Asia/Shanghai')).toBe(true);
  });

  it.each([-1, 24, 8.5])('refuses send hour %p', (hour) => {
    expect(() => isSendTime(new Date('2026-09-22T01:30:00Z'), 'UTC', hour)).toThrow(RangeError);
  });
});

describe('sendTimeOn', () => {
  it.each([
    ['2026-09-22', 'Asia/Shanghai', 9, '2026-09-22T01:00:00.000Z'],
    ['2026-09-22', 'Pacific/Kiritimati', 9, '2026-09-21T19:00:00.000Z'],
    ['2026-09-22', 'Pacific/Pago_Pago', 9, '2026-09-22T20:00:00.000Z'],
    ['2026-09-22', 'Asia/Kolkata', 9, '2026-09-22T03:30:00.000Z'],
    ['2026-03-08', 'America/Los_Angeles', 9, '2026-03-08T16:00:00.000Z'],
    ['2026-11-01', 'America/Los_Angeles', 9, '2026-11-01T17:00:00.000Z'],
    ['2026-03-08', 'America/Los_Angeles', 2, '2026-03-08T10:00:00.000Z'],
    ['2018-11-04', 'America/Sao_Paulo', 0, '2018-11-04T03:00:00.000Z'],
  ])('local %s in %s from %d:00 is %s', (date, zone, hour, expected) => {
    const at = sendTimeOn(date, zone, hour);
    expect(at.toISOString()).toBe(expected);
    expect(isSendTime(at, zone, hour)).toBe(true);
  });
});
