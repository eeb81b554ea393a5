import { secretLikeContent } from './secret.js';
import type { ValidationResult } from './validation-result.js';

export interface TextRules {
  /** Maximum length in Unicode code points, which is how PostgreSQL counts `varchar(n)`. */
  readonly maxLength: number;
}

/**
 * Control characters (C0 including tab and newlines, DEL, C1) break CSV exports, mail headers and log lines.
 * U+2028/U+2029 end lines in some renderers; the bidi embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069) let a name display differently from what it contains (a vendor name reversed in a reminder
 * mail, a spoofed contact), so they are refused outright rather than stripped.
 */
// \p{Cc} is exactly C0, DEL and C1.
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
// With the `u` flag this matches only unpaired surrogates, which cannot be encoded as UTF-8 for storage.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Single-line free text (names, numbers, issuers). Trimming is the caller's job: surrounding whitespace is
 * accepted as given, but text that is only whitespace counts as empty.
 */
export function validateText(value: string, rules: TextRules): ValidationResult {
  if (value.trim().length === 0) return 'must not be empty';
  if (FORBIDDEN.test(value)) {
    return 'must not contain control characters, line or paragraph separators, or bidirectional overrides';
  }
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text';
  // UTF-16 length is an upper bound on code points, so most values skip the count.
  if (value.length > rules.maxLength && [...value].length > rules.maxLength) {
    return `must be at most ${rules.maxLength} characters`;
  }
  return null;
}

export function isText(value: string, rules: TextRules): boolean {
  return validateText(value, rules) === null;
}

/**
 * Free text a person types (names, notes, reasons, numbers, titles): well-formed, and never a secret pasted
 * by mistake, because whatever is stored here ends up in mails and exports.
 */
export function validateFreeText(value: string, rules: TextRules): ValidationResult {
  return validateText(value, rules) ?? secretLikeContent(value);
}
