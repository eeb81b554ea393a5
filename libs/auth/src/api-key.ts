import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key reads `mpg_<prefix>_<secret>`. The prefix finds the row; only a SHA-256 of the secret is
 * stored. The secret has 192 random bits, so a fast hash is enough (no dictionary to guess from).
 */
const KEY_PATTERN = /^mpg_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;

export interface GeneratedKey {
  key: string;
  prefix: string;
  secretHash: string;
}

export function generateApiKey(): GeneratedKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { key: `mpg_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1], secret: match[2] } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
