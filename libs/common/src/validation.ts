import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { registerDecorator, type ValidationOptions } from 'class-validator';
import { DomainError, type FieldProblem } from './domain.error.js';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent
      ? /^\d+$/.test(e.property)
        ? `${parent}[${e.property}]`
        : `${parent}.${e.property}`
      : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([key, text]) => {
      if (key === 'whitelistValidation') return { field, rule: 'is not a known field' };
      const rule = stripField(text, e.property);
      // `Satisfies(…, { each: true })` names the failing item as "[i] rule": the field gets the index
      const item = /^\[(\d+)\] (.*)$/s.exec(rule);
      return item ? { field: `${field}[${item[1]}]`, rule: item[2] } : { field, rule };
    });
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

// class-validator messages start with the property name; the field is reported separately.
function stripField(text: string, property: string): string {
  return text.startsWith(property + ' ') ? text.slice(property.length + 1) : text;
}

export function problemsOf(errors: ValidationError[]): FieldProblem[] {
  return flatten(errors);
}

/** Strict input: unknown fields rejected, types transformed, every failure named by field and rule. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => DomainError.invalid(problemsOf(errors)),
  });
}

/**
 * Wraps a pure validator from libs/domain (null when valid, else the rule) as a class-validator decorator,
 * so the API, the CSV import and the domain share one definition of each rule.
 */
export function Satisfies(
  validate: (value: string) => string | null,
  options: ValidationOptions & { name?: string } = {},
): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: options.name ?? validate.name,
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && validate(value) === null,
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          if (options.each && Array.isArray(value)) {
            // class-validator hands the whole array here: name the first item that fails, by its own rule
            const items: unknown[] = value;
            for (let i = 0; i < items.length; i++) {
              const item = items[i];
              const rule = typeof item === 'string' ? validate(item) : 'must be a string';
              if (rule) return `[${i}] ${rule}`;
            }
          }
          return typeof value === 'string' ? (validate(value) ?? 'is invalid') : 'must be a string';
        },
      },
    });
  };
}
