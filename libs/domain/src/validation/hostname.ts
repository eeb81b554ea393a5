import { domainToASCII } from 'node:url';

import type { ValidationResult } from './validation-result.js';

/**
 * A server domain as configured in the mini-program console (request/upload/download/socket 合法域名):
 * a bare public hostname, stored in its canonical form: lowercase ASCII, internationalized labels in
 * punycode (`xn--`), no trailing dot. The validator checks that form rather than silently accepting
 * variants, so stored domains compare equal; callers turn user input into it with `normalizeHostname`.
 */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const NUMERIC_LABEL = /^[0-9]+$/;

export function validateHostname(value: string): ValidationResult {
  if (value.length === 0) return 'must not be empty';
  if (/[/?#@\\]/.test(value)) return 'must be a bare hostname without scheme, path or credentials';
  if (/[\s\p{Cc}]/u.test(value)) return 'must not contain spaces or control characters';
  // Two or more colons can only be IPv6; one is a port.
  if (value.startsWith('[') || value.indexOf(':') !== value.lastIndexOf(':')) {
    return 'must be a domain name, not an IP address';
  }
  if (value.includes(':')) return 'must be a bare hostname without a port';
  if (/[^\p{ASCII}]/u.test(value)) {
    return 'must be ASCII: write internationalized domain names in punycode (xn--…)';
  }
  if (/[A-Z]/.test(value)) return 'must be lowercase';
  if (value.endsWith('.')) return 'must not end with a dot';
  if (value.length > 253) return 'must be at most 253 characters';
  const labels = value.split('.');
  if (labels.every((label) => NUMERIC_LABEL.test(label))) return 'must be a domain name, not an IP address';
  if (labels.at(-1) === 'localhost') return 'must be a public domain name, not localhost';
  if (labels.length < 2) return 'must have at least two labels, e.g. api.example.cn';
  if (!labels.every((label) => LABEL.test(label))) {
    return 'must have labels of 1-63 characters a-z, 0-9 and hyphen, not starting or ending with a hyphen';
  }
  if (NUMERIC_LABEL.test(labels.at(-1)!)) return 'must end in a top-level domain that is not all digits';
  // domainToASCII returns '' for malformed punycode and leaves a canonical name unchanged.
  if (domainToASCII(value) !== value) return 'must contain valid punycode in its xn-- labels';
  return null;
}

export function isHostname(value: string): boolean {
  return validateHostname(value) === null;
}

/**
 * Lowercases, maps full-width characters (Ｅｘａｍｐｌｅ。ｃｎ) and converts Chinese labels to punycode
 * (例子.中国 → xn--fsqu00a.xn--fiqs8s), per UTS #46 as browsers do. Input it cannot map is returned lowercased,
 * for `validateHostname` to explain.
 */
export function normalizeHostname(value: string): string {
  // domainToASCII parses a URL host: it would drop `/path`, `?query`, `#fragment`, `\x` and tabs, and
  // store `a.example.cn/path` as `a.example.cn`; such input is left for the validator to refuse
  if (/[/?#@\\\s\p{Cc}]/u.test(value)) return value.toLowerCase();
  return domainToASCII(value) || value.toLowerCase();
}
