/**
 * CSV/formula-injection defence (OWASP "CSV Injection"): a text cell that a spreadsheet could read as a
 * formula or a DDE call gets a leading apostrophe, so Excel, WPS and LibreOffice show it as text.
 *
 * Triggers: `=`, `+`, `-`, `@`, TAB and CR as the first character.
 * Exception: a plain decimal number (`-5`, `+3`, `12.5`) is left alone, because it cannot run anything and
 * "days left" must stay a number a spreadsheet can sort and sum. Numbers passed as numbers are never prefixed.
 */
const TRIGGER = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

export function neutralizeCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  if (TRIGGER.test(value) && !PLAIN_NUMBER.test(value)) return `'${value}`;
  return value;
}
