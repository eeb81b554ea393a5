import { mkdtempSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/src/app-config.js';
import { DomainError } from './domain.error.js';
import { generateSecretKey, parseSecretKey } from './secret-box.js';
import { embeddedKeyFile, SecretKeys } from './secret-keys.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'mpg-keys-'));

describe('SecretKeys', () => {
  it('embedded without SECRETS_KEY: generates one key once, mode 0600, and every later process reads the same', () => {
    const dir = dataDir();
    const first = new SecretKeys(loadConfig({ DATA_DIR: dir })).box();
    const file = embeddedKeyFile(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = new SecretKeys(loadConfig({ DATA_DIR: dir })).box();
    expect(again.current.id).toBe(first.current.id);
    expect(again.current.id).toBe(parseSecretKey(readFileSync(file, 'utf8')).id);
  });

  it('tightens a key file someone made readable to others', () => {
    const dir = dataDir();
    new SecretKeys(loadConfig({ DATA_DIR: dir })).box();
    chmodSync(embeddedKeyFile(dir), 0o644);
    new SecretKeys(loadConfig({ DATA_DIR: dir })).box();
    expect(statSync(embeddedKeyFile(dir)).mode & 0o777).toBe(0o600);
  });

  it('with DATABASE_URL and no SECRETS_KEY refuses, naming the variable, rather than inventing a key per instance', () => {
    const keys = new SecretKeys(
      loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1:1/x', DATA_DIR: dataDir() }),
    );
    expect(() => keys.box()).toThrow(DomainError);
    try {
      keys.box();
    } catch (error) {
      expect((error as DomainError).problems).toEqual([
        { field: 'SECRETS_KEY', rule: 'must be set when DATABASE_URL is set' },
      ]);
    }
  });

  it('seals with SECRETS_KEY and still opens with SECRETS_PREVIOUS_KEYS', () => {
    const [oldKey, newKey] = [generateSecretKey(), generateSecretKey()];
    const before = new SecretKeys(loadConfig({ SECRETS_KEY: oldKey })).box().seal('v', 'c');
    const after = new SecretKeys(loadConfig({ SECRETS_KEY: newKey, SECRETS_PREVIOUS_KEYS: oldKey })).box();
    expect(after.open(before, 'c')).toBe('v');
    expect(after.current.id).toBe(parseSecretKey(newKey).id);
  });

  it('names the variable and the rule for a malformed key', () => {
    expect(() => loadConfig({ SECRETS_KEY: 'short' })).toThrow(/SECRETS_KEY: must be 32 bytes in base64/);
  });
});
