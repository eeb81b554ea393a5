export { registrableDomain, topLevelDomain, TWO_LABEL_SUFFIXES } from './registrable-domain.js';
export { readRdapDomain, type RdapReading } from './rdap-answer.js';
export {
  decideRegistration,
  type ExpirySource,
  type HeldRegistration,
  type RegistrationDecision,
} from './registration-precedence.js';
