import { keyIdOf, parseSecretKey, SecretBox, SecretBoxError } from './secret-box.js';

const zeroKey = { id: 'zero', key: Buffer.alloc(32) };
const otherKey = parseSecretKey(Buffer.alloc(32, 7).toString('base64'));

describe('SecretBox (AES-256-GCM)', () => {
  it('opens the published GCM test case 14 (McGrew & Viega): zero key, nonce and 16 zero bytes', () => {
    const box = Buffer.concat([
      Buffer.alloc(12),
      Buffer.from('d0d1c8a799996bf0265b98b5d48ab919', 'hex'),
      Buffer.from('cea7403d4d606b6e074ec5d3baf39d18', 'hex'),
    ]);
    expect(new SecretBox(zeroKey).open({ keyId: 'zero', box }, '')).toBe('\0'.repeat(16));
  });

  it('round-trips and never stores the plaintext', () => {
    const box = new SecretBox(otherKey);
    const sealed = box.seal('0123456789abcdef0123456789abcdef', 'org:mp');
    expect(sealed.keyId).toBe(otherKey.id);
    expect(sealed.box.toString('latin1')).not.toContain('0123456789abcdef');
    expect(box.open(sealed, 'org:mp')).toBe('0123456789abcdef0123456789abcdef');
  });

  it.each([
    ['another context (a row copied elsewhere)', (s: Buffer) => s, 'org:other'],
    [
      'a flipped ciphertext bit',
      (s: Buffer) => Buffer.concat([s.subarray(0, -1), Buffer.from([s[s.length - 1] ^ 1])]),
      'org:mp',
    ],
    [
      'a flipped tag bit',
      (s: Buffer) => Buffer.concat([s.subarray(0, 12), Buffer.from([s[12] ^ 1]), s.subarray(13)]),
      'org:mp',
    ],
  ])('refuses %s', (_label, alter, context) => {
    const box = new SecretBox(otherKey);
    const sealed = box.seal('secret', 'org:mp');
    expect(() => box.open({ keyId: sealed.keyId, box: alter(sealed.box) }, context)).toThrow(SecretBoxError);
  });

  it('opens with a previous key while sealing with the current one (rotation)', () => {
    const old = new SecretBox(zeroKey);
    const sealed = old.seal('s', 'c');
    const rotated = new SecretBox(otherKey, [zeroKey]);
    expect(rotated.open(sealed, 'c')).toBe('s');
    expect(rotated.seal('s', 'c').keyId).toBe(otherKey.id);
    expect(() => new SecretBox(otherKey).open(sealed, 'c')).toThrow(/SECRETS_PREVIOUS_KEYS/);
  });

  it.each([
    ['not base64!', /base64/],
    [Buffer.alloc(16).toString('base64'), /32 bytes, not 16/],
  ])('rejects the key %j', (text, rule) => {
    expect(() => parseSecretKey(text)).toThrow(rule);
  });

  it('derives a stable key id', () => {
    expect(keyIdOf(Buffer.alloc(32, 7))).toBe(otherKey.id);
    expect(otherKey.id).toMatch(/^[0-9a-f]{12}$/);
  });
});
