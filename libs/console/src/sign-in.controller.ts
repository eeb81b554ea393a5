import {
  Body,
  Controller,
  Get,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import type { InvitationPurpose } from '../../people/src/invitation-token.js';
import { InvitationUnusableError, PeopleService } from '../../people/src/people.service.js';
import { SessionService } from '../../people/src/session.service.js';
import { STYLESHEET } from './assets.js';
import {
  Anonymous,
  clientAddress,
  ConsoleGuard,
  LOCALE_COOKIE,
  Page,
  readCookie,
  safeNext,
  SESSION_COOKIE,
  setCookie,
  type ConsoleRequest,
  type SignedInRequest,
} from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { translateRule } from './i18n/rules.js';
import { invitationPage, linkUnusablePage, resetRequestPage, signInPage } from './views/auth-pages.js';
import type { FieldErrors } from './views/forms.js';

type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function problemsToErrors(error: DomainError, c: ConsoleRequest): FieldErrors {
  const errors: FieldErrors = {};
  for (const p of error.problems) (errors[p.field] ??= []).push(translateRule(p.rule, c.locale, c.t));
  return errors;
}

const LINK_PATHS = ['console/invitations/:token', 'console/reset/:token'];
const purposeOf = (req: Request): InvitationPurpose =>
  req.path.startsWith('/console/invitations/') ? 'invite' : 'reset';

type LinkInvitation = Extract<Awaited<ReturnType<PeopleService['inspect']>>, { ok: true }>['invitation'];
function linkModel(token: string, purpose: InvitationPurpose, inv: LinkInvitation) {
  return {
    token,
    purpose,
    inviter: inv.invitedBy,
    organizationName: inv.organizationName,
    email: inv.email,
    role: inv.role,
    existingUser: inv.existingUser,
  };
}

/** Signing in and out, invitations, password resets, language and organization switches. */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller()
export class SignInController {
  constructor(
    private readonly people: PeopleService,
    private readonly sessions: SessionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Anonymous()
  root(@Res() res: Response): void {
    res.redirect(302, '/console');
  }

  @Get('console/assets/:name')
  @Anonymous()
  asset(@Param('name') name: string, @Res() res: Response): void {
    if (name !== STYLESHEET.name) {
      res.status(404).type('text').send('not found');
      return;
    }
    res.set('Cache-Control', 'public, max-age=31536000, immutable').type('css').send(STYLESHEET.body);
  }

  @Get('console/language')
  @Anonymous()
  async language(
    @Page() c: ConsoleRequest,
    @Query('to') to: unknown,
    @Query('next') next: unknown,
    @Res() res: Response,
  ): Promise<void> {
    if (to === 'en' || to === 'zh-CN') {
      setCookie(res, this.config, LOCALE_COOKIE, to, 365 * 86_400);
      if (c.session) await this.people.setConsoleLocale(c.session.person.id, to);
    }
    res.redirect(
      303,
      typeof next === 'string' && /^\/console\/(sign-in|invitations|reset)/.test(next)
        ? next
        : safeNext(next),
    );
  }

  @Get('console/sign-in')
  @Anonymous()
  signInForm(@Page() c: ConsoleRequest, @Query() query: Form, @Res() res: Response): void {
    const next = safeNext(query.next);
    if (c.session) return res.redirect(303, next);
    const notice = {
      out: 'signIn.signedOut',
      everywhere: 'signIn.signedOutEverywhere',
      password: 'signIn.passwordSet',
    }[str(query.notice)] as 'signIn.signedOut' | undefined;
    res.type('html').send(signInPage(c, { next, notice: notice ? c.t(notice) : null }));
  }

  @Post('console/sign-in')
  @Anonymous()
  async signIn(@Page() c: ConsoleRequest, @Body() body: Form, @Req() req: Request, @Res() res: Response) {
    const email = str(body.email);
    const next = safeNext(body.next);
    const result = await this.people.signIn(email, str(body.password), clientAddress(req));
    if (!result.ok) {
      const key = {
        invalid: 'signIn.invalid',
        limited: 'signIn.limited',
        no_membership: 'signIn.noMembership',
      } as const;
      res
        .status(result.reason === 'limited' ? 429 : 401)
        .type('html')
        .send(signInPage(c, { email, next, error: c.t(key[result.reason]) }));
      return;
    }
    // Never keep a session id the browser brought: end it, and start a new one.
    await this.sessions.end(readCookie(req, SESSION_COOKIE));
    const organizationId =
      (await this.sessions.lastOrganization(result.person.id)) ?? result.memberships[0].organizationId;
    const token = await this.sessions.start(result.person.id, organizationId, clientAddress(req));
    setCookie(res, this.config, SESSION_COOKIE, token);
    const chosen = (await this.sessions.resolve(token))?.consoleLocale;
    if (chosen) setCookie(res, this.config, LOCALE_COOKIE, chosen, 365 * 86_400);
    res.redirect(303, next);
  }

  @Post('console/sign-out')
  @Anonymous()
  async signOut(@Req() req: Request, @Res() res: Response) {
    await this.sessions.end(readCookie(req, SESSION_COOKIE));
    setCookie(res, this.config, SESSION_COOKIE, '', 0);
    res.redirect(303, '/console/sign-in?notice=out');
  }

  @Post('console/sign-out-everywhere')
  async signOutEverywhere(@Page() c: SignedInRequest, @Res() res: Response) {
    await this.sessions.endAll(c.session.person.id);
    setCookie(res, this.config, SESSION_COOKIE, '', 0);
    res.redirect(303, '/console/sign-in?notice=everywhere');
  }

  @Post('console/organization')
  async switchOrganization(@Page() c: SignedInRequest, @Body() body: Form, @Res() res: Response) {
    const id = str(body.organizationId);
    if (/^[0-9a-f-]{36}$/i.test(id))
      await this.sessions.switchOrganization(c.session.id, c.session.person.id, id);
    res.redirect(303, '/console');
  }

  @Get('console/reset')
  @Anonymous()
  resetForm(@Page() c: ConsoleRequest, @Res() res: Response): void {
    res.type('html').send(resetRequestPage(c, { sent: false }));
  }

  @Post('console/reset')
  @Anonymous()
  async requestReset(@Page() c: ConsoleRequest, @Body() body: Form, @Res() res: Response) {
    await this.people.requestReset(str(body.email));
    res
      .status(200)
      .type('html')
      .send(resetRequestPage(c, { sent: true }));
  }

  /** An invitation's or a password reset's one-time link: the same page, told apart by its path. */
  @Get(LINK_PATHS)
  @Anonymous()
  showLink(
    @Page() c: ConsoleRequest,
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.linkPage(c, token, purposeOf(req), res);
  }

  @Post(LINK_PATHS)
  @Anonymous()
  useLink(
    @Page() c: ConsoleRequest,
    @Param('token') token: string,
    @Body() body: Form,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.acceptLink(c, token, purposeOf(req), body, req, res);
  }

  private async linkPage(c: ConsoleRequest, token: string, purpose: InvitationPurpose, res: Response) {
    // The token is in the URL: it must not leak to another site through the Referer header.
    res.set('Referrer-Policy', 'no-referrer');
    const state = await this.people.inspect(token, purpose);
    if (!state.ok) {
      res
        .status(state.reason === 'invalid' ? 404 : 410)
        .type('html')
        .send(linkUnusablePage(c, state.reason));
      return;
    }
    res.type('html').send(invitationPage(c, linkModel(token, purpose, state.invitation)));
  }

  private async acceptLink(
    c: ConsoleRequest,
    token: string,
    purpose: InvitationPurpose,
    body: Form,
    req: Request,
    res: Response,
  ) {
    res.set('Referrer-Policy', 'no-referrer');
    try {
      const { person, organizationId } = await this.people.accept(token, purpose, {
        name: str(body.name),
        password: str(body.password),
        locale: c.locale,
      });
      if (purpose === 'reset') return res.redirect(303, '/console/sign-in?notice=password');
      await this.sessions.end(readCookie(req, SESSION_COOKIE));
      const session = await this.sessions.start(person.id, organizationId, clientAddress(req));
      setCookie(res, this.config, SESSION_COOKIE, session);
      res.redirect(303, '/console');
    } catch (error) {
      if (error instanceof InvitationUnusableError) {
        res
          .status(error.reason === 'invalid' ? 404 : 410)
          .type('html')
          .send(linkUnusablePage(c, error.reason));
        return;
      }
      if (error instanceof DomainError && error.problems.length) {
        const state = await this.people.inspect(token, purpose);
        if (!state.ok) throw error;
        res
          .status(400)
          .type('html')
          .send(
            invitationPage(c, {
              ...linkModel(token, purpose, state.invitation),
              name: str(body.name),
              errors: problemsToErrors(error, c),
            }),
          );
        return;
      }
      throw error;
    }
  }
}
