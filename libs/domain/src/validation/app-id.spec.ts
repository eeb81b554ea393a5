import { describe, expect, it } from '@jest/globals';

import { isAppId, validateAppId } from './app-id.js';

const RULE = "must be 'wx' followed by 16 lowercase hexadecimal characters";

describe('validateAppId', () => {
  it.each(['wx1234567890abcdef', 'wx0000000000000000', 'wxffffffffffffffff'])('accepts %s', (value) => {
    expect(validateAppId(value)).toBeNull();
    expect(isAppId(value)).toBe(true);
  });

  it.each([
    '',
    'wx',
    'wx1234567890abcde',
    'wx1234567890abcdef0',
    'WX1234567890abcdef',
    'wx1234567890ABCDEF',
    'wx1234567890abcdeg',
    'tt1234567890abcdef',
    ' wx1234567890abcdef',
    'wx1234567890abcdef\n',
    'wx１234567890abcdef',
  ])('rejects %j', (value) => {
    expect(validateAppId(value)).toBe(RULE);
    expect(isAppId(value)).toBe(false);
  });
});
