import { createHmac, timingSafeEqual } from 'node:crypto';

export type InvitationPurpose = 'invite' | 'reset';

/**
 * An invitation or reset link carries `<id>.<expiry in unix seconds>.<HMAC-SHA256>`, signed with the link
 * secret. Nothing secret is stored: the signature proves the link was issued here, the row says whether it
 * is still usable (not used, not revoked, not expired), so the outbox can render the same link at send time.
 */
export function signInvitation(
  id: string,
  purpose: InvitationPurpose,
  expiresAt: Date,
  secret: string,
): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${id}.${exp}.${mac(id, purpose, exp, secret)}`;
}

export type InvitationVerdict =
  { ok: true; id: string; expiresAt: Date } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

export function verifyInvitation(
  token: string,
  purpose: InvitationPurpose,
  secret: string,
  now: Date,
): InvitationVerdict {
  const match =
    /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(
      token,
    );
  if (!match) return { ok: false, reason: 'malformed' };
  const [, id, expText, signature] = match;
  const exp = Number(expText);
  const expected = Buffer.from(mac(id, purpose, exp, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'signature' };
  if (exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, id, expiresAt: new Date(exp * 1000) };
}

function mac(id: string, purpose: InvitationPurpose, exp: number, secret: string): string {
  return createHmac('sha256', secret).update(`mpg-${purpose}:${id}:${exp}`).digest('base64url');
}
