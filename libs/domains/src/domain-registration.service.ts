import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { decideRegistration, type ExpirySource, registrableDomain } from '../../domain/src/domains/index.js';
import { localDateOf } from '../../domain/src/time/index.js';
import { QualificationEntity } from '../../registry/src/qualification.entity.js';
import { RegistryObserver } from '../../registry/src/registry-ports.js';
import { RdapClient, type RdapLookup } from './rdap-client.js';
import { withRunLock } from '../../common/src/run-lock.js';

export const DOMAIN_REQUIREMENT = 'domain_name_registration';

export type RegistrationTrigger = 'scheduled' | 'on_demand';
export type RegistrationAction = 'created' | 'updated' | 'unchanged' | 'kept_owner_date' | 'none';
export type CheckOutcome =
  | 'expiry'
  | 'no_expiration'
  | 'invalid'
  | 'not_found'
  | 'rate_limited'
  | 'unavailable'
  | 'refused'
  | 'no_server';

export interface RegistrationCheck {
  organizationId: string;
  domain: string;
  outcome: CheckOutcome;
  server: string | null;
  expiresAt: string | null;
  /** The expiry as a date in the organization's zone: the deadline's due date. */
  expiresOn: string | null;
  registrar: string | null;
  action: RegistrationAction;
  retryAfter: string | null;
  /** What the owner should know: the failure, or the owner's date RDAP disagrees with. */
  message: string | null;
}

export interface RegistrationRunResult {
  at: string;
  ran: boolean;
  checks: RegistrationCheck[];
  /** Organizations whose daily RDAP budget left domains unasked in this run. */
  limited: { organizationId: string; day: string; limit: number; skipped: number }[];
}

interface OrgRow {
  id: string;
  time_zone: string;
  locale: 'zh-CN' | 'en';
}

interface HeldRow {
  id: string;
  mini_program_id: string;
  expires_on: string | null;
  expiry_source: ExpirySource;
}

const RUN_LOCK = `hashtext('mp-guard:domain-registration')`;
/** Outcomes after which the domain waits RDAP_REFRESH_DAYS; the others wait for their retry_after. */
const SETTLED: CheckOutcome[] = ['expiry', 'no_expiration', 'invalid', 'not_found', 'refused', 'no_server'];

const actor = (org: OrgRow): AuthContext => ({
  organizationId: org.id,
  timeZone: org.time_zone,
  locale: org.locale,
  actorType: 'system',
  actorId: null,
  actorLabel: 'domain-registration (RDAP)',
});

/**
 * Reads each registered server domain's registration expiry over RDAP and keeps the domain's
 * `domain_name_registration` record (a qualification whose number is the registrable domain) and
 * so its deadline in step. One query per registrable domain and organization, however many server
 * domains and mini-programs share it. A date the owner entered is never overwritten (see
 * `decideRegistration`); a disagreement is reported. 404, 429, 5xx, a timeout or a refused address
 * write only the check row (nothing half-written): 429 and failures are asked again after their
 * retry_after, readings after RDAP_REFRESH_DAYS. Each domain is its own transaction.
 */
@Injectable()
export class DomainRegistrationService {
  private readonly logger = new Logger('DomainRegistration');

