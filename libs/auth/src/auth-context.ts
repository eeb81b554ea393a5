import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';

/** Who is acting, for which organization. Every service call that reads or writes data takes one. */
export interface AuthContext {
  organizationId: string;
  timeZone: string;
  locale: 'zh-CN' | 'en';
  actorType: 'api_key' | 'cli' | 'system' | 'link' | 'user';
  actorId: string | null;
  actorLabel: string;
  /**
   * A person's role in the organization (console requests). An API key has none: it acts for the whole
   * organization, like an administrator, so services check it only for people.
   */
  role?: 'admin' | 'manager' | 'operator' | 'viewer';
}

export const IS_PUBLIC = 'mp-guard:public';
/** Marks a route that needs no API key (health, docs, signed links, calendar feeds). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<{ auth?: AuthContext }>().auth;
  if (!auth) throw new Error('Auth used on a route without the API-key guard');
  return auth;
});
