import { describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';

import { ANNUAL_REVIEW, LICENCE, VENDOR_CONTRACT } from './checklist-rows.fixture.js';
import { ALARM_HOUR, buildCalendar, calendarEventsFor, type CalendarEvent } from './calendar.builder.js';

const LADDER = [90, 60, 30, 14, 7, 3, 1, 0, -7];
const GENERATED_AT = new Date('2026-11-25T02:30:00Z');

function parse(ics: string): { calendar: ICAL.Component; events: ICAL.Component[] } {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return { calendar, events: calendar.getAllSubcomponents('vevent') };
}

function alarmDays(event: ICAL.Component): number[] {
  return event.getAllSubcomponents('valarm').map((alarm) => {
    const trigger = alarm.getFirstProperty('trigger')!;
    expect(alarm.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(trigger.getParameter('related') ?? 'START').toBe('START');
    const seconds = (trigger.getFirstValue() as ICAL.Duration).toSeconds();
    // 09:00 on the day `days` before the start (midnight): -(days * 24h) + 9h
    return (ALARM_HOUR * 3600 - seconds) / 86_400;
  });
}

function feed(rows = [ANNUAL_REVIEW, LICENCE, VENDOR_CONTRACT]): string {
  return buildCalendar(
    rows.flatMap((row) => calendarEventsFor(row, LADDER, 'zh-CN')),
    { name: '康宁医疗集团, 截止日期', timeZone: 'Asia/Shanghai', ttl: 3600, generatedAt: GENERATED_AT },
  );
}

describe('calendarEventsFor', () => {
  it('gives a due event and an act-by event with stable UIDs, splitting the ladder between them', () => {
    const events = calendarEventsFor(ANNUAL_REVIEW, LADDER, 'zh-CN');
    expect(events.map((e) => [e.uid, e.date, e.sequence])).toEqual([
      ['dl-annual-1-actby@mp-guard', '2026-11-17', 2],
      ['dl-annual-1-due@mp-guard', '2026-12-01', 2],
    ]);
    // act-by is 14 days before due: stages 90, 60, 30, 14 count from it, 7, 3, 1, 0 from the due date
    expect(events[0].alarmsDaysBefore).toEqual([76, 46, 16, 0]);
    expect(events[1].alarmsDaysBefore).toEqual([7, 3, 1, 0]);
    expect(events[1].summary).toBe('【到期】小程序年审（微信认证） · 康宁互联网医院');
    expect(events[1].description).toContain('☐ 认证公函（加盖公章）');
    expect(events[1].description).not.toContain('营业执照副本扫描件');
    expect(events[1].url).toBe(ANNUAL_REVIEW.sourceUrl);
  });

  it('gives only the due event, with every stage, when act-by is the due date', () => {
    const events = calendarEventsFor(LICENCE, LADDER, 'en');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      uid: 'dl-licence-1-due@mp-guard',
      alarmsDaysBefore: [90, 60, 30, 14, 7, 3, 1, 0],
    });
    expect(events[0].summary).toBe('Due: 医疗机构执业许可证 - 康宁互联网医院');
  });
});

describe('buildCalendar', () => {
  it('is parsed by ical.js with all-day events, stable UIDs, SEQUENCE and VALARMs', () => {
    const { calendar, events } = parse(feed());
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//mp-guard//deadlines//EN');
    expect(calendar.getFirstPropertyValue('x-wr-timezone')).toBe('Asia/Shanghai');
    // TEXT escaping (RFC 5545 3.3.11); ical.js returns the values of X- properties unescaped
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('康宁医疗集团\\, 截止日期');
    expect(events.map((e) => e.getFirstPropertyValue('uid'))).toEqual([
      'dl-annual-1-actby@mp-guard',
      'dl-annual-1-due@mp-guard',
      'dl-licence-1-due@mp-guard',
      'dl-contract-1-actby@mp-guard',
      'dl-contract-1-due@mp-guard',
    ]);
    const due = events[1];
    const start = due.getFirstProperty('dtstart')!;
    expect(start.type).toBe('date');
    expect((start.getFirstValue() as ICAL.Time).toString()).toBe('2026-12-01');
    expect((due.getFirstPropertyValue('dtend') as ICAL.Time).toString()).toBe('2026-12-02');
    expect(due.getFirstPropertyValue('sequence')).toBe(2);
    expect(due.getFirstPropertyValue('summary')).toBe('【到期】小程序年审（微信认证） · 康宁互联网医院');
    expect(due.getFirstPropertyValue('dtstamp')!.toString()).toBe('2026-11-25T02:30:00Z');
    expect(alarmDays(due)).toEqual([7, 3, 1, 0]);
    expect(alarmDays(events[0])).toEqual([76, 46, 16, 0]);
  });

  it('writes all-day dates with no time and no TZID, and alarms relative to the start', () => {
    const ics = feed();
    expect(ics).toContain('DTSTART;VALUE=DATE:20261201\r\n');
    expect(ics).toContain('DTSTART;VALUE=DATE:20261117\r\n');
    expect(ics).not.toMatch(/DTSTART:|TZID=/);
    expect(ics).toContain('TRIGGER;RELATED=START:-P6DT15H\r\n');
    expect(ics).toContain('TRIGGER;RELATED=START:PT9H\r\n');
  });

  it('ends every line with CRLF, the last one too (RFC 5545 3.1)', () => {
    const ics = feed();
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.split('\r\n').at(-1)).toBe('');
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('keeps UIDs after an unrelated edit and raises SEQUENCE when a due date moves', () => {
    const before = parse(feed()).events;
    const edited = { ...ANNUAL_REVIEW, whoMustAct: 'Vendor: New Co' };
    const moved = { ...LICENCE, dueOn: '2027-04-30', actBy: '2027-04-30', sequence: LICENCE.sequence + 1 };
    const after = parse(feed([edited, moved, VENDOR_CONTRACT])).events;
    expect(after.map((e) => e.getFirstPropertyValue('uid'))).toEqual(
      before.map((e) => e.getFirstPropertyValue('uid')),
    );
    expect(after[1].getFirstPropertyValue('sequence')).toBe(before[1].getFirstPropertyValue('sequence'));
    expect(after[2].getFirstPropertyValue('sequence')).toBe(1);
    expect((after[2].getFirstPropertyValue('dtstart') as ICAL.Time).toString()).toBe('2027-04-30');
  });

  it('cannot be made to add properties through the calendar name or event text', () => {
    const event: CalendarEvent = {
      uid: 'x@mp-guard',
      date: '2026-12-01',
      summary: 'a\r\nATTACH:http://evil',
      description: 'b;c,d\\e\nline 2',
      sequence: 0,
      alarmsDaysBefore: [],
    };
    const ics = buildCalendar([event], {
      name: 'Org\r\nX-EVIL:1',
      timeZone: 'Asia/Shanghai',
      generatedAt: GENERATED_AT,
    });
    const { calendar, events } = parse(ics);
    expect(calendar.getFirstPropertyValue('x-evil')).toBeNull();
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Org X-EVIL:1');
    expect(events[0].getFirstPropertyValue('attach')).toBeNull();
    expect(events[0].getFirstPropertyValue('summary')).toBe('a\nATTACH:http://evil');
    expect(events[0].getFirstPropertyValue('description')).toBe('b;c,d\\e\nline 2');
  });

  it('refuses an unknown time zone', () => {
    expect(() => buildCalendar([], { name: 'x', timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});
