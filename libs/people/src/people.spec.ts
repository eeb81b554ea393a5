import { describe, expect, it } from '@jest/globals';
import { signInvitation, verifyInvitation } from './invitation-token.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import { roleAllows } from './roles.js';

const SECRET = 'a-test-link-secret-of-at-least-32-characters';
const ID = '3f1c0a9b-2d4e-4f6a-8b7c-9d0e1f2a3b4c';

describe('invitation links', () => {
  const expires = new Date('2026-12-02T02:00:00Z');
  const token = signInvitation(ID, 'invite', expires, SECRET);

  it('verifies until the second it expires', () => {
    expect(verifyInvitation(token, 'invite', SECRET, new Date('2026-12-02T01:59:59Z'))).toEqual({
      ok: true,
      id: ID,
      expiresAt: expires,
    });
    expect(verifyInvitation(token, 'invite', SECRET, expires)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([
    ['another purpose', (t: string) => t, 'reset' as const, SECRET],
    ['another secret', (t: string) => t, 'invite' as const, `${SECRET}x`],
    [
      'a later expiry',
      (t: string) => t.replace(/\.(\d+)\./, (_, n: string) => `.${Number(n) + 86_400}.`),
      'invite' as const,
      SECRET,
    ],
    ['another id', (t: string) => t.replace(/^3/, '4'), 'invite' as const, SECRET],
  ])('refuses a link with %s', (_name, alter, purpose, secret) => {
    expect(verifyInvitation(alter(token), purpose, secret, new Date('2026-11-30T00:00:00Z')).ok).toBe(false);
  });

  it('refuses what is not a link at all', () => {
    expect(verifyInvitation('../../etc/passwd', 'invite', SECRET, new Date(0))).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('passwords', () => {
  it('hashes with scrypt and a salt, and verifies only the same password', async () => {
    const [a, b] = await Promise.all([
      hashPassword('correct horse battery'),
      hashPassword('correct horse battery'),
    ]);
    expect(a).toMatch(/^scrypt\$32768\$8\$3\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  }, 30_000);

  it.each([
    ['123456789', 'must be at least 10 characters'],
    ['一二三四五六七八九十', null],
    ['x'.repeat(201), 'must be at most 200 characters'],
  ])('judges %j as %j', (password, problem) => {
    expect(passwordProblem(password)).toBe(problem);
  });
});

describe('roles', () => {
  it.each([
    ['viewer', 'operator', false],
    ['operator', 'operator', true],
    ['manager', 'operator', true],
    ['manager', 'admin', false],
    ['admin', 'admin', true],
  ] as const)('%s may do what needs %s: %s', (role, needed, allowed) => {
    expect(roleAllows(role, needed)).toBe(allowed);
  });
});
