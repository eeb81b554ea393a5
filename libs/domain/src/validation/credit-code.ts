import type { ValidationResult } from './validation-result.js';

/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015:
 *   1      registration authority (1 机构编制, 5 民政, 9 工商, Y 其他, …)
 *   2      organization category within that authority (9 1 = enterprise, 9 2 = 个体工商户, …)
 *   3-8    administrative division of the registering office (GB/T 2260, digits)
 *   9-17   organization code (GB 11714, itself ending in a mod-11 check character)
 *   18     check character over positions 1-17, mod 31
 *
 * Positions 1-2 are not checked against a table: the standard names 1, 5, 9 and Y as examples and leaves
 * other authorities to pick their own characters, and published lists disagree, so a table would reject
 * real owners. The embedded GB 11714 check (position 17) is not verified either: the position-18 check
 * already catches every single-character substitution and every adjacent transposition in positions
 * 1-17 (31 is prime and the weights are distinct and non-zero mod 31), so a second check adds no typo
 * protection while risking false rejections of codes issued off-standard. Even position 18 fails for some
 * real codes (hutool issues #2020, #4119: some Xiamen codes issued before 2016); we still enforce it,
 * because it is the rule the standard sets and the one that catches typos.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const CODE_CHARACTERS = /^[0-9A-HJ-NP-RTUWXY]+$/;
const DIVISION = /^[0-9]{6}$/;

/** The check character (position 18) for the first 17 characters, or null if they are not 17 code characters. */
export function computeCreditCodeCheckCharacter(first17: string): string | null {
  if (first17.length !== 17 || !CODE_CHARACTERS.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]) * WEIGHTS[i];
  return ALPHABET[(31 - (sum % 31)) % 31];
}

export function validateCreditCode(value: string): ValidationResult {
  if (value.length !== 18) return 'must be exactly 18 characters';
  if (!CODE_CHARACTERS.test(value)) {
    return 'must contain only digits and uppercase letters other than I, O, Z, S and V';
  }
  if (!DIVISION.test(value.slice(2, 8))) {
    return 'must have a 6-digit administrative division code in positions 3-8';
  }
  if (computeCreditCodeCheckCharacter(value.slice(0, 17)) !== value[17]) {
    return 'has a wrong check character (the 18th); check the code for a typo';
  }
  return null;
}

export function isCreditCode(value: string): boolean {
  return validateCreditCode(value) === null;
}
