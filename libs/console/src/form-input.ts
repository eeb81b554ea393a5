import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError } from '../../common/src/domain.error.js';
import { problemsOf } from '../../common/src/validation.js';

/** A form's fields as the API's DTO would receive them: no CSRF token, an empty field is an absent one. */
export function formFields(body: unknown, keep: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const key of keep) {
    const value = (body as Record<string, unknown>)[key];
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

/** One entry per line (a textarea), blanks dropped. */
export function lines(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * Validates with the API's own DTO class and rules (the same decorators, the same domain validators), so
 * a page accepts and refuses exactly what the API does; failures carry field and rule like the API's 400.
 */
export async function validated<T extends object>(
  cls: new () => T,
  raw: Record<string, unknown>,
): Promise<T> {
  const instance = plainToInstance(cls, raw);
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length) throw DomainError.invalid(problemsOf(errors));
  return instance;
}
