import { randomUUID } from 'node:crypto';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, ErrorCode } from './domain.error.js';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.Validation]: HttpStatus.BAD_REQUEST,
  [ErrorCode.Unauthorized]: HttpStatus.UNAUTHORIZED,
};

/**
 * One mapping from failures to HTTP. Domain errors and HTTP exceptions keep their status and message;
 * anything else is a 500 with an error id that is logged with the stack, never sent.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(caught: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    // Express middleware errors (body-parser's `verify`) arrive wrapped by Nest in an HttpException.
    const exception =
      caught instanceof HttpException && caught.cause instanceof DomainError ? caught.cause : caught;
    if (res.headersSent) {
      res.end();
      return;
    }
    if (exception instanceof DomainError) {
      if (exception.code === ErrorCode.Unauthorized) {
        // RFC 6750: a 401 names its scheme; a key that was sent but refused is an invalid_token
        const sent = Boolean(
          host.switchToHttp().getRequest<{ headers: { authorization?: string } }>().headers.authorization,
        );
        res.setHeader(
          'WWW-Authenticate',
          sent ? 'Bearer realm="mp-guard", error="invalid_token"' : 'Bearer realm="mp-guard"',
        );
      }
      res.status(STATUS[exception.code]).json({
        statusCode: STATUS[exception.code],
        error: exception.code,
        message: exception.message,
        ...(exception.problems.length ? { problems: exception.problems } : {}),
        ...exception.details,
      });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message =
        typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      res.status(status).json({
        statusCode: status,
        error: (HttpStatus[status] ?? 'error').toLowerCase(),
        message: Array.isArray(message)
          ? message.join('; ')
          : typeof message === 'string'
            ? message
            : exception.message,
      });
      return;
    }
    // Body-parser and similar middleware raise plain errors carrying a 4xx status.
    const status = (exception as { status?: unknown; statusCode?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (exception as { type?: string }).type;
      res.status(status).json({
        statusCode: status,
        error: type ?? 'bad_request',
        message: type === 'entity.parse.failed' ? 'body: must be valid JSON' : (exception as Error).message,
      });
      return;
    }
    const errorId = randomUUID();
    this.logger.error({ errorId, err: exception }, 'unhandled error');
    res.status(500).json({ statusCode: 500, error: 'internal_error', message: 'Internal error', errorId });
  }
}
