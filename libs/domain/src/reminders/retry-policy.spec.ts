import { describe, expect, it } from '@jest/globals';
import {
  classifySmtpFailure,
  nextAttemptDelayMs,
  retryDecision,
  transportFailureKey,
  type SmtpFailure,
  type SmtpFailureClass,
} from './retry-policy.js';

describe('classifySmtpFailure', () => {
  it.each<[string, SmtpFailure, SmtpFailureClass]>([
    ['421 service not available', { code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO' }, 'transient'],
    ['450 mailbox busy', { code: 'EENVELOPE', responseCode: 450, command: 'RCPT TO' }, 'transient'],
    ['452 insufficient storage', { code: 'EMESSAGE', responseCode: 452, command: 'DATA' }, 'transient'],
    ['454 temporary auth failure', { code: 'EAUTH', responseCode: 454, command: 'AUTH PLAIN' }, 'transient'],
    ['550 no such user', { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }, 'permanent'],
    ['552 message too big', { code: 'EMESSAGE', responseCode: 552, command: 'DATA' }, 'permanent'],
    ['554 rejected as spam', { code: 'EMESSAGE', responseCode: 554, command: 'DATA' }, 'permanent'],
    ['503 bad sequence (a fresh session can pass)', { code: 'EPROTOCOL', responseCode: 503 }, 'transient'],
    ['535 bad credentials', { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }, 'auth'],
    ['534 mechanism too weak', { code: 'EAUTH', responseCode: 534, command: 'AUTH LOGIN' }, 'auth'],
    ['530 authentication required', { code: 'EENVELOPE', responseCode: 530, command: 'MAIL FROM' }, 'auth'],
    ['530 must issue STARTTLS first', { code: 'EENVELOPE', responseCode: 530, command: 'MAIL FROM' }, 'auth'],
    ['538 encryption required', { code: 'EAUTH', responseCode: 538, command: 'AUTH PLAIN' }, 'auth'],
    ['a 5xx answer to AUTH', { code: 'EAUTH', responseCode: 504, command: 'AUTH CRAM-MD5' }, 'auth'],
    [
      'missing credentials',
      { code: 'EAUTH', command: 'API', message: 'Missing credentials for "PLAIN"' },
      'auth',
    ],
    ['no credentials', { code: 'ENOAUTH' }, 'auth'],
    ['OAuth2 refresh failed', { code: 'EOAUTH2' }, 'auth'],
    ['STARTTLS failed', { code: 'ETLS', command: 'STARTTLS' }, 'auth'],
    ['REQUIRETLS unsupported', { code: 'EREQUIRETLS', command: 'MAIL FROM' }, 'auth'],
    [
      'self-signed certificate',
      { code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' },
      'auth',
    ],
    ['expired certificate', { code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED' }, 'auth'],
    ['host name mismatch', { code: 'ESOCKET', originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'auth'],
    ['TLS to a plain port', { code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'auth'],
    ['bare CERT_ code', { code: 'CERT_NOT_YET_VALID' }, 'auth'],
    ['self signed in the message only', { message: 'self signed certificate in certificate chain' }, 'auth'],
    ['connection refused', { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }, 'transient'],
    ['connection refused, raw', { code: 'ECONNREFUSED' }, 'transient'],
    ['connection reset', { code: 'ESOCKET', originalCode: 'ECONNRESET' }, 'transient'],
    ['connection closed', { code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, 'transient'],
    ['DNS failure', { code: 'EDNS', originalCode: 'ENOTFOUND' }, 'transient'],
    [
      'connection timeout',
      { code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT', message: 'Connection timeout' },
      'transient',
    ],
    ['greeting timeout', { code: 'ETIMEDOUT', message: 'Greeting never received' }, 'transient'],
    ['TLS handshake timeout', { code: 'ETIMEDOUT', message: 'TLS handshake timed out' }, 'transient'],
    ['timeout without code', { message: 'Connection timeout' }, 'transient'],
    ['pool limit', { code: 'EMAXLIMIT' }, 'transient'],
    ['invalid recipient address', { code: 'EENVELOPE', command: 'API' }, 'permanent'],
    ['broken message stream', { code: 'ESTREAM' }, 'permanent'],
    ['something unknown', { message: 'boom' }, 'transient'],
  ])('%s -> %s', (_, error, expected) => {
    expect(classifySmtpFailure(error)).toBe(expected);
  });
});

describe('nextAttemptDelayMs', () => {
  it.each([
    [1, 0, 30_000],
    [1, 0.99, 30_000],
    [2, 0, 30_000],
    [2, 1, 60_000],
    [3, 0.5, 75_000],
    [4, 1, 240_000],
    [7, 1, 1_920_000],
    [8, 1, 3_600_000],
    [8, 0.5, 1_815_000],
    [50, 1, 3_600_000],
    [2000, 0.25, 922_500],
  ])('attempt %d with random %p waits %d ms', (attempt, r, expected) => {
    expect(nextAttemptDelayMs(attempt, () => r)).toBe(expected);
  });

  it('stays within [baseMs, maxMs] for any attempt and random value', () => {
    for (let attempt = 1; attempt <= 40; attempt++) {
      for (const r of [0, 0.1, 0.5, 0.999999, 1, -3, 7, Number.NaN]) {
        const delay = nextAttemptDelayMs(attempt, () => r, { baseMs: 1000, maxMs: 60_000 });
        expect(delay).toBeGreaterThanOrEqual(1000);
        expect(delay).toBeLessThanOrEqual(60_000);
      }
    }
  });

  it('grows with the attempt number on average', () => {
    const half = () => 0.5;
    const delays = [1, 2, 3, 4, 5].map((a) => nextAttemptDelayMs(a, half));
    expect([...delays].sort((a, b) => a - b)).toEqual(delays);
  });

  it.each([0, -1, 1.5])('refuses attempt %p', (attempt) => {
    expect(() => nextAttemptDelayMs(attempt, () => 0.5)).toThrow(RangeError);
  });

  it('refuses maxMs below baseMs', () => {
    expect(() => nextAttemptDelayMs(1, () => 0.5, { baseMs: 10, maxMs: 5 })).toThrow(RangeError);
  });
});

describe('retryDecision', () => {
  const half = () => 0.5;
  const queuedAt = new Date('2026-12-01T01:00:00Z');
  const at = (iso: string) => ({ queuedAt, now: new Date(iso) });

  it('retries a transient failure for five days, however many attempts that takes', () => {
    expect(retryDecision({ responseCode: 421 }, 1, half, at('2026-12-01T01:00:00Z'))).toEqual({
      action: 'retry',
      delayMs: 30_000,
    });
    // Attempt 200, four days and 23 hours in: still a retry (a count of 8 used to give up after ~1 hour).
    expect(retryDecision({ code: 'ECONNREFUSED' }, 200, half, at('2026-12-06T00:00:00Z')).action).toBe(
      'retry',
    );
    // The last retry is placed at the end of the period, not after it: 2026-12-06T01:00Z is 1 hour later.
    expect(retryDecision({ code: 'ECONNREFUSED' }, 200, () => 1, at('2026-12-06T00:30:00Z'))).toEqual({
      action: 'retry',
      delayMs: 1_800_000,
    });
    expect(retryDecision({ responseCode: 421 }, 201, half, at('2026-12-06T01:00:00Z'))).toEqual({
      action: 'fail',
      reason: 'retry_period_ended',
    });
  });

  it('takes the period from the options', () => {
    const hour = { retryPeriodMs: 3_600_000 };
    expect(retryDecision({ responseCode: 451 }, 2, half, at('2026-12-01T01:59:59Z'), hour).action).toBe(
      'retry',
    );
    expect(retryDecision({ responseCode: 451 }, 2, half, at('2026-12-01T02:00:00Z'), hour)).toEqual({
      action: 'fail',
      reason: 'retry_period_ended',
    });
  });

  it('fails a permanent failure at once', () => {
    expect(retryDecision({ responseCode: 550 }, 1, half, at('2026-12-01T01:00:00Z'))).toEqual({
      action: 'fail',
      reason: 'permanent',
    });
  });

  it('pauses sending on an authentication or TLS failure', () => {
    expect(retryDecision({ responseCode: 535 }, 1, half, at('2026-12-01T01:00:00Z'))).toEqual({
      action: 'pause',
    });
  });
});

describe('transportFailureKey', () => {
  it.each([
    [{ code: 'ECONNECTION', originalCode: 'ECONNREFUSED' }, 'code:ECONNREFUSED'],
    [{ code: 'ECONNREFUSED' }, 'code:ECONNREFUSED'],
    [{ responseCode: 421 }, 'reply:421'],
    [{ code: 'ETIMEDOUT' }, 'code:ETIMEDOUT'],
    [{ responseCode: 550 }, null],
    [{ responseCode: 535 }, null],
  ])('%o -> %p', (error, expected) => {
    expect(transportFailureKey(error)).toBe(expected);
  });
});
