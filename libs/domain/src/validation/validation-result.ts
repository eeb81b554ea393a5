/** `null` when the value is valid, otherwise a short rule shown to API users after the field name. */
export type ValidationResult = string | null;
