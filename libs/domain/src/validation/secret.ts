import type { ValidationResult } from './validation-result.js';

/**
 * One detector for every free-text field (names, notes, reasons, numbers, titles, custody entries) and
 * every export. mp-guard keeps no secret in free text: a value that looks like one is refused on input and
 * withheld on output. Each rule names what the text looked like, never the text itself.
 */
interface SecretRule {
  readonly rule: string;
  /** Printable ASCII characters (not spaces) any match holds: a text with fewer cannot match. */
  readonly minAscii: number;
  readonly found: (text: string) => boolean;
}

const regex =
  (re: RegExp) =>
  (text: string): boolean =>
    re.test(text);

// Labels after which a value is a credential. English ones need an explicit separator ("password reset"
// is prose); Chinese ones may be followed by 为/是 or only a space ("密码 Kangning@2026").
const EN_LABEL =
  '(?<![A-Za-z])(?:password|passwd|passwort|pwd|passcode|passphrase|(?:app|client)?[_-]?secret|api[_-]?key|access[_-]?key|(?:access[_-]?)?token|private[_-]?key)';
const ZH_LABEL = '(?:密码|口令|密钥|秘钥|私钥)';
const LABELLED = new RegExp(
  `(?:${EN_LABEL}\\s*(?<en>[:=：＝])|${ZH_LABEL}\\s*(?<zh>[:=：＝]|为|是)?)\\s*(?<value>[\\x21-\\x7e]+)`,
  'gi',
);
const MASKED = /^[*xX•.\-_#]+$/;

/** A labelled value counts when it could be a password: digits or symbols in it, or long enough. */
const ANY_LABEL = /密码|口令|密钥|秘钥|私钥|pass|pwd|secret|key|token/i;

function labelledCredential(text: string): boolean {
  if (!ANY_LABEL.test(text)) return false;
  for (const m of text.matchAll(LABELLED)) {
    const value = m.groups?.value ?? '';
    if (MASKED.test(value)) continue;
    const mixed = /[0-9]|[^A-Za-z0-9]/.test(value);
    const separated = m.groups?.en !== undefined || m.groups?.zh !== undefined;
    if (separated ? (value.length >= 4 && mixed) || value.length >= 8 : value.length >= 6 && mixed) {
      return true;
    }
  }
  return false;
}

const HEX_GROUPS = /(?<![0-9A-Za-z])[0-9a-f]{2,8}(?:[ \t:-]+[0-9a-f]{2,8}){3,}(?![0-9A-Za-z])/gi;
const B64_GROUPS =
  /(?<![0-9A-Za-z+/=])[A-Za-z0-9+/=]{4,8}(?:[ \t-]+[A-Za-z0-9+/=]{4,8}){3,}(?![0-9A-Za-z+/=])/g;

/**
 * `3f1c 0a9b 2d4e ...`: a hex key (AppSecret, APIv3 key) copied in groups; phone numbers and dates have no
 * letters, and a UUID's last group (12 characters) is wider than a group here, so it never reaches 24.
 */
function groupedHex(text: string): boolean {
  for (const [run] of text.matchAll(HEX_GROUPS)) {
    const hex = run.replace(/[^0-9a-f]/gi, '');
    if (hex.length >= 24 && /[a-f]/i.test(hex) && /[0-9]/.test(hex)) return true;
  }
  return false;
}

/**
 * `MIIE vQIB ...`: base64 in groups of one width. Words of prose differ in width and change case only at
 * their start, so a stretch of at least four equal-width groups (the last may be shorter) of 24 characters
 * or more, with upper and lower case, and a third of its groups mixing case or digits inside, is a key.
 */
function groupedBase64(text: string): boolean {
  for (const [run] of text.matchAll(B64_GROUPS)) {
    const groups = run.split(/[ \t-]+/);
    for (let start = 0; start < groups.length;) {
      let end = start + 1;
      while (end < groups.length && groups[end].length === groups[start].length) end++;
      if (end < groups.length && groups[end].length < groups[start].length) end++;
      const stretch = groups.slice(start, end);
      const joined = stretch.join('');
      const mixed = stretch.filter((g) => /[a-z][A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z]/.test(g)).length;
      if (
        stretch.length >= 4 &&
        joined.length >= 24 &&
        /[A-Z]/.test(joined) &&
        /[a-z]/.test(joined) &&
        mixed * 3 >= stretch.length
      ) {
        return true;
      }
      start = end;
    }
  }
  return false;
}

const LONG_TOKEN = /[A-Za-z0-9+/_-]{40,}={0,2}/g;

/** A JWT, base64 or hex key of 40 characters or more; a lower-case path such as `kangning/miniapp-backend` is not. */
function longToken(text: string): boolean {
  for (const [token] of text.matchAll(LONG_TOKEN)) {
    if (/^[0-9a-f]+$/i.test(token)) return true;
    if (/[A-Z]/.test(token) && /[a-z]/.test(token) && /[0-9]/.test(token)) return true;
  }
  return false;
}

const RULES: readonly SecretRule[] = [
  { rule: 'a PEM private key or certificate', minAscii: 15, found: regex(/-----BEGIN [A-Z ]+-----/) },
  {
    rule: 'an mp-guard API key (mpg_…)',
    minAscii: 18,
    found: regex(/(?<![A-Za-z0-9])mpg_[0-9a-f]{12}_[A-Za-z0-9_-]/),
  },
  {
    rule: 'credentials inside a URL',
    minAscii: 8,
    found: regex(/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i),
  },
  {
    rule: 'a password or secret assignment (密码/口令/password/pwd/secret/token followed by a value)',
    minAscii: 4,
    found: labelledCredential,
  },
  // AppSecrets and WeChat Pay APIv3 keys are 32 hex or alphanumeric characters.
  {
    rule: 'a 32-character key such as an AppSecret or APIv3 key',
    minAscii: 32,
    found: regex(/(^|[^A-Za-z0-9])[A-Za-z0-9]{32}([^A-Za-z0-9]|$)/),
  },
  { rule: 'a key written in groups of hexadecimal characters', minAscii: 24, found: groupedHex },
  { rule: 'a key written in groups of base64 characters', minAscii: 24, found: groupedBase64 },
  {
    rule: 'a JSON web token',
    minAscii: 23,
    found: regex(/eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/),
  },
  { rule: 'a long encoded token', minAscii: 40, found: longToken },
];

/** Printable ASCII characters other than space, counted up to `cap`: most names and notes are Chinese. */
function asciiCount(text: string, cap: number): number {
  let n = 0;
  for (let i = 0; i < text.length && n < cap; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) n++;
  }
  return n;
}

/** Null when the text may be stored; otherwise the rule it breaks, saying what it looked like. */
export function secretLikeContent(text: string): ValidationResult {
  const ascii = asciiCount(text, 40);
  for (const r of RULES) {
    if (ascii >= r.minAscii && r.found(text)) return `must not contain secrets: looks like ${r.rule}`;
  }
  return null;
}

export function looksLikeSecret(text: string): boolean {
  return secretLikeContent(text) !== null;
}

/** The text, or the notice in its place when it looks like a secret (for exports of rows stored earlier). */
export function withholdSecret<T extends string | null | undefined>(text: T, notice: string): T | string {
  return typeof text === 'string' && looksLikeSecret(text) ? notice : text;
}
