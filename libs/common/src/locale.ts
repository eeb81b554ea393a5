import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from './domain.error.js';

export type Locale = 'zh-CN' | 'en';

/**
 * The language of an answer: `?locale=` when given (zh-CN or en; anything else is a 400), else the first
 * supported language of Accept-Language, else the organization's.
 */
export const RequestLocale = createParamDecorator((_: unknown, ctx: ExecutionContext): Locale => {
  const req = ctx.switchToHttp().getRequest<Request & { auth?: { locale: Locale } }>();
  const asked = req.query.locale;
  if (asked !== undefined) {
    if (asked === 'zh-CN' || asked === 'en') return asked;
    throw DomainError.invalid([{ field: 'locale', rule: "must be 'zh-CN' or 'en'" }]);
  }
  for (const part of String(req.headers['accept-language'] ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return req.auth?.locale ?? 'zh-CN';
});
