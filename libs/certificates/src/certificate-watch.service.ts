import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import {
  CERTIFICATE_FINDINGS,
  CERTIFICATE_LADDER,
  type CertificateEvaluation,
  type CertificateFinding,
  certificateSubjectKey,
  evaluateCertificate,
  type ProbeResult,
} from '../../domain/src/certificates/index.js';
import { addDays, localDateOf, localHourOf, startOfLocalDay } from '../../domain/src/time/index.js';
import { CertificateCheckEntity, type DeadlineAction } from './certificate-check.entity.js';
import { TlsProbe } from './tls-probe.js';
import { withRunLock } from '../../common/src/run-lock.js';

export type WatchTrigger = 'scheduled' | 'on_demand';

export interface WatchOptions {
  trigger: WatchTrigger;
  organizationId?: string;
  /** Aborted when the process stops: probes in flight end at once and record nothing. */
  signal?: AbortSignal;
}

export interface DomainCheck {
  organizationId: string;
  domain: string;
  outcome: ProbeResult['outcome'];
  finding: CertificateFinding | null;
  findings: CertificateFinding[];
  notAfter: string | null;
  dueOn: string | null;
  daysLeft: number | null;
  deadlineAction: DeadlineAction | 'failed';
  error: string | null;
}

export interface WatchResult {
  at: string;
  /** False when another process holds the daily run (scheduled runs only). */
  ran: boolean;
  checked: number;
  ok: number;
  failed: number;
  findings: Record<CertificateFinding, number>;
  deadlines: { opened: number; renewed: number; cancelled: number };
  domains: DomainCheck[];
  /** Organizations whose daily probe limit left domains unchecked in this run. */
  limited: ProbeLimitHit[];
}

export interface ProbeLimitHit {
  organizationId: string;
  /** The organization's local date the limit counts for. */
  day: string;
  limit: number;
  /** Domains this run left unchecked (the least recently checked go first the next day). */
  skipped: number;
}

/** The daily probe budget of one organization, for the API. */
export interface ProbeBudget {
  day: string;
  limit: number;
  probes: number;
  skipped: number;
  limitReachedAt: string | null;
}

interface OrgRow {
  id: string;
  time_zone: string;
  locale: 'zh-CN' | 'en';
}

interface DomainRow {
  domain: string;
  mini_program_ids: string[];
  vendor_id: string | null;
}

interface Task {
  org: OrgRow;
  row: DomainRow;
}

const LIVE = `('open', 'acknowledged', 'snoozed')`;
/** One daily run at a time across every worker process. */
const RUN_LOCK = `hashtext('mp-guard:certificate-watch')`;

const actor = (org: OrgRow): AuthContext => ({
  organizationId: org.id,
  timeZone: org.time_zone,
  locale: org.locale,
  actorType: 'system',
  actorId: null,
  actorLabel: 'certificate-watch',
});

/**
 * The certificate watch: probes every registered server domain (once per organization, however many
 * mini-programs share it), records what it saw, and keeps one certificate-expiry deadline per domain in
 * step: subject `tls:<domain>`, cycle keyed by the certificate's notAfter. A new certificate completes
 * the live cycle and opens the next one; an unreachable host records a finding and leaves the deadline.
 * A domain no longer registered anywhere in the organization has its live cycle cancelled by the next
 * run. Every domain is its own transaction, so one bad domain never stops the others.
 */
@Injectable()
export class CertificateWatchService {
  private readonly logger = new Logger('CertificateWatch');

