import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import { isText, validateText } from './text.js';

const FORBIDDEN =
  'must not contain control characters, line or paragraph separators, or bidirectional overrides';
const FORBIDDEN_CODE_POINTS = [
  ...range(0x00, 0x1f),
  ...range(0x7f, 0x9f),
  0x2028,
  0x2029,
  ...range(0x202a, 0x202e),
  ...range(0x2066, 0x2069),
];

const INVISIBLE = 'must contain visible characters, not only invisible ones';
const UNPRINTABLE = 'must not contain emoji or characters the PDF exports cannot print (found ';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('validateText', () => {
  it.each([
    ['深圳市示例医疗科技有限公司', 64],
    ['Acme Health (Shenzhen) Co., Ltd.', 64],
    [' surrounding spaces are the caller’s to trim ', 64],
    ['café ﬁ 𫖮 ✓ © ™', 64],
    ['12345', 5],
    ['𫖮𫖮𫖮', 3],
  ])('accepts %j with maxLength %d', (value, maxLength) => {
    expect(validateText(value, { maxLength })).toBeNull();
    expect(isText(value, { maxLength })).toBe(true);
  });

  it.each([
    ['', 10, 'must not be empty'],
    ['   ', 10, 'must not be empty'],
    ['\u3000', 10, 'must not be empty'],
    ['123456', 5, 'must be at most 5 characters'],
    ['𫖮𫖮𫖮𫖮', 3, 'must be at most 3 characters'],
    ['\u200b', 10, INVISIBLE],
    ['\u200b\u200d\u2060\ufeff', 10, INVISIBLE],
    ['\u3164\u2800', 10, INVISIBLE],
    ['康宁😀商城', 64, `${UNPRINTABLE}U+1F600)`],
    ['𠮷野家', 64, `${UNPRINTABLE}U+20BB7)`],
    ['✅ 已办', 64, `${UNPRINTABLE}U+2705)`],
    ['line one\nline two', 64, FORBIDDEN],
    ['tab\tseparated', 64, FORBIDDEN],
    ['nul\u0000byte', 64, FORBIDDEN],
    ['del\u007f', 64, FORBIDDEN],
    ['c1\u0085next line', 64, FORBIDDEN],
    ['para\u2029graph', 64, FORBIDDEN],
    ['invoice_\u202egpj.exe', 64, FORBIDDEN],
    ['isolate\u2067x\u2069', 64, FORBIDDEN],
    ['lone \ud83d surrogate', 64, 'must be valid Unicode text'],
  ])('rejects %j with maxLength %d: %s', (value, maxLength, message) => {
    expect(validateText(value, { maxLength })).toBe(message);
    expect(isText(value, { maxLength })).toBe(false);
  });

  it('never throws, and returns null or a message', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 0, max: 100 }), (value, maxLength) => {
        const result = validateText(value, { maxLength });
        expect(result === null || typeof result === 'string').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects every string that contains a forbidden character, however long the limit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.constantFrom(...FORBIDDEN_CODE_POINTS),
        fc.string({ unit: 'binary' }),
        (before, codePoint, after) => {
          const value = before + String.fromCodePoint(codePoint) + after;
          expect(validateText(value, { maxLength: 1_000_000 })).not.toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reports a forbidden character in text that has other content', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii', minLength: 1 }).filter((s) => s.trim() !== ''),
        fc.constantFrom(...FORBIDDEN_CODE_POINTS),
        (text, codePoint) => {
          expect(validateText(text + String.fromCodePoint(codePoint), { maxLength: 1000 })).toBe(FORBIDDEN);
        },
      ),
    );
  });
});
