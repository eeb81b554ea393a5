import { describe, expect, it } from '@jest/globals';

import { computeCreditCodeCheckCharacter, isCreditCode, validateCreditCode } from './credit-code.js';

const CODE_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CHECK_DIGIT = 'has a wrong check character (the 18th); check the code for a typo';
const CHARACTERS = 'must contain only digits and uppercase letters other than I, O, Z, S and V';
const DIVISION = 'must have a 6-digit administrative division code in positions 3-8';
const LENGTH = 'must be exactly 18 characters';

// Published codes of registered entities, as shown on their business licences and in public registries.
const REAL_CODES: ReadonlyArray<readonly [string, string]> = [
  ['91440300708461136T', '深圳市腾讯计算机系统有限公司'],
  ['914403001922038216', '华为技术有限公司'],
  ['91330100716105852F', '阿里巴巴（中国）有限公司'],
  ['91110000802100433B', '北京百度网讯科技有限公司'],
  ['91110108551385082Q', '小米科技有限责任公司'],
  ['91440300192317458F', '比亚迪股份有限公司'],
  ['9144030010001686XA', '招商银行股份有限公司'],
  ['91440300100012316L', '中国平安保险（集团）股份有限公司'],
  ['91310000132260250X', '上海汽车集团股份有限公司'],
  ['12100000425006133D', '华东师范大学 (机构编制, 事业单位)'],
];

describe('validateCreditCode', () => {
  it.each(REAL_CODES)('accepts %s (%s)', (code) => {
    expect(validateCreditCode(code)).toBeNull();
    expect(isCreditCode(code)).toBe(true);
  });

  it.each([
    ['', LENGTH],
    ['91440300708461136', LENGTH],
    ['91440300708461136TT', LENGTH],
    [' 91440300708461136T', LENGTH],
    ['91440300708461136t', CHARACTERS],
    ['91440300708461I36T', CHARACTERS],
    ['91440300708461O36T', CHARACTERS],
    ['９1440300708461136T', CHARACTERS],
    ['9144030070846113-T', CHARACTERS],
    ['9144A300708461136T', DIVISION],
    ['91440300708461136A', CHECK_DIGIT],
    ['914403007084611360', CHECK_DIGIT],
    // A real code that fails its own check character (hutool #4119); refused until we add an override.
    ['91350203M0001QKT19', CHECK_DIGIT],
  ])('rejects %j: %s', (code, message) => {
    expect(validateCreditCode(code)).toBe(message);
    expect(isCreditCode(code)).toBe(false);
  });

  describe.each(REAL_CODES)('every single-character mutation of %s', (code) => {
    // 31 is prime and every weight is non-zero mod 31, so changing one of positions 1-17 always moves the
    // weighted sum and the expected check character; changing position 18 leaves the sum but not the character.
    it('rejects every substitution with another code character, by the check or the division rule', () => {
      for (let i = 0; i < 18; i++) {
        for (const c of CODE_CHARACTERS) {
          if (c === code[i]) continue;
          const mutated = code.slice(0, i) + c + code.slice(i + 1);
          const expected = i >= 2 && i < 8 && !/[0-9]/.test(c) ? DIVISION : CHECK_DIGIT;
          expect([mutated, validateCreditCode(mutated)]).toEqual([mutated, expected]);
        }
      }
    });

    it('rejects every substitution with a character outside the code set', () => {
      for (let i = 0; i < 18; i++) {
        for (const c of ['I', 'O', 'S', 'V', 'Z', 'a', 'x', ' ', '-', '０', '腾']) {
          const mutated = code.slice(0, i) + c + code.slice(i + 1);
          expect([mutated, validateCreditCode(mutated)]).toEqual([mutated, CHARACTERS]);
        }
      }
    });

    it('rejects every deletion and insertion', () => {
      for (let i = 0; i <= 18; i++) {
        if (i < 18) expect(validateCreditCode(code.slice(0, i) + code.slice(i + 1))).toBe(LENGTH);
        for (const c of CODE_CHARACTERS) {
          expect(validateCreditCode(code.slice(0, i) + c + code.slice(i))).toBe(LENGTH);
        }
      }
    });

    // The weights are successive powers of 3 mod 31 and so pairwise distinct: swapping two different
    // characters in positions 1-17 changes the sum by (w_i - w_j)(a - b), never 0 mod 31.
    it('rejects every transposition of two different characters in positions 1-17', () => {
      for (let i = 0; i < 17; i++) {
        for (let j = i + 1; j < 17; j++) {
          if (code[i] === code[j]) continue;
          const chars = [...code];
          [chars[i], chars[j]] = [chars[j], chars[i]];
          expect([chars.join(''), isCreditCode(chars.join(''))]).toEqual([chars.join(''), false]);
        }
      }
    });
  });
});

describe('computeCreditCodeCheckCharacter', () => {
  it.each(REAL_CODES)('reproduces the check character of %s', (code) => {
    expect(computeCreditCodeCheckCharacter(code.slice(0, 17))).toBe(code[17]);
  });

  it('maps a weighted sum divisible by 31 to 0, not to a 32nd character', () => {
    expect(computeCreditCodeCheckCharacter('00000000000000000')).toBe('0');
  });

  it.each(['9144030070846113', '91440300708461136T', '9144030070846113I'])('returns null for %j', (input) => {
    expect(computeCreditCodeCheckCharacter(input)).toBeNull();
  });
});
