import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { type Membership, PeopleService, personContext } from '../../people/src/people.service.js';
import { type Role, roleAllows } from '../../people/src/roles.js';
import { type ActiveSession, SessionService } from '../../people/src/session.service.js';
import { AppStateService } from '../../reminders/src/app-state.service.js';
import { type ConsoleLocale, negotiateLocale, type Translate, translator } from './i18n/messages.js';

export const SESSION_COOKIE = 'mpg_session';
export const PRE_SESSION_COOKIE = 'mpg_pre';
export const LOCALE_COOKIE = 'mpg_lang';

/** What every console handler and page knows about the request. */
export interface ConsoleRequest {
  locale: ConsoleLocale;
  t: Translate;
  /** The synchronizer token every form carries: the session's, or before sign-in one bound to a cookie. */
  csrf: string;
  session: ActiveSession | null;
  memberships: Membership[];
  /** Present on every route that needs a session. */
  ctx: AuthContext | null;
  path: string;
}

export interface SignedInRequest extends ConsoleRequest {
  session: ActiveSession;
  ctx: AuthContext;
}

type WithConsole = Request & { console?: ConsoleRequest };

const ANONYMOUS = 'mpg-console:anonymous';
const ROLE = 'mpg-console:role';
/** A page anyone may open (sign-in, invitation, reset, assets). */
export const Anonymous = () => SetMetadata(ANONYMOUS, true);
/** The least role a route needs; routes without it need a viewer (any member). */
export const NeedsRole = (role: Role) => SetMetadata(ROLE, role);

/** Thrown by the guard; the console's error filter turns each into its page or redirect. */
export class SignInRequired extends Error {}
export class ConsoleForbidden extends Error {}
export class CsrfRefused extends Error {}

export const Page = createParamDecorator((_: unknown, ctx: ExecutionContext): SignedInRequest => {
  const c = ctx.switchToHttp().getRequest<WithConsole>().console;
  if (!c) throw new Error('Page used on a route without the console guard');
  return c as SignedInRequest;
});

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Cookies are HttpOnly and SameSite=Lax always, Secure when PUBLIC_URL is https. */
export function setCookie(
  res: Response,
  config: AppConfig,
  name: string,
  value: string,
  maxAgeSeconds?: number,
): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (config.publicUrl.startsWith('https:')) parts.push('Secure');
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  res.append('Set-Cookie', parts.join('; '));
}

export function clientAddress(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Only a path of this console may follow sign-in, never another site (`//evil`, `/\evil`). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' &&
    /^\/console(\/[A-Za-z0-9\-._~%/?=&;]*)?$/.test(next) &&
    !next.includes('//')
    ? next
    : '/console';
}

function sameToken(a: string, b: unknown): boolean {
  if (typeof b !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The console's guard: language, session, role and CSRF for every console route. A missing session sends
 * the browser to sign in and back; a role too small or a write without the form's token is refused
 * with 403 before the handler runs.
 */
@Injectable()
export class ConsoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly people: PeopleService,
    private readonly state: AppStateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithConsole>();
    const res = context.switchToHttp().getResponse<Response>();
    const session = await this.sessions.resolve(readCookie(req, SESSION_COOKIE));
    // The language a signed-in person chose is kept on the user and follows them to any browser; the
    // cookie is the choice before sign-in (and of someone who never chose).
    const locale =
      session?.consoleLocale ??
      negotiateLocale(readCookie(req, LOCALE_COOKIE), req.headers['accept-language']);
    let csrf: string;
    if (session) {
      csrf = session.csrfToken;
    } else {
      let pre = readCookie(req, PRE_SESSION_COOKIE);
      if (!pre || !/^[A-Za-z0-9_-]{43}$/.test(pre)) {
        pre = randomBytes(32).toString('base64url');
        setCookie(res, this.config, PRE_SESSION_COOKIE, pre);
      }
      csrf = createHmac('sha256', await this.state.linkSecret())
        .update(`mpg-csrf:${pre}`)
        .digest('base64url');
    }
    const memberships = session ? await this.people.membershipsOf(session.person.id) : [];
    req.console = {
      locale,
      t: translator(locale),
      csrf,
      session,
      memberships,
      ctx: session
        ? personContext(
            session.person,
            session.organization.id,
            session.organization.timeZone,
            session.organization.locale,
            session.role,
          )
        : null,
      path: req.originalUrl,
    };
    const handlers = [context.getHandler(), context.getClass()];
    const anonymous = this.reflector.getAllAndOverride<boolean>(ANONYMOUS, handlers);
    if (!anonymous && !session) throw new SignInRequired();
    const needed = this.reflector.getAllAndOverride<Role | undefined>(ROLE, handlers) ?? 'viewer';
    if (!anonymous && session && !roleAllows(session.role, needed)) throw new ConsoleForbidden();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // A multipart upload's body is read after the guard, so its form carries the token in the URL.
      const body = req.body as Record<string, unknown> | undefined;
      const given = body && typeof body === 'object' && '_csrf' in body ? body._csrf : req.query._csrf;
      if (!sameToken(csrf, given)) throw new CsrfRefused();
    }
    return true;
  }
}
