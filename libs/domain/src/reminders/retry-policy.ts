/**
 * What a failed SMTP send means for the outbox:
 * - `transient`: the server or the network may accept the same message later (4xx replies, refused or
 *   reset connections, timeouts, DNS): retry with backoff.
 * - `permanent`: the server refused this message or address for good (5xx): fail at once, report upward.
 * - `auth`: our credentials or TLS setup are wrong; every other message would fail the same way, so
 *   sending pauses until an operator fixes it.
 */
export type SmtpFailureClass = 'transient' | 'permanent' | 'auth';

/** The fields nodemailer sets on its errors (see its `errors.js` and `smtp-connection`). */
export interface SmtpFailure {
  responseCode?: number;
  code?: string;
  /** nodemailer keeps the system code (ECONNREFUSED, CERT_HAS_EXPIRED, ...) here when it sets its own. */
  originalCode?: string;
  command?: string;
  message?: string;
  /** nodemailer's timeout kind: CONNECT_TIMEOUT, GREETING_TIMEOUT, SOCKET_TIMEOUT, UPGRADE_TIMEOUT. */
  timeoutType?: string;
}

/** 530 authentication required / STARTTLS first, 534 mechanism too weak, 535 bad credentials, 538 encryption required. */
const AUTH_REPLY_CODES = new Set([530, 534, 535, 538]);
const AUTH_ERROR_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG']);
const TLS_ERROR_CODES = new Set(['ETLS', 'EREQUIRETLS']);
const TLS_SYSTEM_CODE =
  /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_(GET|VERIFY)_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_)/;
const TLS_MESSAGE = /self[- ]signed|certificate|unable to verify|wrong version number|ssl routines/i;
const NETWORK_CODES = new Set([
  'ECONNECTION',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPROXY',
  'EPROTOCOL',
  'EMAXLIMIT',
  'EABORT',
]);
/** The message itself cannot be sent as built (bad envelope, unreadable content): retrying will not help. */
const MESSAGE_CODES = new Set([
  'EENVELOPE',
  'EMESSAGE',
  'ESTREAM',
  'EMAXRECIPIENTS',
  'EFILEACCESS',
  'EURLACCESS',
]);
const TIMEOUT_MESSAGE = /(connection|greeting|socket) (timeout|never received)|timed out/i;

export function classifySmtpFailure(error: SmtpFailure): SmtpFailureClass {
  const code = error.code ?? '';
  const originalCode = error.originalCode ?? '';
  const reply = error.responseCode;
  const isAuthCommand = /^AUTH\b/i.test(error.command ?? '');

  if (reply !== undefined && reply >= 400 && reply < 600) {
    if (reply < 500) return 'transient';
    if (AUTH_REPLY_CODES.has(reply) || isAuthCommand) return 'auth';
    // RFC 5321 makes every 5yz permanent; 503 (bad sequence) only says the session was in a wrong state.
    return reply === 503 ? 'transient' : 'permanent';
  }
  if (AUTH_ERROR_CODES.has(code) || isAuthCommand) return 'auth';
  if (code === 'ETIMEDOUT' || error.timeoutType !== undefined) return 'transient';
  if (
    TLS_ERROR_CODES.has(code) ||
    TLS_SYSTEM_CODE.test(code) ||
    TLS_SYSTEM_CODE.test(originalCode) ||
    TLS_MESSAGE.test(error.message ?? '')
  ) {
    return 'auth';
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(originalCode)) return 'transient';
  if (TIMEOUT_MESSAGE.test(error.message ?? '')) return 'transient';
  if (MESSAGE_CODES.has(code)) return 'permanent';
  // Unknown: retrying is bounded by the retry period, while failing at once could lose a reminder.
  return 'transient';
}

/** RFC 5321 4.5.4.1: give up on a message only after at least 4-5 days; the default is 5. */
export const DEFAULT_RETRY_PERIOD_MS = 5 * 86_400_000;
export const DEFAULT_BASE_DELAY_MS = 30_000;
export const DEFAULT_MAX_DELAY_MS = 3_600_000;

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

/**
 * How long to wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed: exponential
 * backoff with full jitter over [baseMs, min(maxMs, baseMs * 2^(attempt-1))], so workers that failed
 * together do not retry together, never sooner than `baseMs` and never later than `maxMs`.
 */
export function nextAttemptDelayMs(
  attempt: number,
  random: () => number,
  { baseMs = DEFAULT_BASE_DELAY_MS, maxMs = DEFAULT_MAX_DELAY_MS }: BackoffOptions = {},
): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a whole number >= 1, got ${attempt}`);
  }
  if (!(baseMs > 0) || !(maxMs >= baseMs)) {
    throw new RangeError(`need 0 < baseMs <= maxMs, got baseMs ${baseMs} and maxMs ${maxMs}`);
  }
  // 2^(attempt-1) overflows to Infinity for huge attempts; min() still gives maxMs.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 1024));
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.min(maxMs, Math.round(baseMs + unit * (ceiling - baseMs)));
}

/** Why a delivery failed for good; the failure report says which. */
export type FailureKind = 'permanent' | 'retry_period_ended';

export type RetryDecision =
  { action: 'retry'; delayMs: number } | { action: 'fail'; reason: FailureKind } | { action: 'pause' };

export interface RetryPolicyOptions extends BackoffOptions {
  /** How long a transient failure is retried, from when the delivery was queued. */
  retryPeriodMs?: number;
}

export interface RetryClock {
  /** When the delivery was queued (planned). */
  queuedAt: Date;
  now: Date;
}

/**
 * What the delivery loop does after attempt `attempt` (1-based) failed with `error`. A transient failure is
 * retried for a period, as mail servers do (Postfix's `maximal_queue_lifetime`), not a number of times: an
 * outage costs time, never a reminder. The last retry is placed at the end of the period, and only an
 * attempt failing at or after it fails the delivery.
 */
export function retryDecision(
  error: SmtpFailure,
  attempt: number,
  random: () => number,
  { queuedAt, now }: RetryClock,
  options: RetryPolicyOptions = {},
): RetryDecision {
  const failureClass = classifySmtpFailure(error);
  switch (failureClass) {
    case 'auth':
      return { action: 'pause' };
    case 'permanent':
      return { action: 'fail', reason: 'permanent' };
    case 'transient': {
      const endsAt = queuedAt.getTime() + (options.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS);
      if (now.getTime() >= endsAt) return { action: 'fail', reason: 'retry_period_ended' };
      const delayMs = nextAttemptDelayMs(attempt, random, options);
      return { action: 'retry', delayMs: Math.min(delayMs, endsAt - now.getTime()) };
    }
  }
}

/**
 * Whether two failures are "the same way" for detecting that the transport itself is down: the same
 * transient class with the same reply code or system code (every send refused, or every send 421).
 */
export function transportFailureKey(error: SmtpFailure): string | null {
  if (classifySmtpFailure(error) !== 'transient') return null;
  if (error.responseCode !== undefined) return `reply:${error.responseCode}`;
  return `code:${error.originalCode ?? error.code ?? error.timeoutType ?? 'unknown'}`;
}
