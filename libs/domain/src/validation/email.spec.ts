import { describe, expect, it } from '@jest/globals';

import { isEmail, validateEmail } from './email.js';

const SHAPE = 'must be a single address of the form name@example.com';
const LOCAL = "must have only letters, digits, single dots and !#$%&'*+/=?^_`{|}~- before the @";
const DOMAIN = 'must have a valid domain name after the @, e.g. example.com';

describe('validateEmail', () => {
  it.each([
    'ops@example.com',
    'zhang.wei@example-clinic.cn',
    'Li.Na+reminders@Example.COM',
    "o'brien@example.co.uk",
    'it_ops-2027@mail.example.com.cn',
    'a@xn--fsqu00a.xn--fiqs8s',
    `${'a'.repeat(64)}@example.com`,
  ])('accepts %s', (value) => {
    expect(validateEmail(value)).toBeNull();
    expect(isEmail(value)).toBe(true);
  });

  it.each([
    ['', 'must not be empty'],
    ['ops @example.com', 'must not contain spaces or control characters'],
    ['ops@example.com\r\nBcc: x@example.com', 'must not contain spaces or control characters'],
    ['ops@example.com\u3000', 'must not contain spaces or control characters'],
    [
      `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(59)}.cn`,
      'must be at most 254 characters',
    ],
    ['ops.example.com', SHAPE],
    ['@example.com', SHAPE],
    ['ops@', SHAPE],
    ['ops@ops@example.com', SHAPE],
    [`${'a'.repeat(65)}@example.com`, 'must have at most 64 characters before the @'],
    ['.ops@example.com', LOCAL],
    ['ops.@example.com', LOCAL],
    ['o..ps@example.com', LOCAL],
    ['"ops"@example.com', LOCAL],
    ['张伟@example.com', LOCAL],
    ['ops@localhost', DOMAIN],
    ['ops@example', DOMAIN],
    ['ops@192.0.2.1', DOMAIN],
    ['ops@[192.0.2.1]', DOMAIN],
    ['ops@例子.中国', DOMAIN],
    ['ops@-example.com', DOMAIN],
    ['ops@example.com.', DOMAIN],
  ])('rejects %j: %s', (value, message) => {
    expect(validateEmail(value)).toBe(message);
    expect(isEmail(value)).toBe(false);
  });
});
