import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/src/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import type { Person } from './people.service.js';
import type { Role } from './roles.js';

export interface ActiveSession {
  id: string;
  csrfToken: string;
  person: Person;
  organization: { id: string; name: string; timeZone: string; locale: 'zh-CN' | 'en' };
  role: Role;
  /** The console language the person chose (kept on the user); null when never chosen. */
  consoleLocale: 'zh-CN' | 'en' | null;
}

/** Only a SHA-256 of the cookie's 256-bit random value is stored: a leaked table opens no session. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Console sessions in PostgreSQL, so every instance sees the same ones. Each sign-in makes a new id
 * (never reuses one the browser brought); a session ends after SESSION_IDLE_MINUTES without a request or
 * SESSION_ABSOLUTE_HOURS after sign-in, whichever comes first.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get idleMs(): number {
    return this.config.SESSION_IDLE_MINUTES * 60_000;
  }

  get absoluteMs(): number {
    return this.config.SESSION_ABSOLUTE_HOURS * 3_600_000;
  }

  /** Starts a session; the returned token goes into the cookie and is never stored. */
  async start(userId: string, organizationId: string, address: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO sessions (token_hash, user_id, organization_id, csrf_token, created_at, last_seen_at,
                             idle_expires_at, absolute_expires_at, ip)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)`,
      [
        hashSessionToken(token),
        userId,
        organizationId,
        randomBytes(32).toString('base64url'),
        now,
        new Date(now.getTime() + this.idleMs),
        new Date(now.getTime() + this.absoluteMs),
        address.slice(0, 100),
      ],
    );
    return token;
  }

  /** The live session of a cookie value with its person, organization and role; null when none. */
  async resolve(token: string | undefined): Promise<ActiveSession | null> {
    if (!token || token.length > 100) return null;
    const now = this.clock.now();
    const [row] = await this.db.query<
      {
        id: string;
        csrf_token: string;
        last_seen_at: Date;
        user_id: string;
        email: string;
        user_name: string;
        user_locale: 'zh-CN' | 'en';
        console_locale: 'zh-CN' | 'en' | null;
        organization_id: string;
        org_name: string;
        time_zone: string;
        org_locale: 'zh-CN' | 'en';
        role: Role | null;
      }[]
    >(
      `SELECT s.id, s.csrf_token, s.last_seen_at, u.id AS user_id, u.email, u.name AS user_name,
              u.locale AS user_locale, u.console_locale, o.id AS organization_id, o.name AS org_name, o.time_zone,
              o.locale AS org_locale, mb.role
         FROM sessions s
         JOIN users u ON u.id = s.user_id
         JOIN organizations o ON o.id = s.organization_id
         LEFT JOIN memberships mb ON mb.user_id = s.user_id AND mb.organization_id = s.organization_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2`,
      [hashSessionToken(token), now],
    );
    // A membership removed since sign-in ends the session's access at once.
    if (!row || !row.role) return null;
    if (now.getTime() - row.last_seen_at.getTime() > 30_000) {
      await this.db.query(
        `UPDATE sessions SET last_seen_at = $2, idle_expires_at = LEAST(absolute_expires_at, $3) WHERE id = $1`,
        [row.id, now, new Date(now.getTime() + this.idleMs)],
      );
    }
    return {
      id: row.id,
      csrfToken: row.csrf_token,
      person: { id: row.user_id, email: row.email, name: row.user_name, locale: row.user_locale },
      organization: {
        id: row.organization_id,
        name: row.org_name,
        timeZone: row.time_zone,
        locale: row.org_locale,
      },
      role: row.role,
      consoleLocale: row.console_locale,
    };
  }

  async end(token: string | undefined): Promise<void> {
    if (!token) return;
    await this.db.query(`UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL`, [
      hashSessionToken(token),
      this.clock.now(),
    ]);
  }

  /** Signs the person out on every device. */
  async endAll(userId: string): Promise<number> {
    const [, count] = await this.db.query<[unknown, number]>(
      `UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId, this.clock.now()],
    );
    return count;
  }

  /** The organization of the person's latest session, while still a member of it: sign-in returns there. */
  async lastOrganization(userId: string): Promise<string | null> {
    const [row] = await this.db.query<{ organization_id: string }[]>(
      `SELECT s.organization_id FROM sessions s
         JOIN memberships mb ON mb.user_id = s.user_id AND mb.organization_id = s.organization_id
        WHERE s.user_id = $1 ORDER BY s.last_seen_at DESC LIMIT 1`,
      [userId],
    );
    return row?.organization_id ?? null;
  }

  /** Moves the session to another organization of the same person; false when not a member there. */
  async switchOrganization(sessionId: string, userId: string, organizationId: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `UPDATE sessions s SET organization_id = $3 WHERE s.id = $1 AND s.user_id = $2
          AND EXISTS (SELECT 1 FROM memberships mb WHERE mb.user_id = $2 AND mb.organization_id = $3)`,
      [sessionId, userId, organizationId],
    );
    return count === 1;
  }
}
