import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { DomainError, ErrorCode } from './domain.error.js';
import { generateSecretKey, parseSecretKey, SecretBox } from './secret-box.js';

/** Where the embedded default keeps its generated key (DATA_DIR, beside the embedded PostgreSQL). */
export function embeddedKeyFile(dataDir: string): string {
  return path.resolve(dataDir, 'secrets.key');
}

/**
 * The SecretBox of this process: SECRETS_KEY seals, SECRETS_PREVIOUS_KEYS still open (rotation). Without
 * SECRETS_KEY on the embedded database the key is generated once into DATA_DIR/secrets.key with mode 0600
 * (created exclusively, so two processes starting at once agree on one key); with DATABASE_URL and no
 * SECRETS_KEY, every instance would invent its own key, so storing or reading a secret is refused instead.
 */
@Injectable()
export class SecretKeys {
  private cached: SecretBox | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  box(): SecretBox {
    this.cached ??= this.load();
    return this.cached;
  }

  private load(): SecretBox {
    const previous = (this.config.SECRETS_PREVIOUS_KEYS ?? '')
      .split(',')
      .filter(Boolean)
      .map((k) => parseSecretKey(k));
    if (this.config.SECRETS_KEY) return new SecretBox(parseSecretKey(this.config.SECRETS_KEY), previous);
    if (!this.config.embedded) {
      throw new DomainError(
        ErrorCode.Conflict,
        'Secrets cannot be stored: SECRETS_KEY is not set (32 bytes in base64, e.g. `openssl rand -base64 32`); ' +
          'it is required with DATABASE_URL so that every instance uses the same key',
        [{ field: 'SECRETS_KEY', rule: 'must be set when DATABASE_URL is set' }],
      );
    }
    const file = embeddedKeyFile(this.config.DATA_DIR);
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, generateSecretKey() + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // Someone may have loosened it; a key readable by others is tightened, not trusted as is.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return new SecretBox(parseSecretKey(readFileSync(file, 'utf8')), previous);
  }
}
