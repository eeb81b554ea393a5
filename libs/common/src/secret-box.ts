import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A 32-byte AES-256 key and the short id stored beside everything it sealed. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/** What is stored: the key's id, and nonce (12 bytes) + tag (16 bytes) + ciphertext. */
export interface Sealed {
  keyId: string;
  box: Buffer;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const NONCE = 12;
const TAG = 16;

/** Reads a key written as base64 (44 characters for 32 bytes); the rule names what was wrong. */
export function parseSecretKey(text: string): SecretKey {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw new SecretBoxError('must be base64');
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new SecretBoxError(`must decode to 32 bytes, not ${key.length}`);
  return { id: keyIdOf(key), key };
}

/** A key's id: not secret, derived from the key so the same key always has the same id. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('mp-guard secret-box key id\n').update(key).digest('hex').slice(0, 12);
}

export function generateSecretKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * AES-256-GCM with a random nonce per seal. `context` (e.g. the row's organization and mini-program)
 * is authenticated, not stored: a sealed value copied onto another row does not open there. Several keys
 * can open (the current and those being rotated away); only the current one seals.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();

  constructor(
    readonly current: SecretKey,
    previous: readonly SecretKey[] = [],
  ) {
    for (const k of [current, ...previous]) this.keys.set(k.id, k.key);
  }

  seal(plaintext: string, context: string): Sealed {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.current.id, box: Buffer.concat([nonce, cipher.getAuthTag(), body]) };
  }

  canOpen(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  open(sealed: Sealed, context: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) {
      throw new SecretBoxError(
        `sealed with key ${sealed.keyId}, which is neither SECRETS_KEY nor in SECRETS_PREVIOUS_KEYS`,
      );
    }
    if (sealed.box.length < NONCE + TAG) throw new SecretBoxError('sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.box.subarray(0, NONCE));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.box.subarray(NONCE, NONCE + TAG));
    try {
      return Buffer.concat([decipher.update(sealed.box.subarray(NONCE + TAG)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretBoxError('sealed value does not authenticate (altered, or another row)');
    }
  }
}
