import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { registerDecorator, type ValidationOptions, type ValidatorOptions } from 'class-validator';
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

const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';
export const NULL_RULE = 'must not be null (leave the field out to keep its value)';

/** Whether the API documents `null` for this property (`@ApiProperty({ nullable: true })`). */
function nullable(owner: object, property: string): boolean {
  const proto = (owner.constructor as { prototype?: object } | undefined)?.prototype;
  if (!proto) return false;
  const meta = Reflect.getMetadata(API_MODEL_PROPERTIES, proto, property) as
    { nullable?: boolean } | undefined;
  return meta?.nullable === true;
}

const isDto = (value: unknown): value is object =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  value.constructor !== Object &&
  value.constructor !== undefined;

/**
 * `null` where the API does not document it, as ValidationErrors shaped like class-validator's. `@IsOptional`
 * lets null through to the service as if it were absent; a NOT NULL column then failed with a 500.
 */
function nullErrors(object: object): ValidationError[] {
  const errors: ValidationError[] = [];
  for (const [property, value] of Object.entries(object)) {
    if (value === null) {
      if (!nullable(object, property)) {
        errors.push({ property, children: [], constraints: { isNotNull: NULL_RULE } });
      }
    } else if (isDto(value)) {
      const children = nullErrors(value);
      if (children.length) errors.push({ property, children });
    } else if (Array.isArray(value)) {
      const children: ValidationError[] = [];
      value.forEach((item: unknown, i) => {
        if (item === null) {
          children.push({ property: String(i), children: [], constraints: { isNotNull: NULL_RULE } });
        } else if (isDto(item)) {
          const nested = nullErrors(item);
          if (nested.length) children.push({ property: String(i), children: nested });
        }
      });
      if (children.length) errors.push({ property, children });
    }
  }
  return errors;
}

/** The null errors win over what class-validator said about the same property (e.g. "must be a string"). */
function mergeErrors(found: ValidationError[], nulls: ValidationError[]): ValidationError[] {
  const merged = [...found];
  for (const n of nulls) {
    const i = merged.findIndex((e) => e.property === n.property);
    if (i < 0) merged.push(n);
    else if (n.constraints) merged[i] = n;
    else merged[i] = { ...merged[i], children: mergeErrors(merged[i].children ?? [], n.children ?? []) };
  }
  return merged;
}

/** ValidationPipe that also refuses null on every property whose schema does not say `nullable`. */
class StrictValidationPipe extends ValidationPipe {
  protected override async validate(
    object: object,
    validatorOptions?: ValidatorOptions,
  ): Promise<ValidationError[]> {
    const found = await super.validate(object, validatorOptions);
    return mergeErrors(found, nullErrors(object));
  }
}

/**
 * Strict input: unknown fields rejected, types transformed, null only where documented, every failure named
 * by field and rule.
 */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
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
