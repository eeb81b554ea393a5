import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { DomainError, ErrorCode } from '../../common/src/domain.error.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { localDateOf } from '../../domain/src/time/index.js';
import { validateEmail } from '../../domain/src/validation/index.js';
import { AppStateService } from '../../reminders/src/app-state.service.js';
import { insertDeliveries, mailDomainOf } from '../../reminders/src/planner.service.js';
import { type InvitationPurpose, signInvitation, verifyInvitation } from './invitation-token.js';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { isRole, type Role } from './roles.js';

/** Why a change that would leave the organization without an administrator is refused. */
export const LAST_ADMIN_RULE =
  'is the last administrator of the organization: make another member admin first';

/** Invitations and reset links are usable for seven days. */
export const INVITATION_DAYS = 7;
/** Wrong passwords allowed per account, and attempts per address, within one minute. */
export const SIGN_IN_LIMITS = { perAccount: 5, perAddress: 30, windowSeconds: 60 } as const;

export interface Membership {
  organizationId: string;
  organizationName: string;
  timeZone: string;
  locale: 'zh-CN' | 'en';
  role: Role;
}

export interface Person {
  id: string;
  email: string;
  name: string;
  locale: 'zh-CN' | 'en';
}

export interface InvitationView {
  id: string;
  purpose: InvitationPurpose;
  email: string;
  role: Role | null;
  organizationId: string;
  organizationName: string;
  locale: 'zh-CN' | 'en';
  invitedBy: string;
  /** The invited e-mail already has an account: accepting asks for its password instead of a new one. */
  existingUser: boolean;
}

export type InvitationState =
  | { ok: true; invitation: InvitationView }
  | { ok: false; reason: 'invalid' | 'expired' | 'used' | 'revoked' };

export type SignInResult =
  | { ok: true; person: Person; memberships: Membership[] }
  | { ok: false; reason: 'invalid' | 'limited' | 'no_membership' };

export interface IssuedInvitation {
  id: string;
  link: string;
  expiresAt: Date;
}

function invalid(field: string, rule: string): DomainError {
  return DomainError.invalid([{ field, rule }]);
}

/**
 * People and their access: invitations and password resets (mailed through the reminder outbox, single
 * use, signed, seven days), accepting them, and signing in with a per-account and per-address limit kept
 * in PostgreSQL so it holds across instances.
 */
