import { validateHostname } from './hostname.js';
import type { ValidationResult } from './validation-result.js';

/**
 * Pragmatic RFC 5321 mailbox: a dot-atom local part (no quoted strings, no comments, no SMTPUTF8), `@`, and
 * a domain that passes `validateHostname` once lowercased (domains are case-insensitive; local parts are
 * kept as typed because the receiving server may treat them case-sensitively). Address literals
 * (`user@[192.0.2.1]`) are rejected: reminders must reach a mailbox that survives a server move.
 */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

export function validateEmail(value: string): ValidationResult {
  if (value.length === 0) return 'must not be empty';
  if (/[\s\p{Cc}]/u.test(value)) return 'must not contain spaces or control characters';
  if (value.length > 254) return 'must be at most 254 characters';
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1 || value.indexOf('@') !== at) {
    return 'must be a single address of the form name@example.com';
  }
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64) return 'must have at most 64 characters before the @';
  if (!LOCAL_PART.test(local)) {
    return "must have only letters, digits, single dots and !#$%&'*+/=?^_`{|}~- before the @";
  }
  if (validateHostname(domain.toLowerCase()) !== null) {
    return 'must have a valid domain name after the @, e.g. example.com';
  }
  return null;
}

export function isEmail(value: string): boolean {
  return validateEmail(value) === null;
}
