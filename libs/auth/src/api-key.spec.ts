import { describe, expect, it } from '@jest/globals';
import { generateApiKey, parseApiKey, secretMatches } from './api-key.js';

describe('API keys', () => {
  it('round-trips a generated key and matches only its own secret', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const parsed = parseApiKey(a.key);
    expect(parsed?.prefix).toBe(a.prefix);
    expect(secretMatches(parsed!.secret, a.secretHash)).toBe(true);
    expect(secretMatches(parseApiKey(b.key)!.secret, a.secretHash)).toBe(false);
    expect(a.secretHash).not.toContain(parsed!.secret);
  });

  it.each([
    '',
    'Bearer x',
    'mpg_123_abc',
    `mpg_${'g'.repeat(12)}_${'a'.repeat(32)}`,
    `mpg_${'a'.repeat(12)}_${'a'.repeat(31)}`,
  ])('rejects the malformed key %j', (key) => {
    expect(parseApiKey(key)).toBeNull();
  });
});
