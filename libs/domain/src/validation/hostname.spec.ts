import { describe, expect, it } from '@jest/globals';

import { isHostname, normalizeHostname, validateHostname } from './hostname.js';

const LABELS =
  'must have labels of 1-63 characters a-z, 0-9 and hyphen, not starting or ending with a hyphen';

describe('validateHostname', () => {
  it.each([
    'example.cn',
    'api.example-clinic.cn',
    'static.example-clinic.cn',
    'a.b.c.d.example.com.cn',
    '1password.com',
    '3g.qq.com',
    'xn--fsqu00a.xn--fiqs8s',
    'api.xn--fiqs8s',
    `${'a'.repeat(63)}.cn`,
    `${'a'.repeat(61)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`,
  ])('accepts %s', (value) => {
    expect(validateHostname(value)).toBeNull();
    expect(isHostname(value)).toBe(true);
  });

  it.each([
    ['', 'must not be empty'],
    ['https://api.example.cn', 'must be a bare hostname without scheme, path or credentials'],
    ['api.example.cn/v1', 'must be a bare hostname without scheme, path or credentials'],
    ['user@api.example.cn', 'must be a bare hostname without scheme, path or credentials'],
    ['api.example.cn:8443', 'must be a bare hostname without a port'],
    ['192.168.1.10', 'must be a domain name, not an IP address'],
    ['192.168.1.10:80', 'must be a bare hostname without a port'],
    ['localhost:3000', 'must be a bare hostname without a port'],
    ['2001:db8:0:0:0:0:0:1', 'must be a domain name, not an IP address'],
    ['::1', 'must be a domain name, not an IP address'],
    ['2001:db8::1', 'must be a domain name, not an IP address'],
    ['[2001:db8::1]', 'must be a domain name, not an IP address'],
    ['::ffff:192.0.2.1', 'must be a domain name, not an IP address'],
    ['localhost', 'must be a public domain name, not localhost'],
    ['api.localhost', 'must be a public domain name, not localhost'],
    ['例子.中国', 'must be ASCII: write internationalized domain names in punycode (xn--…)'],
    ['ａｐｉ.example.cn', 'must be ASCII: write internationalized domain names in punycode (xn--…)'],
    ['API.Example.cn', 'must be lowercase'],
    ['api.example.cn.', 'must not end with a dot'],
    [
      `${'a'.repeat(62)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`,
      'must be at most 253 characters',
    ],
    ['cn', 'must have at least two labels, e.g. api.example.cn'],
    [`${'a'.repeat(64)}.cn`, LABELS],
    ['-api.example.cn', LABELS],
    ['api-.example.cn', LABELS],
    ['api..example.cn', LABELS],
    ['.example.cn', LABELS],
    ['api_v1.example.cn', LABELS],
    ['api example.cn', 'must not contain spaces or control characters'],
    ['example.123', 'must end in a top-level domain that is not all digits'],
    ['xn--abc.cn', 'must contain valid punycode in its xn-- labels'],
  ])('rejects %j: %s', (value, message) => {
    expect(validateHostname(value)).toBe(message);
    expect(isHostname(value)).toBe(false);
  });
});

describe('normalizeHostname', () => {
  it.each([
    ['API.Example.CN', 'api.example.cn'],
    ['例子.中国', 'xn--fsqu00a.xn--fiqs8s'],
    ['Ａｐｉ。example.cn', 'api.example.cn'],
    ['api.example.cn', 'api.example.cn'],
    ['HTTPS://Api.Example.cn/', 'https://api.example.cn/'],
    // never cut to the host: the validator must see the path, query, fragment or tab and refuse it
    ['A.Example.cn/path', 'a.example.cn/path'],
    ['a.example.cn?x=1', 'a.example.cn?x=1'],
    ['a.example.cn#top', 'a.example.cn#top'],
    ['a.example.cn\\x', 'a.example.cn\\x'],
    ['a.example.cn\t', 'a.example.cn\t'],
  ])('turns %j into %j', (input, output) => {
    expect(normalizeHostname(input)).toBe(output);
  });

  it.each(['a.example.cn/path', 'a.example.cn?x=1', 'a.example.cn#top', 'a.example.cn\\x'])(
    'leaves %j for the validator to refuse as not a bare hostname',
    (input) => {
      expect(validateHostname(normalizeHostname(input))).toBe(
        'must be a bare hostname without scheme, path or credentials',
      );
    },
  );

  it('produces names the validator accepts from Chinese input', () => {
    expect(validateHostname(normalizeHostname('小程序.例子.中国'))).toBeNull();
  });
});