@Injectable()
export class PeopleService {
  private readonly mailDomain: string;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly state: AppStateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.mailDomain = mailDomainOf(config.MAIL_FROM);
  }

  linkFor(id: string, purpose: InvitationPurpose, expiresAt: Date, secret: string): string {
    const path = purpose === 'invite' ? 'invitations' : 'reset';
    return `${this.config.publicUrl}/console/${path}/${signInvitation(id, purpose, expiresAt, secret)}`;
  }

  /**
   * Invites `email` to the organization with a role. With `mail`, the invitation goes through the outbox in
   * the same transaction (never lost, never twice); the link is also returned (the CLI and the demo print it).
   */
  async invite(
    ctx: AuthContext,
    input: { email: string; role: string; locale?: 'zh-CN' | 'en' },
    options: { mail: boolean },
  ): Promise<IssuedInvitation> {
    const email = input.email.trim().toLowerCase();
    const problems = [];
    if (validateEmail(email))
      problems.push({ field: 'email', rule: 'must be a single address of the form name@example.com' });
    if (!isRole(input.role))
      problems.push({ field: 'role', rule: 'must be one of: admin, manager, operator, viewer' });
    if (problems.length) throw DomainError.invalid(problems);
    const secret = await this.state.linkSecret();
    const now = this.clock.now();
    const expiresAt = expiryFrom(now);
    const locale = input.locale ?? ctx.locale;
    return this.db.transaction(async (m) => {
      const [row] = await m.query<{ id: string }[]>(
        `INSERT INTO invitations (purpose, organization_id, email, role, locale, invited_by, created_at, expires_at)
         VALUES ('invite', $1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [ctx.organizationId, email, input.role, locale, ctx.actorLabel, now, expiresAt],
      );
      await this.audit.record(m, ctx, {
        action: 'invitation.created',
        entityType: 'invitation',
        entityId: row.id,
        after: { email, role: input.role, expiresAt: expiresAt.toISOString(), mailed: options.mail },
      });
      if (options.mail)
        await this.enqueue(
          m,
          ctx.organizationId,
          ctx.timeZone,
          row.id,
          'invitation',
          email,
          input.role,
          locale,
        );
      return { id: row.id, expiresAt, link: this.linkFor(row.id, 'invite', expiresAt, secret) };
    });
  }

  async revokeInvitation(ctx: AuthContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      // For an UPDATE, TypeORM answers [rows, affected count], not the rows: `[row]` was always truthy,
      // so another organization's (or a used) invitation "revoked" with 303 and an audit event.
      const [rows] = await m.query<[{ id: string }[], number]>(
        `UPDATE invitations SET revoked_at = $3 WHERE id = $1 AND organization_id = $2 AND used_at IS NULL
           AND revoked_at IS NULL RETURNING id`,
        [id, ctx.organizationId, this.clock.now()],
      );
      if (!rows.length) throw DomainError.notFound('Invitation');
      await this.audit.record(m, ctx, {
        action: 'invitation.revoked',
        entityType: 'invitation',
        entityId: id,
      });
    });
  }

  async pendingInvitations(ctx: AuthContext) {
    return this.db.query<{ id: string; email: string; role: Role; expires_at: Date; invited_by: string }[]>(
      `SELECT id, email, role, expires_at, invited_by FROM invitations
        WHERE organization_id = $1 AND purpose = 'invite' AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
        ORDER BY created_at DESC LIMIT 200`,
      [ctx.organizationId, this.clock.now()],
    );
  }

  async members(ctx: AuthContext) {
    return this.db.query<{ id: string; email: string; name: string; role: Role }[]>(
      `SELECT u.id, u.email, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.organization_id = $1 ORDER BY u.name, u.email`,
      [ctx.organizationId],
    );
  }

  /**
   * Changes a member's role. Under a lock on the organization's memberships, so two administrators
   * demoting each other at once cannot leave the organization without one.
   */
  async changeRole(ctx: AuthContext, userId: string, roleInput: string): Promise<void> {
    if (!isRole(roleInput)) throw invalid('role', 'must be one of: admin, manager, operator, viewer');
    const role: Role = roleInput;
    await this.db.transaction(async (m) => {
      const members = await this.lockMembers(m, ctx.organizationId);
      const member = members.find((x) => x.user_id === userId);
      if (!member) throw DomainError.notFound('Member');
      if (member.role === role) return;
      if (member.role === 'admin' && members.filter((x) => x.role === 'admin').length === 1)
        throw new DomainError(ErrorCode.Conflict, LAST_ADMIN_RULE, [
          { field: 'role', rule: LAST_ADMIN_RULE },
        ]);
      await m.query(`UPDATE memberships SET role = $3 WHERE user_id = $1 AND organization_id = $2`, [
        userId,
        ctx.organizationId,
        role,
      ]);
      await this.audit.record(m, ctx, {
        action: 'membership.role_changed',
        entityType: 'user',
        entityId: userId,
        before: { email: member.email, role: member.role },
        after: { email: member.email, role },
      });
    });
  }

  /** Removes a member from the organization (their sessions there end at once); never the last admin. */
  async removeMember(ctx: AuthContext, userId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const members = await this.lockMembers(m, ctx.organizationId);
      const member = members.find((x) => x.user_id === userId);
      if (!member) throw DomainError.notFound('Member');
      if (member.role === 'admin' && members.filter((x) => x.role === 'admin').length === 1)
        throw new DomainError(ErrorCode.Conflict, LAST_ADMIN_RULE, [
          { field: 'member', rule: LAST_ADMIN_RULE },
        ]);
      await m.query(`DELETE FROM memberships WHERE user_id = $1 AND organization_id = $2`, [
        userId,
        ctx.organizationId,
      ]);
      await m.query(
        `UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND organization_id = $2 AND revoked_at IS NULL`,
        [userId, ctx.organizationId, this.clock.now()],
      );
      await this.audit.record(m, ctx, {
        action: 'membership.removed',
        entityType: 'user',
        entityId: userId,
        before: { email: member.email, role: member.role },
      });
    });
  }

  /** The console language a person chose: kept on the user, so it follows them to another browser. */
  async setConsoleLocale(userId: string, locale: 'zh-CN' | 'en'): Promise<void> {
    await this.db.query(`UPDATE users SET console_locale = $2 WHERE id = $1`, [userId, locale]);
  }

  private lockMembers(m: EntityManager, organizationId: string) {
    return m.query<{ user_id: string; email: string; role: Role }[]>(
      `SELECT mb.user_id, u.email, mb.role FROM memberships mb JOIN users u ON u.id = mb.user_id
        WHERE mb.organization_id = $1 ORDER BY mb.user_id FOR UPDATE OF mb`,
      [organizationId],
    );
  }

  /** What a link names, if it may still be used. */
  async inspect(
    token: string,
    purpose: InvitationPurpose,
    m: EntityManager = this.db.manager,
  ): Promise<InvitationState> {
    const verdict = verifyInvitation(token, purpose, await this.state.linkSecret(), this.clock.now());
    if (!verdict.ok) return { ok: false, reason: verdict.reason === 'expired' ? 'expired' : 'invalid' };
    const [row] = await m.query<
      {
        id: string;
        purpose: InvitationPurpose;
        email: string;
        role: Role | null;
        organization_id: string;
        organization_name: string;
        locale: 'zh-CN' | 'en';
        expires_at: Date;
        used_at: Date | null;
        revoked_at: Date | null;
        existing_user: boolean;
        invited_by: string;
      }[]
    >(
      `SELECT i.id, i.purpose, i.email, i.role, i.organization_id, o.name AS organization_name, i.locale,
              i.expires_at, i.used_at, i.revoked_at, i.invited_by,
              EXISTS (SELECT 1 FROM users u WHERE u.email = i.email AND u.password_hash IS NOT NULL) AS existing_user
         FROM invitations i JOIN organizations o ON o.id = i.organization_id
        WHERE i.id = $1 AND i.purpose = $2`,
      [verdict.id, purpose],
    );
    // The row's own expiry decides (the token's copy is only a signed hint).
    if (!row || row.expires_at.getTime() !== verdict.expiresAt.getTime())
      return { ok: false, reason: 'invalid' };
    if (row.used_at) return { ok: false, reason: 'used' };
    if (row.revoked_at) return { ok: false, reason: 'revoked' };
    if (row.expires_at <= this.clock.now()) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      invitation: {
        id: row.id,
        purpose: row.purpose,
        email: row.email,
        role: row.role,
        organizationId: row.organization_id,
        organizationName: row.organization_name,
        locale: row.locale,
        existingUser: row.existing_user,
        invitedBy: row.invited_by,
      },
    };
  }

  /**
   * Uses an invitation or reset link once: under the invitation's row lock, so two submissions at once
   * cannot both succeed. A new person sets name and password; an existing one proves it with the password.
   */
  async accept(
    token: string,
    purpose: InvitationPurpose,
    input: { name?: string; password: string; locale?: 'zh-CN' | 'en' },
  ): Promise<{ person: Person; organizationId: string }> {
    return this.db.transaction(async (m) => {
      const first = await this.inspect(token, purpose, m);
      if (!first.ok) throw new InvitationUnusableError(first.reason);
      await m.query(`SELECT 1 FROM invitations WHERE id = $1 FOR UPDATE`, [first.invitation.id]);
      const state = await this.inspect(token, purpose, m);
      if (!state.ok) throw new InvitationUnusableError(state.reason);
      const inv = state.invitation;
      const now = this.clock.now();
      const [existing] = await m.query<(Person & { password_hash: string | null })[]>(
        `SELECT id, email, name, locale, password_hash FROM users WHERE email = $1 FOR UPDATE`,
        [inv.email],
      );
      let person: Person;
      if (purpose === 'invite' && existing?.password_hash) {
        if (!(await verifyPassword(input.password, existing.password_hash)))
          throw invalid('password', 'is not the password of this account');
        person = existing;
      } else {
        const problem = passwordProblem(input.password);
        if (problem) throw invalid('password', problem);
        const name = (input.name?.trim() || existing?.name || '').trim();
        if (!name || name.length > 100) throw invalid('name', 'must be 1 to 100 characters');
        const hash = await hashPassword(input.password);
        const locale = input.locale ?? inv.locale;
        if (existing) {
          await m.query(
            `UPDATE users SET name = $2, password_hash = $3, password_changed_at = $4 WHERE id = $1`,
            [existing.id, name, hash, now],
          );
          // A new password signs the person out everywhere.
          await m.query(`UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, [
            existing.id,
            now,
          ]);
          person = { id: existing.id, email: existing.email, name, locale: existing.locale };
        } else {
          const [created] = await m.query<{ id: string }[]>(
            `INSERT INTO users (email, name, locale, password_hash, password_changed_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
            [inv.email, name, locale, hash, now],
          );
          person = { id: created.id, email: inv.email, name, locale };
        }
      }
      if (purpose === 'invite') {
        await m.query(
          `INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (user_id, organization_id) DO UPDATE SET role = EXCLUDED.role`,
          [person.id, inv.organizationId, inv.role, now],
        );
      }
      await m.query(`UPDATE invitations SET used_at = $2, user_id = $3 WHERE id = $1`, [
        inv.id,
        now,
        person.id,
      ]);
      const [org] = await m.query<{ time_zone: string; locale: 'zh-CN' | 'en' }[]>(
        `SELECT time_zone, locale FROM organizations WHERE id = $1`,
        [inv.organizationId],
      );
      await this.audit.record(m, personContext(person, inv.organizationId, org.time_zone, org.locale), {
        action: purpose === 'invite' ? 'invitation.accepted' : 'password.reset',
        entityType: 'user',
        entityId: person.id,
        after: { email: person.email, role: inv.role },
      });
      return { person, organizationId: inv.organizationId };
    });
  }

  /**
   * Mails a reset link when the address has an account; answers the same either way, so the form does not
   * tell who has one. A second request within a minute sends nothing more.
   */
  async requestReset(emailInput: string): Promise<void> {
    const email = emailInput.trim().toLowerCase();
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const [user] = await m.query<
        { id: string; locale: 'zh-CN' | 'en'; organization_id: string; time_zone: string; role: Role }[]
      >(
        `SELECT u.id, u.locale, mb.organization_id, o.time_zone, mb.role FROM users u
           JOIN memberships mb ON mb.user_id = u.id JOIN organizations o ON o.id = mb.organization_id
          WHERE u.email = $1 ORDER BY mb.created_at LIMIT 1 FOR UPDATE OF u`,
        [email],
      );
      if (!user) return;
      const [recent] = await m.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM invitations WHERE user_id = $1 AND purpose = 'reset' AND created_at > $2`,
        [user.id, new Date(now.getTime() - 60_000)],
      );
      if (recent.n > 0) return;
      const expiresAt = expiryFrom(now);
      const [row] = await m.query<{ id: string }[]>(
        `INSERT INTO invitations (purpose, organization_id, email, user_id, locale, invited_by, created_at, expires_at)
         VALUES ('reset', $1, $2, $3, $4, 'password reset form', $5, $6) RETURNING id`,
        [user.organization_id, email, user.id, user.locale, now, expiresAt],
      );
      await this.enqueue(
        m,
        user.organization_id,
        user.time_zone,
        row.id,
        'password_reset',
        email,
        user.role,
        user.locale,
      );
    });
  }

  /**
   * Checks a password with the attempt limits: the sixth wrong password for one account within a minute,
   * or too many attempts from one address, is refused before the password is even compared. The advisory
   * locks serialize attempts on the same account or address across instances, so the count is exact.
   */
  async signIn(emailInput: string, password: string, address: string): Promise<SignInResult> {
    const email = emailInput.trim().toLowerCase().slice(0, 320);
    const now = this.clock.now();
    const since = new Date(now.getTime() - SIGN_IN_LIMITS.windowSeconds * 1000);
    return this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('mpg-sign-in:' || $1))`, [email]);
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('mpg-sign-in-address:' || $1))`, [address]);
      const [counts] = await m.query<{ account: number; address: number }[]>(
        `SELECT (SELECT count(*) FROM sign_in_attempts WHERE email = $1 AND NOT succeeded AND attempted_at > $3)::int AS account,
                (SELECT count(*) FROM sign_in_attempts WHERE address = $2 AND attempted_at > $3)::int AS address`,
        [email, address, since],
      );
      const record = (succeeded: boolean) =>
        m.query(
          `INSERT INTO sign_in_attempts (email, address, succeeded, attempted_at) VALUES ($1, $2, $3, $4)`,
          [email, address, succeeded, now],
        );
      if (counts.account >= SIGN_IN_LIMITS.perAccount || counts.address >= SIGN_IN_LIMITS.perAddress) {
        await record(false);
        return { ok: false, reason: 'limited' } as const;
      }
      const [user] = await m.query<(Person & { password_hash: string | null })[]>(
        `SELECT id, email, name, locale, password_hash FROM users WHERE email = $1`,
        [email],
      );
      const matches = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !user.password_hash || !matches) {
        await record(false);
        return { ok: false, reason: 'invalid' } as const;
      }
      await record(true);
      const memberships = await this.membershipsOf(user.id, m);
      if (!memberships.length) return { ok: false, reason: 'no_membership' } as const;
      return {
        ok: true,
        person: { id: user.id, email: user.email, name: user.name, locale: user.locale },
        memberships,
      } as const;
    });
  }

  membershipsOf(userId: string, m: EntityManager = this.db.manager): Promise<Membership[]> {
    return m
      .query<
        { organization_id: string; name: string; time_zone: string; locale: 'zh-CN' | 'en'; role: Role }[]
      >(
        `SELECT mb.organization_id, o.name, o.time_zone, o.locale, mb.role FROM memberships mb
           JOIN organizations o ON o.id = mb.organization_id WHERE mb.user_id = $1 ORDER BY o.name, o.id`,
        [userId],
      )
      .then((rows) =>
        rows.map((r) => ({
          organizationId: r.organization_id,
          organizationName: r.name,
          timeZone: r.time_zone,
          locale: r.locale,
          role: r.role,
        })),
      );
  }

  private async enqueue(
    m: EntityManager,
    organizationId: string,
    timeZone: string,
    invitationId: string,
    kind: 'invitation' | 'password_reset',
    email: string,
    role: string,
    locale: string,
  ): Promise<void> {
    const now = this.clock.now();
    const [notification] = await m.query<{ id: string }[]>(
      `INSERT INTO notifications (organization_id, kind, stage, trigger_on, status, subject_ref, created_at)
       VALUES ($1, $2, $2, $3, 'pending', $4, $5)
       ON CONFLICT (subject_ref) WHERE kind IN ('invitation', 'password_reset') DO NOTHING
       RETURNING id`,
      [organizationId, kind, localDateOf(now, timeZone), invitationId, now],
    );
    if (!notification) return;
    await insertDeliveries(m, organizationId, now, this.mailDomain, [
      [notification.id, null, email, email, role, locale],
    ]);
  }
}

/** Whole seconds, as the link carries them: the row and the link must name the same instant. */
function expiryFrom(now: Date): Date {
  return new Date(Math.floor((now.getTime() + INVITATION_DAYS * 86_400_000) / 1000) * 1000);
}

/** The link can no longer be used: the page says why (used, expired, revoked or not valid). */
export class InvitationUnusableError extends Error {
  constructor(readonly reason: 'invalid' | 'expired' | 'used' | 'revoked') {
    super(`invitation ${reason}`);
    this.name = 'InvitationUnusableError';
  }
}

/** The actor of a console request: the person, within one organization. */
export function personContext(
  person: Pick<Person, 'id' | 'email' | 'name'>,
  organizationId: string,
  timeZone: string,
  locale: 'zh-CN' | 'en',
  role?: Role,
): AuthContext {
  return {
    organizationId,
    timeZone,
    locale,
    actorType: 'user',
    actorId: person.id,
    actorLabel: `${person.name} <${person.email}>`,
    ...(role ? { role } : {}),
  };
}
