import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { signLink, verifyLink, type LinkPayload } from './signed-link.js';

const SECRET = 'test-secret-0123456789abcdef';
const payload: LinkPayload = {
  notificationId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  organizationId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  action: 'ack',
  expiresAt: new Date('2026-12-31T16:00:00.000Z'),
};
const before = new Date('2026-12-01T00:00:00Z');

describe('signed links', () => {
  const token = signLink(payload, SECRET);

  it('is URL-safe: base64url payload, a dot, base64url signature', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('round-trips', () => {
    expect(verifyLink(token, SECRET, before)).toEqual({ ok: true, payload });
    const snooze = signLink({ ...payload, action: 'snooze' }, SECRET);
    expect(verifyLink(snooze, SECRET, before)).toEqual({
      ok: true,
      payload: { ...payload, action: 'snooze' },
    });
  });

  it('is deterministic for the same payload and secret', () => {
    expect(signLink(payload, SECRET)).toBe(token);
  });

  it('refuses any single-character change', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    for (let i = 0; i < token.length; i++) {
      for (const c of alphabet) {
        if (c === token[i]) continue;
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        expect(verifyLink(tampered, SECRET, before).ok).toBe(false);
      }
    }
  });

  it('refuses a changed payload re-encoded with the old signature', () => {
    const [, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        v: 1,
        n: payload.notificationId,
        o: 'another-org',
        a: 'ack',
        e: payload.expiresAt.getTime(),
      }),
    ).toString('base64url');
    expect(verifyLink(`${forged}.${signature}`, SECRET, before)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('expires at expiresAt exactly', () => {
    expect(verifyLink(token, SECRET, new Date('2026-12-31T15:59:59.999Z')).ok).toBe(true);
    expect(verifyLink(token, SECRET, new Date('2026-12-31T16:00:00.000Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyLink(token, SECRET, new Date('2027-01-01T00:00:00.000Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses a link signed with another secret', () => {
    expect(verifyLink(signLink(payload, 'another-secret-0123456789'), SECRET, before)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it.each(['', '.', 'abc', 'a.b.c', `${token}.`, 'a b.c', '!!!.???', 'x'.repeat(3000)])(
    'calls %p malformed',
    (bad) => {
      expect(verifyLink(bad, SECRET, before)).toEqual({ ok: false, reason: 'malformed' });
    },
  );

  it('refuses a well-signed payload that is not ours as malformed', () => {
    const part = Buffer.from(JSON.stringify({ v: 2 })).toString('base64url');
    const signature = createHmac('sha256', SECRET).update(part).digest('base64url');
    expect(verifyLink(`${part}.${signature}`, SECRET, before)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a short secret when signing and verifying', () => {
    expect(() => signLink(payload, 'short')).toThrow(RangeError);
    expect(() => verifyLink(token, '', before)).toThrow(RangeError);
  });
});