  constructor(
    private readonly db: DataSource,
    private readonly rdap: RdapClient,
    private readonly audit: AuditService,
    private readonly observer: RegistryObserver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(
    now: Date,
    options: { trigger: RegistrationTrigger; organizationId?: string; signal?: AbortSignal },
  ): Promise<RegistrationRunResult> {
    const result: RegistrationRunResult = { at: now.toISOString(), ran: true, checks: [], limited: [] };
    const ran = await withRunLock(this.db, RUN_LOCK, () => this.runLocked(now, options, result));
    return ran ? result : { ...result, ran: false };
  }

  private async runLocked(
    now: Date,
    options: { trigger: RegistrationTrigger; organizationId?: string; signal?: AbortSignal },
    result: RegistrationRunResult,
  ): Promise<void> {
    const orgs = await this.db.query<OrgRow[]>(
      `SELECT id, time_zone, locale FROM organizations WHERE ($1::uuid IS NULL OR id = $1) ORDER BY id`,
      [options.organizationId ?? null],
    );
    for (const org of orgs) {
      const hosts = await this.db.query<{ domain: string; mini_program_id: string }[]>(
        `SELECT d.domain, mp.id AS mini_program_id
           FROM mini_programs mp CROSS JOIN LATERAL unnest(mp.server_domains) AS d(domain)
          WHERE mp.organization_id = $1 ORDER BY mp.created_at, mp.id, d.domain`,
        [org.id],
      );
      const firstHolder = new Map<string, string>();
      for (const h of hosts) {
        const name = registrableDomain(h.domain);
        if (name && !firstHolder.has(name)) firstHolder.set(name, h.mini_program_id);
      }
      const names = [...firstHolder.keys()];
      if (!names.length) continue;
      const last = await this.db.query<
        { domain: string; checked_at: Date; outcome: CheckOutcome; retry_after: Date | null }[]
      >(
        `SELECT DISTINCT ON (domain) domain, checked_at, outcome, retry_after
           FROM domain_registration_checks WHERE organization_id = $1 AND domain = ANY($2)
          ORDER BY domain, checked_at DESC`,
        [org.id, names],
      );
      const lastBy = new Map(last.map((l) => [l.domain, l]));
      const freshAfter = now.getTime() - this.config.RDAP_REFRESH_DAYS * 86_400_000;
      const due = names
        .filter((name) => {
          const l = lastBy.get(name);
          if (!l) return true;
          if (l.retry_after) return l.retry_after.getTime() <= now.getTime();
          // An operator asking now gets fresh readings; the scheduled run waits RDAP_REFRESH_DAYS.
          return (
            options.trigger === 'on_demand' ||
            !SETTLED.includes(l.outcome) ||
            l.checked_at.getTime() < freshAfter
          );
        })
        .sort(
          (a, b) =>
            (lastBy.get(a)?.checked_at.getTime() ?? 0) - (lastBy.get(b)?.checked_at.getTime() ?? 0) ||
            a.localeCompare(b),
        );
      const day = localDateOf(now, org.time_zone);
      const granted = await this.reserve(org.id, day, due.length);
      if (granted < due.length)
        result.limited.push({
          organizationId: org.id,
          day,
          limit: this.config.RDAP_DAILY_QUERY_LIMIT,
          skipped: due.length - granted,
        });
      for (const name of due.slice(0, granted)) {
        if (options.signal?.aborted) return;
        const lookup = await this.rdap.lookup(name, now, options.signal);
        if (options.signal?.aborted) return;
        try {
          result.checks.push(
            await this.db.transaction((m) =>
              this.record(m, org, name, firstHolder.get(name)!, now, options.trigger, lookup),
            ),
          );
        } catch (error) {
          this.logger.error(
            { err: error, domain: name, organizationId: org.id },
            'RDAP reading not recorded',
          );
        }
      }
    }
  }

  private async record(
    m: EntityManager,
    org: OrgRow,
    domain: string,
    holderId: string,
    now: Date,
    trigger: RegistrationTrigger,
    lookup: RdapLookup,
  ): Promise<RegistrationCheck> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${org.id}:registration:${domain}`]);
    const outcome: CheckOutcome =
      lookup.outcome === 'answer'
        ? lookup.kind
        : (lookup.outcome satisfies Exclude<CheckOutcome, 'expiry' | 'no_expiration' | 'invalid'>);
    let action: RegistrationAction = 'none';
    let qualificationId: string | null = null;
    let message: string | null;
    let expiresAt: Date | null = null;
    let expiresOn: string | null = null;
    let registrar: string | null = null;
    let retryAfter: Date | null = null;

    if (lookup.outcome === 'answer' && lookup.kind === 'expiry') {
      expiresAt = lookup.expiresAt;
      registrar = lookup.registrar;
      expiresOn = localDateOf(expiresAt, org.time_zone);
      ({ action, qualificationId, message } = await this.apply(
        m,
        org,
        domain,
        holderId,
        expiresOn,
        registrar,
      ));
    } else if (lookup.outcome === 'answer') {
      registrar = lookup.kind === 'no_expiration' ? lookup.registrar : null;
      message =
        lookup.kind === 'no_expiration'
          ? `${lookup.server} answers for ${domain} without an expiration event: enter the date by hand`
          : `${lookup.server} gave an answer for ${domain} that is not RFC 9083: ${lookup.error}`;
    } else if (lookup.outcome === 'not_found') {
      message = `${lookup.server} has no registration for ${domain} (404): check the domain's spelling and registry; no deadline was made`;
    } else if (lookup.outcome === 'rate_limited') {
      const seconds = lookup.retryAfterSeconds ?? this.config.RDAP_RETRY_MINUTES * 60;
      retryAfter = new Date(now.getTime() + Math.min(seconds, 86_400) * 1000);
      message = `${lookup.server} refused for now (429); asked again after ${retryAfter.toISOString()}`;
    } else if (lookup.outcome === 'unavailable') {
      retryAfter = new Date(now.getTime() + this.config.RDAP_RETRY_MINUTES * 60_000);
      message = `${lookup.server}: ${lookup.error}; asked again after ${retryAfter.toISOString()}`;
    } else {
      message = lookup.error;
    }

