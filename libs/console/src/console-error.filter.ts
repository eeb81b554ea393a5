import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode } from '../../common/src/domain.error.js';
import {
  type ConsoleRequest,
  ConsoleForbidden,
  CsrfRefused,
  LOCALE_COOKIE,
  readCookie,
  SignInRequired,
} from './console-context.js';
import { negotiateLocale, translator } from './i18n/messages.js';
import { translateRule } from './i18n/rules.js';
import { errorPage } from './views/auth-pages.js';

/**
 * Failures of console routes as pages, never JSON: no session sends the browser to sign in and back,
 * another organization's record is the same 404 page as a missing one, 500s show an error id only.
 */
@Catch()
export class ConsoleErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request & { console?: ConsoleRequest }>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    const locale =
      req.console?.locale ?? negotiateLocale(readCookie(req, LOCALE_COOKIE), req.headers['accept-language']);
    const c: ConsoleRequest = req.console ?? {
      locale,
      t: translator(locale),
      csrf: '',
      session: null,
      memberships: [],
      ctx: null,
      path: req.originalUrl,
    };
    const t = c.t;
    const send = (status: number, title: string, body: string) =>
      res
        .status(status)
        .type('html')
        .send(errorPage(c, title, body));
    if (exception instanceof SignInRequired) {
      const next = req.method === 'GET' ? req.originalUrl : '/console';
      res.redirect(303, `/console/sign-in?next=${encodeURIComponent(next)}`);
      return;
    }
    if (exception instanceof ConsoleForbidden)
      return void send(403, t('error.forbidden.title'), t('error.forbidden.body'));
    if (exception instanceof CsrfRefused) return void send(403, t('error.csrf.title'), t('error.csrf.body'));
    if (exception instanceof DomainError) {
      if (exception.code === ErrorCode.NotFound)
        return void send(404, t('error.notFound.title'), t('error.notFound.body'));
      const rule = exception.problems[0]?.rule ?? exception.message;
      return void send(
        exception.code === ErrorCode.Validation ? 400 : 409,
        t('error.conflict.title'),
        translateRule(rule, c.locale, t),
      );
    }
    if (exception instanceof HttpException && exception.getStatus() === 404)
      return void send(404, t('error.notFound.title'), t('error.notFound.body'));
    const status = (exception as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500)
      return void send(status, t('error.conflict.title'), t('common.errorsAbove'));
    const errorId = randomUUID();
    this.logger.error({ errorId, err: exception }, 'console error');
    send(500, t('error.internal.title'), t('error.internal.body', { id: errorId }));
  }
}
