import type { ValidationResult } from './validation-result.js';

/**
 * A WeChat service category path as shown in the console, e.g. `医疗 > 互联网医院`: 1 to 3 levels joined by
 * ' > '. WeChat's own names use '/' inside a level (`生活服务 > 百货/超市/便利店`), so it is allowed besides
 * CJK, letters, digits, 、, -, and ASCII or full-width brackets.
 */
const SEPARATOR = ' > ';
const LEVEL = /^[\p{Script=Han}A-Za-z0-9、（）()/-]{1,20}$/u;

export function validateServiceCategory(value: string): ValidationResult {
  const levels = value.split(SEPARATOR);
  if (levels.length > 3) return "must have at most 3 levels separated by ' > '";
  if (!levels.every((level) => LEVEL.test(level))) {
    return "must be levels joined by ' > ', each 1-20 characters of Chinese, letters, digits, 、, /, - or brackets";
  }
  return null;
}

export function isServiceCategory(value: string): boolean {
  return validateServiceCategory(value) === null;
}
