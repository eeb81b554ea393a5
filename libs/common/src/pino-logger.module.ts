import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  type LoggerService,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import type { Logger as Pino } from 'pino';
import { pinoHttp, type HttpLogger, type Options } from 'pino-http';

const HTTP_LOGGER = Symbol('HTTP_LOGGER');

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's logger interface on pino, so `new Logger(Context)` anywhere writes one JSON line with its
 * `context`. Nest appends the context as the last string argument; `error(message, stack, context)` keeps
 * the stack; an object or Error first (`logger.error({ err }, 'text')`) becomes the line's fields.
 * (Written here because nestjs-pino 5 requires Node 22 and 4.x does not accept Nest 12.)
 */
@Injectable()
export class PinoNestLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(@Inject(HTTP_LOGGER) http: HttpLogger) {
    this.pino = http.logger;
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const context = rest.length && typeof rest[rest.length - 1] === 'string' ? rest.pop() : undefined;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    const text = rest.filter((p): p is string => typeof p === 'string');
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, text[0] ?? message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...(message as Record<string, unknown>) }, text[0]);
    } else if (level === 'error' && text.length && /\n\s+at /.test(text[0])) {
      this.pino[level]({ ...fields, stack: text[0] }, String(message));
    } else {
      this.pino[level](fields, [String(message), ...text].join(' '));
    }
  }
}

/** pino-http for every route (one line per request) and `PinoNestLogger` for Nest and the services. */
@Global()
@Module({})
export class PinoLoggerModule implements NestModule {
  constructor(@Inject(HTTP_LOGGER) private readonly http: HttpLogger) {}

  static forRoot(options: Options): DynamicModule {
    return {
      module: PinoLoggerModule,
      providers: [{ provide: HTTP_LOGGER, useFactory: () => pinoHttp(options) }, PinoNestLogger],
      exports: [PinoNestLogger],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.http).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
