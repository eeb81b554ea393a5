import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkAction = 'ack' | 'snooze';

export interface LinkPayload {
  notificationId: string;
  organizationId: string;
  action: LinkAction;
  expiresAt: Date;
}

export type LinkVerification =
  { ok: true; payload: LinkPayload } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/** Compact wire form: short keys keep the link short in mail clients that wrap long URLs. */
interface WirePayload {
  v: 1;
  n: string;
  o: string;
  a: LinkAction;
  /** Expiry, unix milliseconds. */
  e: number;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ACTIONS: readonly string[] = ['ack', 'snooze'] satisfies LinkAction[];
const MIN_SECRET_LENGTH = 16;

function requireSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new RangeError(`the link secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
}

function signatureOf(payloadPart: string, secret: string): string {
  return createHmac('sha256', secret).update(payloadPart, 'utf8').digest('base64url');
}

/**
 * `<base64url JSON payload>.<base64url HMAC-SHA256 of the first part>`: safe in a URL path or query
 * without escaping. It names the notification, the organization and the action, so a link cannot be
 * replayed for another notification, tenant or action.
 */
export function signLink(payload: LinkPayload, secret: string): string {
  requireSecret(secret);
  const expiresAt = payload.expiresAt.getTime();
  if (Number.isNaN(expiresAt)) throw new RangeError('expiresAt is an invalid Date');
  if (!ACTIONS.includes(payload.action))
    throw new RangeError(`unknown link action ${String(payload.action)}`);
  const wire: WirePayload = {
    v: 1,
    n: payload.notificationId,
    o: payload.organizationId,
    a: payload.action,
    e: expiresAt,
  };
  const payloadPart = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  return `${payloadPart}.${signatureOf(payloadPart, secret)}`;
}

function parseWire(payloadPart: string): LinkPayload | null {
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof wire !== 'object' || wire === null) return null;
  const { v, n, o, a, e } = wire as Record<string, unknown>;
  if (v !== 1 || typeof n !== 'string' || typeof o !== 'string' || typeof a !== 'string') return null;
  if (!ACTIONS.includes(a) || typeof e !== 'number' || !Number.isSafeInteger(e)) return null;
  return { notificationId: n, organizationId: o, action: a as LinkAction, expiresAt: new Date(e) };
}

/**
 * Checks the signature before reading anything from the payload, compares it in constant time, and
 * refuses the link from `expiresAt` on. The signature is compared as text, so a change in the unused low
 * bits of the last base64url character (which decodes to the same bytes) is refused too.
 */
export function verifyLink(token: string, secret: string, now: Date): LinkVerification {
  requireSecret(secret);
  if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed' };
  const [payloadPart, signaturePart] = parts as [string, string];
  if (!BASE64URL.test(payloadPart) || !BASE64URL.test(signaturePart))
    return { ok: false, reason: 'malformed' };

  const expected = Buffer.from(signatureOf(payloadPart, secret), 'utf8');
  const given = Buffer.from(signaturePart, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  const payload = parseWire(payloadPart);
  if (!payload) return { ok: false, reason: 'malformed' };
  if (now.getTime() >= payload.expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}
