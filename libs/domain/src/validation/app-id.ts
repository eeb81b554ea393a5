import type { ValidationResult } from './validation-result.js';

const APP_ID = /^wx[0-9a-f]{16}$/;

export function validateAppId(value: string): ValidationResult {
  return APP_ID.test(value) ? null : "must be 'wx' followed by 16 lowercase hexadecimal characters";
}

export function isAppId(value: string): boolean {
  return validateAppId(value) === null;
}
