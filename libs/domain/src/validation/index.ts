export type { ValidationResult } from './validation-result.js';
export { isAppId, validateAppId } from './app-id.js';
export { computeCreditCodeCheckCharacter, isCreditCode, validateCreditCode } from './credit-code.js';
export { isEmail, validateEmail } from './email.js';
export { isHostname, normalizeHostname, validateHostname } from './hostname.js';
export { isIcpFilingNumber, validateIcpFilingNumber } from './icp-filing-number.js';
export {
  isServiceCategory,
  type ServiceCategoryNotice,
  UNKNOWN_SERVICE_CATEGORY,
  unknownServiceCategories,
  validateServiceCategory,
} from './service-category.js';
export { isText, validateFreeText, validateText, type TextRules } from './text.js';
export { looksLikeSecret, secretLikeContent, withholdSecret } from './secret.js';