  constructor(
    private readonly db: DataSource,
    private readonly probe: TlsProbe,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Scheduled runs check, in each organization past CERT_WATCH_HOUR local time, the domains not yet
   * checked that local day, and skip entirely while another process runs; on-demand runs check everything.
   */
  async run(now: Date, options: WatchOptions): Promise<WatchResult> {
    const result: WatchResult = {
      at: now.toISOString(),
      ran: true,
      checked: 0,
      ok: 0,
      failed: 0,
      findings: Object.fromEntries(CERTIFICATE_FINDINGS.map((f) => [f, 0])) as Record<
        CertificateFinding,
        number
      >,
      deadlines: { opened: 0, renewed: 0, cancelled: 0 },
      domains: [],
      limited: [],
    };
    if (options.trigger === 'on_demand') {
      await this.runLocked(now, options, result);
      return result;
    }
    const ran = await withRunLock(this.db, RUN_LOCK, () => this.runLocked(now, options, result));
    return ran ? result : { ...result, ran: false };
  }

  private async runLocked(now: Date, options: WatchOptions, result: WatchResult): Promise<void> {
    const scheduled = options.trigger === 'scheduled';
    const orgs = await this.db.query<OrgRow[]>(
      `SELECT id, time_zone, locale FROM organizations WHERE ($1::uuid IS NULL OR id = $1) ORDER BY id`,
      [options.organizationId ?? null],
    );
    const tasks: Task[] = [];
    for (const org of orgs) {
      if (scheduled && localHourOf(now, org.time_zone) < this.config.CERT_WATCH_HOUR) continue;
      result.deadlines.cancelled += await this.cancelRemovedDomains(org, now);
      const today = localDateOf(now, org.time_zone);
      const rows = await this.db.query<DomainRow[]>(
        `SELECT d.domain,
                array_agg(mp.id ORDER BY mp.created_at, mp.id) AS mini_program_ids,
                (array_agg(mp.vendor_id ORDER BY mp.created_at, mp.id))[1] AS vendor_id
           FROM mini_programs mp CROSS JOIN LATERAL unnest(mp.server_domains) AS d(domain)
          WHERE mp.organization_id = $1
            AND (NOT $2 OR NOT EXISTS (
                  SELECT 1 FROM certificate_checks c
                   WHERE c.organization_id = $1 AND c.domain = d.domain
                     AND c.checked_at >= $3 AND c.checked_at < $4))
          GROUP BY d.domain
          -- Least recently checked first, so a daily limit rotates over every domain.
          ORDER BY (SELECT max(c.checked_at) FROM certificate_checks c
                     WHERE c.organization_id = $1 AND c.domain = d.domain) ASC NULLS FIRST, d.domain`,
        [
          org.id,
          scheduled,
          startOfLocalDay(today, org.time_zone),
          startOfLocalDay(addDays(today, 1), org.time_zone),
        ],
      );
      const granted = await this.reserveProbes(org.id, today, rows.length, now);
      if (granted < rows.length) {
        const hit = {
          organizationId: org.id,
          day: today,
          limit: this.config.CERT_WATCH_DAILY_PROBE_LIMIT,
          skipped: rows.length - granted,
        };
        result.limited.push(hit);
        this.logger.warn(hit, 'daily probe limit reached: domains left unchecked until tomorrow');
      }
      for (const row of rows.slice(0, granted)) tasks.push({ org, row });
    }

    let next = 0;
    const worker = async () => {
      while (next < tasks.length) {
        if (options.signal?.aborted) return;
        const task = tasks[next++];
        const check = await this.checkOne(task, now, options.trigger, result, options.signal);
        if (check) result.domains.push(check);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.config.CERT_WATCH_CONCURRENCY, tasks.length) }, worker),
    );
    result.domains.sort(
      (a, b) => a.organizationId.localeCompare(b.organizationId) || a.domain.localeCompare(b.domain),
    );
  }

  private async checkOne(
    { org, row }: Task,
    now: Date,
    trigger: WatchTrigger,
    result: WatchResult,
    signal?: AbortSignal,
  ): Promise<DomainCheck | null> {
    const base = { organizationId: org.id, domain: row.domain };
    try {
      const probe = await this.probe.probe(row.domain, signal);
      // Stopping mid-probe proves nothing about the certificate: record nothing, the next run checks it.
      if (signal?.aborted) return null;
      const evaluation = evaluateCertificate(probe, row.domain, now, org.time_zone, org.locale);
      const action = await this.db.transaction((m) =>
        this.record(m, org, row, now, trigger, probe, evaluation),
      );
      result.checked++;
      if (evaluation.finding) for (const f of evaluation.findings) result.findings[f]++;
      else result.ok++;
      if (action === 'opened') result.deadlines.opened++;
      if (action === 'renewed') result.deadlines.renewed++;
      return {
        ...base,
        outcome: probe.outcome,
        finding: evaluation.finding,
        findings: evaluation.findings,
        notAfter: probe.outcome === 'certificate' ? probe.certificate.notAfter.toISOString() : null,
        dueOn: evaluation.cycle?.dueDate ?? null,
        daysLeft: evaluation.daysLeft,
        deadlineAction: action,
        error: probe.outcome === 'certificate' ? probe.certificate.chainError : probe.error,
      };
    } catch (error) {
      // Only our own writes can get here (the probe never throws): log, count, go on with the others.
      this.logger.error(
        { err: error, domain: row.domain, organizationId: org.id },
        'certificate check failed',
      );
      result.failed++;
      return {
        ...base,
        outcome: 'tls_error',
        finding: null,
        findings: [],
        notAfter: null,
        dueOn: null,
        daysLeft: null,
        deadlineAction: 'failed',
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  private async record(
    m: EntityManager,
    org: OrgRow,
    row: DomainRow,
    now: Date,
    trigger: WatchTrigger,
    probe: ProbeResult,
    evaluation: CertificateEvaluation,
  ): Promise<DeadlineAction> {
    const subjectKey = certificateSubjectKey(row.domain);
    // Serializes concurrent checks of one domain (two workers, a worker and the CLI).
    await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${org.id}:${subjectKey}`]);
    const [live] = await m.query<
      {
        id: string;
        cycle_key: string;
        due_on: string;
        mini_program_id: string | null;
        vendor_id: string | null;
      }[]
    >(
      `SELECT id, cycle_key, due_on::text AS due_on, mini_program_id, vendor_id FROM deadlines
        WHERE organization_id = $1 AND subject_key = $2 AND state IN ${LIVE} FOR UPDATE`,
      [org.id, subjectKey],
    );
    const miniProgramId = row.mini_program_ids[0] ?? null;
    let action: DeadlineAction = 'kept';
    let deadlineId: string | null = live?.id ?? null;
    const cycle = evaluation.cycle;
    if (cycle && live && live.cycle_key === cycle.cycleKey) {
      action = 'unchanged';
      if (live.mini_program_id !== miniProgramId || live.vendor_id !== row.vendor_id) {
        await m.query(
          `UPDATE deadlines SET mini_program_id = $2, vendor_id = $3, updated_at = $4 WHERE id = $1`,
          [live.id, miniProgramId, row.vendor_id, now],
        );
      }
    } else if (cycle) {
      const ctx = actor(org);
      if (live) {
        const note = `certificate-watch: ${row.domain} now presents a certificate valid until ${cycle.cycleKey}`;
        await m.query(
          `UPDATE deadlines SET state = 'completed', snoozed_until = NULL, completed_at = $2,
                  completed_by = 'certificate-watch', completion_note = $3, updated_at = $2
            WHERE id = $1`,
          [live.id, now, note],
        );
        await this.audit.record(m, ctx, {
          action: 'deadline.completed',
          entityType: 'deadline',
          entityId: live.id,
          before: { state: 'live', dueOn: live.due_on, cycleKey: live.cycle_key },
          after: { state: 'completed', completedBy: 'certificate-watch', note },
        });
        action = 'renewed';
      } else {
        action = 'opened';
      }
      // A cycle met before (the certificate was rolled back, or the domain removed and added again) is reopened.
      const [inserted] = await m.query<{ id: string }[]>(
        `INSERT INTO deadlines (organization_id, mini_program_id, vendor_id, kind, subject_key, cycle_key,
                requirement_code, title, due_on, window_opens_on, apply_by, act_by, due_is_day_off,
                calendar_basis, ladder, created_at, updated_at)
         VALUES ($1, $2, $3, 'certificate_expiry', $4, $5, NULL, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
         ON CONFLICT (organization_id, subject_key, cycle_key) DO UPDATE
            SET state = 'open', snoozed_until = NULL, acknowledged_at = NULL, acknowledged_by = NULL,
                completed_at = NULL, completed_by = NULL, completion_note = NULL,
                mini_program_id = EXCLUDED.mini_program_id, vendor_id = EXCLUDED.vendor_id,
                sequence = deadlines.sequence + 1, updated_at = EXCLUDED.updated_at
         RETURNING id`,
        [
          org.id,
          miniProgramId,
          row.vendor_id,
          subjectKey,
          cycle.cycleKey,
          cycle.title,
          cycle.dueDate,
          cycle.windowOpensOn,
          cycle.applyBy,
          cycle.actBy,
          cycle.dueIsDayOff,
          cycle.calendarBasis,
          JSON.stringify(CERTIFICATE_LADDER),
          now,
        ],
      );
      deadlineId = inserted.id;
      await this.audit.record(m, ctx, {
        action: 'deadline.created',
        entityType: 'deadline',
        entityId: inserted.id,
        after: { kind: 'certificate_expiry', subjectKey, cycleKey: cycle.cycleKey, dueOn: cycle.dueDate },
      });
    }

    const cert = probe.outcome === 'certificate' ? probe.certificate : null;
    await m.insert(CertificateCheckEntity, {
      organizationId: org.id,
      domain: row.domain,
      miniProgramIds: row.mini_program_ids,
      checkedAt: now,
      trigger,
      outcome: probe.outcome,
      finding: evaluation.finding,
      findings: evaluation.findings,
      notBefore: cert?.notBefore ?? null,
      notAfter: cert?.notAfter ?? null,
      issuer: cert?.issuer ?? null,
      subject: cert?.subject ?? null,
      names: cert?.names ?? null,
      chainValid: cert?.chainValid ?? null,
      chainError: cert?.chainError ?? null,
      fingerprint: cert?.fingerprint ?? null,
      protocol: cert?.protocol ?? null,
      error: probe.outcome === 'certificate' ? null : probe.error,
      deadlineId,
      deadlineAction: action,
    });
    return action;
  }

  /**
   * Takes up to `wanted` probes from the organization's budget for its local day, in one statement
   * (the row lock makes concurrent runs take turns), and answers how many were granted. A refused
   * (private) name counts too: resolving it is already work done on the tenant's behalf.
   */
  private async reserveProbes(organizationId: string, day: string, wanted: number, now: Date) {
    if (wanted === 0) return 0;
    const [row] = await this.db.query<{ skipped: number }[]>(
      `INSERT INTO certificate_probe_days AS p (organization_id, day, probes, skipped, limit_reached_at)
       VALUES ($1, $2::date, LEAST($3::int, $4::int), GREATEST($3::int - $4::int, 0),
               CASE WHEN $3::int > $4::int THEN $5::timestamptz END)
       ON CONFLICT (organization_id, day) DO UPDATE
          SET probes = p.probes + LEAST($3::int, GREATEST($4::int - p.probes, 0)),
              skipped = $3::int - LEAST($3::int, GREATEST($4::int - p.probes, 0)),
              limit_reached_at = CASE WHEN $3::int > GREATEST($4::int - p.probes, 0)
                                      THEN COALESCE(p.limit_reached_at, $5::timestamptz)
                                      ELSE p.limit_reached_at END
       RETURNING skipped`,
      [organizationId, day, wanted, this.config.CERT_WATCH_DAILY_PROBE_LIMIT, now],
    );
    return wanted - row.skipped;
  }

  /** Today's probe budget of the organization (its local date as of `now`). */
  async budget(organizationId: string, timeZone: string, now: Date): Promise<ProbeBudget> {
    const day = localDateOf(now, timeZone);
    const [row] = await this.db.query<{ probes: number; skipped: number; limit_reached_at: Date | null }[]>(
      `SELECT probes, skipped, limit_reached_at FROM certificate_probe_days
        WHERE organization_id = $1 AND day = $2::date`,
      [organizationId, day],
    );
    return {
      day,
      limit: this.config.CERT_WATCH_DAILY_PROBE_LIMIT,
      probes: row?.probes ?? 0,
      skipped: row?.skipped ?? 0,
      limitReachedAt: row?.limit_reached_at?.toISOString() ?? null,
    };
  }

  /** Live certificate cycles of domains that no mini-program of the organization lists any more. */
  private async cancelRemovedDomains(org: OrgRow, now: Date): Promise<number> {
    return this.db.transaction(async (m) => {
      const [rows] = await m.query<[{ id: string; subject_key: string }[], number]>(
        `UPDATE deadlines d
            SET state = 'cancelled', snoozed_until = NULL, updated_at = $2,
                completion_note = 'certificate-watch: the server domain is no longer registered'
          WHERE d.organization_id = $1 AND d.kind = 'certificate_expiry' AND d.subject_key LIKE 'tls:%'
            AND d.state IN ${LIVE}
            AND NOT EXISTS (SELECT 1 FROM mini_programs mp
                             WHERE mp.organization_id = $1 AND substr(d.subject_key, 5) = ANY(mp.server_domains))
          RETURNING d.id, d.subject_key`,
        [org.id, now],
      );
      for (const r of rows) {
        await this.audit.record(m, actor(org), {
          action: 'deadline.cancelled',
          entityType: 'deadline',
          entityId: r.id,
          after: { state: 'cancelled', subjectKey: r.subject_key, reason: 'server domain removed' },
        });
      }
      return rows.length;
    });
  }
}
