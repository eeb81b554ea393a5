const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * 'YYYY-MM-DD' as a `Date` at 00:00 UTC. Spreadsheet and calendar libraries convert such a value to a
 * day number with UTC arithmetic, so the process time zone cannot move the date.
 */
export function utcMidnight(localDate: string): Date {
  const match = LOCAL_DATE.exec(localDate);
  if (!match) throw new RangeError(`Not a date written YYYY-MM-DD: ${JSON.stringify(localDate)}`);
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (date.toISOString().slice(0, 10) !== localDate) {
    throw new RangeError(`Not a calendar date: ${JSON.stringify(localDate)}`);
  }
  return date;
}

/** Whole days from `from` to `to`, both 'YYYY-MM-DD'. */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to).getTime() - utcMidnight(from).getTime()) / 86_400_000);
}

/** The instant as 'YYYY-MM-DD HH:mm' on the wall clock of `timeZone`. */
export function formatInstant(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
