import ical, {
  ICalAlarmRelatesTo,
  ICalAlarmType,
  ICalCalendarMethod,
  ICalEventTransparency,
} from 'ical-generator';

import type { ChecklistRow, ExportLocale } from './checklist-row.js';
import { daysBetween, utcMidnight } from './dates.js';
import { labelOf, labelsFor } from './labels.js';

export interface CalendarEvent {
  /** Stable across regenerations: derived by the caller from the deadline id and 'due' | 'act-by'. */
  uid: string;
  /** 'YYYY-MM-DD': an all-day event on that date. */
  date: string;
  summary: string;
  description: string;
  url?: string;
  /** Raised when the date moves, so clients replace the old copy. */
  sequence: number;
  /** A display alarm this many days before the date (0 = on the day). */
  alarmsDaysBefore: number[];
}

export interface CalendarOptions {
  name: string;
  /** IANA zone, declared as X-WR-TIMEZONE. */
  timeZone: string;
  /** Suggested refresh interval in seconds (REFRESH-INTERVAL and X-PUBLISHED-TTL). */
  ttl?: number;
  /** DTSTAMP of every event; pass the generation instant for reproducible output. */
  generatedAt?: Date;
}

/** Alarms fire at 09:00 on the chosen day rather than at midnight, when nobody reads them. */
export const ALARM_HOUR = 9;
const DAY = 86_400;

/** NAME and X-WR-CALNAME are written unescaped by ical-generator; a name must not add properties. */
function calendarText(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/[\\;,]/g, '\\$&');
}

function assertTimeZone(timeZone: string): void {
  // Throws RangeError for a name the runtime's zone database does not know.
  new Intl.DateTimeFormat('en', { timeZone });
}

function nextDay(date: string): Date {
  const start = utcMidnight(date);
  return new Date(start.getTime() + DAY * 1000);
}

/**
 * An iCalendar feed (RFC 5545) built with ical-generator: one all-day event (DTSTART;VALUE=DATE, DTEND
 * the next day, transparent so it does not block time) per input, with its stable UID, SEQUENCE and
 * display alarms relative to the start. Dates are floating calendar dates, so no VTIMEZONE is needed;
 * the organization's zone is declared with X-WR-TIMEZONE, which Google Calendar and Outlook read.
 */
export function buildCalendar(events: CalendarEvent[], options: CalendarOptions): string {
  assertTimeZone(options.timeZone);
  const calendar = ical({
    prodId: { company: 'mp-guard', product: 'deadlines', language: 'EN' },
    name: calendarText(options.name),
    method: ICalCalendarMethod.PUBLISH,
    ttl: options.ttl ?? null,
  });
  calendar.x('X-WR-TIMEZONE', options.timeZone);
  for (const event of events) {
    const created = calendar.createEvent({
      id: event.uid,
      sequence: event.sequence,
      allDay: true,
      start: utcMidnight(event.date),
      end: nextDay(event.date),
      summary: event.summary,
      description: event.description,
      url: event.url ?? null,
      transparency: ICalEventTransparency.TRANSPARENT,
      ...(options.generatedAt ? { stamp: options.generatedAt } : {}),
    });
    const days = [...new Set(event.alarmsDaysBefore)].filter((d) => Number.isInteger(d) && d >= 0);
    for (const daysBefore of days.sort((a, b) => b - a)) {
      created
        .createAlarm({
          type: ICalAlarmType.display,
          // seconds before the start; negative = after it (09:00 on the day itself)
          trigger: daysBefore * DAY - ALARM_HOUR * 3600,
          description: event.summary,
        })
        // ical-generator 11 ignores `relatesTo` in the constructor data, and without it writes an alarm
        // after the start as RELATED=END, which for an all-day event is the next morning
        .relatesTo(ICalAlarmRelatesTo.start);
    }
  }
  // RFC 5545 ends every content line, the last one too, with CRLF; ical-generator omits the last
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

/**
 * The calendar events of one checklist row: the due date (uid `${deadlineId}-due@mp-guard`) and, when it
 * differs, the act-by date (uid `${deadlineId}-actby@mp-guard`).
 *
 * `ladderOffsets` are the reminder stages in days before the due date (negative, overdue stages are
 * ignored). Each stage alarms once: stages on or before the act-by date ride on the act-by event (shifted
 * to count from it), the later ones on the due event; without an act-by event all ride on the due event.
 */
export function calendarEventsFor(
  row: ChecklistRow,
  ladderOffsets: number[],
  locale: ExportLocale,
): CalendarEvent[] {
  const labels = labelsFor(locale);
  const subject = row.miniProgram?.name ?? labels.organizationLevel;
  const stages = [...new Set(ladderOffsets)].filter((d) => Number.isInteger(d) && d >= 0);
  const hasActBy = row.actBy !== row.dueOn;
  const lead = hasActBy ? Math.max(0, daysBetween(row.actBy, row.dueOn)) : 0;

  const lines = [
    `${labels.dueOn}: ${row.dueOn}`,
    `${labels.actBy}: ${row.actBy}`,
    `${labels.state}: ${labelOf(labels.states, row.state)}`,
    `${labels.whoMustAct}: ${row.whoMustAct}`,
  ];
  if (row.miniProgram)
    lines.unshift(`${labels.miniProgram}: ${row.miniProgram.name} (${row.miniProgram.appId})`);
  const missing = row.documents.filter((doc) => doc.onFile !== true);
  if (missing.length > 0) {
    lines.push('', `${labels.documents}:`, ...missing.map((doc) => `☐ ${doc.text}`));
  }
  if (row.consequence) lines.push('', `${labels.consequence}: ${row.consequence}`);
  if (row.sourceUrl) lines.push(`${labels.source}: ${row.sourceUrl}`);
  const description = lines.join('\n');
  const url = row.sourceUrl && /^https?:\/\//i.test(row.sourceUrl) ? row.sourceUrl : undefined;

  const due: CalendarEvent = {
    uid: `${row.deadlineId}-due@mp-guard`,
    date: row.dueOn,
    summary: labels.dueSummary(row.requirementName, subject),
    description,
    ...(url ? { url } : {}),
    sequence: row.sequence,
    alarmsDaysBefore: lead === 0 ? stages : stages.filter((d) => d < lead),
  };
  if (!hasActBy) return [due];
  const actBy: CalendarEvent = {
    uid: `${row.deadlineId}-actby@mp-guard`,
    date: row.actBy,
    summary: labels.actBySummary(row.requirementName, subject),
    description,
    ...(url ? { url } : {}),
    sequence: row.sequence,
    alarmsDaysBefore: stages.filter((d) => d >= lead).map((d) => d - lead),
  };
  return [actBy, due];
}