    await m.query(
      `INSERT INTO domain_registration_checks (organization_id, domain, checked_at, trigger, outcome, server,
              http_status, expires_at, registrar, action, qualification_id, retry_after, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        org.id,
        domain,
        now,
        trigger,
        outcome,
        lookup.server,
        'status' in lookup ? lookup.status : null,
        expiresAt,
        registrar,
        action,
        qualificationId,
        retryAfter,
        message,
      ],
    );
    return {
      organizationId: org.id,
      domain,
      outcome,
      server: lookup.server,
      expiresAt: expiresAt?.toISOString() ?? null,
      expiresOn,
      registrar,
      action,
      retryAfter: retryAfter?.toISOString() ?? null,
      message,
    };
  }

  /** Applies one expiry reading to every record of the domain, then lets the deadline sync follow. */
  private async apply(
    m: EntityManager,
    org: OrgRow,
    domain: string,
    holderId: string,
    expiresOn: string,
    registrar: string | null,
  ): Promise<{ action: RegistrationAction; qualificationId: string | null; message: string | null }> {
    const ctx = actor(org);
    const held = await m.query<HeldRow[]>(
      `SELECT id, mini_program_id, expires_on::text AS expires_on, expiry_source FROM qualifications
        WHERE organization_id = $1 AND requirement_code = $2 AND lower(number) = $3
        ORDER BY created_at, id FOR UPDATE`,
      [org.id, DOMAIN_REQUIREMENT, domain],
    );
    if (!held.length) {
      const saved = await m.save(QualificationEntity, {
        organizationId: org.id,
        miniProgramId: holderId,
        requirementCode: DOMAIN_REQUIREMENT,
        number: domain,
        issuer: registrar,
        expiresOn,
        expirySource: 'rdap',
      });
      await this.observer.miniProgramsChanged(m, ctx, [holderId]);
      await this.audit.record(m, ctx, {
        action: 'qualification.created',
        entityType: 'qualification',
        entityId: saved.id,
        after: { requirementCode: DOMAIN_REQUIREMENT, number: domain, expiresOn, expirySource: 'rdap' },
      });
      return { action: 'created', qualificationId: saved.id, message: null };
    }
    let action: RegistrationAction = 'unchanged';
    const messages: string[] = [];
    const changed = new Set<string>();
    for (const row of held) {
      const decision = decideRegistration(
        { expiresOn: row.expires_on, source: row.expiry_source },
        expiresOn,
      );
      if (decision.action === 'kept_owner_date') {
        action = 'kept_owner_date';
        messages.push(
          `RDAP says ${domain} expires on ${decision.rdapDate}; the date entered by hand, ${decision.ownerDate}, is kept: correct it if RDAP is right`,
        );
        await this.audit.record(m, ctx, {
          action: 'qualification.expiry_differs',
          entityType: 'qualification',
          entityId: row.id,
          before: { expiresOn: decision.ownerDate, expirySource: 'owner' },
          after: { rdapExpiresOn: decision.rdapDate, kept: 'owner date' },
        });
      } else if (decision.action === 'update') {
        if (action === 'unchanged') action = 'updated';
        await m.update(
          QualificationEntity,
          { id: row.id, organizationId: org.id },
          { expiresOn: decision.expiresOn, expirySource: 'rdap' },
        );
        changed.add(row.mini_program_id);
        await this.audit.record(m, ctx, {
          action: 'qualification.updated',
          entityType: 'qualification',
          entityId: row.id,
          before: { expiresOn: decision.previous, expirySource: row.expiry_source },
          after: { expiresOn: decision.expiresOn, expirySource: 'rdap' },
        });
      }
    }
    if (changed.size) await this.observer.miniProgramsChanged(m, ctx, [...changed]);
    return { action, qualificationId: held[0].id, message: messages.length ? messages.join('; ') : null };
  }

  /** Takes up to `wanted` queries from the organization's budget for its local day (row-locked). */
  private reserve(organizationId: string, day: string, wanted: number): Promise<number> {
    if (wanted === 0) return Promise.resolve(0);
    return this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO rdap_query_days (organization_id, day, queries) VALUES ($1, $2::date, 0)
         ON CONFLICT DO NOTHING`,
        [organizationId, day],
      );
      const [{ queries }] = await m.query<{ queries: number }[]>(
        `SELECT queries FROM rdap_query_days WHERE organization_id = $1 AND day = $2::date FOR UPDATE`,
        [organizationId, day],
      );
      const granted = Math.max(0, Math.min(wanted, this.config.RDAP_DAILY_QUERY_LIMIT - queries));
      await m.query(
        `UPDATE rdap_query_days SET queries = queries + $3, skipped = skipped + $4
          WHERE organization_id = $1 AND day = $2::date`,
        [organizationId, day, granted, wanted - granted],
      );
      return granted;
    });
  }

  /** The latest reading of each registrable domain of the organization, for the API. */
  async latest(organizationId: string) {
    const rows = await this.db.query<
      {
        domain: string;
        checked_at: Date;
        outcome: CheckOutcome;
        server: string | null;
        expires_at: Date | null;
        registrar: string | null;
        action: RegistrationAction;
        retry_after: Date | null;
        error: string | null;
        qualification_id: string | null;
      }[]
    >(
      `SELECT DISTINCT ON (domain) domain, checked_at, outcome, server, expires_at, registrar, action,
              retry_after, error, qualification_id
         FROM domain_registration_checks WHERE organization_id = $1 ORDER BY domain, checked_at DESC`,
      [organizationId],
    );
    return rows.map((r) => ({
      domain: r.domain,
      checkedAt: r.checked_at.toISOString(),
      outcome: r.outcome,
      server: r.server,
      expiresAt: r.expires_at?.toISOString() ?? null,
      registrar: r.registrar,
      action: r.action,
      retryAfter: r.retry_after?.toISOString() ?? null,
      finding: r.error,
      qualificationId: r.qualification_id,
    }));
  }
}
