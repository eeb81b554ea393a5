import { localDateTimeOf, startOfLocalDay, type LocalDate } from '../time/index.js';

export const DEFAULT_SEND_HOUR = 9;

function requireSendHour(sendHour: number): void {
  if (!Number.isInteger(sendHour) || sendHour < 0 || sendHour > 23) {
    throw new RangeError(`sendHour must be a whole hour 0-23, got ${sendHour}`);
  }
}

/**
 * Reminders go out from `sendHour` local time, not at midnight: a stage that becomes due at local 00:00
 * is mailed from 09:00 that day, and any time later that day.
 */
export function isSendTime(now: Date, timeZone: string, sendHour: number = DEFAULT_SEND_HOUR): boolean {
  requireSendHour(sendHour);
  return localDateTimeOf(now, timeZone).hour >= sendHour;
}

const MINUTE = 60_000;

/**
 * The first instant of local `date` at which `isSendTime` holds: what the planner can store as a
 * notification's earliest send time. Where daylight saving skips the hour, the first instant after it.
 */
export function sendTimeOn(date: LocalDate, timeZone: string, sendHour: number = DEFAULT_SEND_HOUR): Date {
  requireSendHour(sendHour);
  const start = startOfLocalDay(date, timeZone).getTime();
  // Walk by the wall-clock difference: converges in one step except across a daylight-saving change.
  let candidate = start + sendHour * 60 * MINUTE;
  for (let i = 0; i < 3; i++) {
    const local = localDateTimeOf(new Date(candidate), timeZone);
    const dayShift = local.date === date ? 0 : local.date < date ? -24 * 60 : 24 * 60;
    const wallMinutes = dayShift + local.hour * 60 + local.minute;
    const delta = wallMinutes - sendHour * 60;
    if (delta === 0 && local.second === 0) break;
    candidate -= delta * MINUTE + local.second * 1000;
  }
  // In a skipped hour no instant reads sendHour:00; step forward to the first one that counts.
  while (!isSendTime(new Date(candidate), timeZone, sendHour) || candidate < start) candidate += MINUTE;
  return new Date(candidate);
}
