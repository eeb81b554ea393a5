import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { firstInvalidUtf8 } from '../../domain/src/csv/index.js';
import { DomainError, type FieldProblem } from './domain.error.js';

/** Deeper than any body the API takes (three levels); parsers and validators recurse once per level. */
export const MAX_JSON_DEPTH = 32;

/** A DomainError that body-parser passes on as it is (it keeps an error's own status, 400). */
function invalidBody(problems: FieldProblem[]): DomainError {
  return Object.assign(DomainError.invalid(problems), { status: 400 });
}

/** Deepest nesting of `[` and `{` outside strings, counted without parsing (so without recursion). */
export function jsonDepth(bytes: Uint8Array, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
      if (max > stopAbove) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * body-parser's `verify` for JSON, run on the raw bytes before they are parsed: a body that is not UTF-8
 * would otherwise be stored with U+FFFD in place of the bad bytes, and one nested thousands of levels deep
 * overflows the stack of whatever walks it (a 500).
 */
export function verifyJsonBody(_req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding)) {
    const bad = firstInvalidUtf8(buf);
    if (bad >= 0) {
      throw invalidBody([
        { field: 'body', rule: `must be valid UTF-8 (bad byte sequence at byte offset ${bad})` },
      ]);
    }
  }
  if (jsonDepth(buf, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw invalidBody([
      { field: 'body', rule: `must not nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep` },
    ]);
  }
}

// C0 (NUL, line breaks), DEL and C1: no query parameter of the API takes them, and PostgreSQL refuses NUL.
const CONTROL = /\p{Cc}/u;

/** Every problem of a raw query string, each named by its parameter. */
export function queryProblems(rawQuery: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!rawQuery) return problems;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      problems.push({ field: 'query', rule: 'parameter names must be valid percent-encoded UTF-8' });
      continue;
    }
    const field = CONTROL.test(name) ? 'query' : name;
    if (CONTROL.test(name)) {
      problems.push({ field, rule: 'parameter names must not contain control characters' });
      continue;
    }
    let value: string;
    try {
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      problems.push({ field, rule: 'must be valid percent-encoded UTF-8' });
      continue;
    }
    if (CONTROL.test(value)) {
      problems.push({ field, rule: 'must not contain control characters such as NUL or line breaks' });
    }
  }
  return problems;
}

/**
 * Refuses a query string the validators would never see as it was sent: Express decodes a malformed or
 * non-UTF-8 escape into U+FFFD or leaves it as is, and a NUL reached PostgreSQL (a 500).
 */
export function rejectBadQuery(req: Request, _res: Response, next: NextFunction): void {
  const url = req.originalUrl ?? req.url;
  const q = url.indexOf('?');
  const problems = q < 0 ? [] : queryProblems(url.slice(q + 1));
  next(problems.length ? DomainError.invalid(problems) : undefined);
}
