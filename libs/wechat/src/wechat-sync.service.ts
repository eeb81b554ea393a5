import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { DomainError } from '../../common/src/domain.error.js';
import { SecretBoxError } from '../../common/src/secret-box.js';
import {
  assessAccount,
  assessIcp,
  errorFinding,
  type IcpEntranceInfo,
  secretUnreadableFinding,
  TOKEN_EXPIRED_CODES,
  unreachableFinding,
  type WechatFinding,
  type WechatFindingCode,
} from '../../domain/src/wechat/index.js';
import { WITH_MANAGER_ROLES } from './wechat-alert.composer.js';
import { addDays, localDateOf, localHourOf, startOfLocalDay } from '../../domain/src/time/index.js';
import { MiniProgramService } from '../../registry/src/mini-program.service.js';
import { insertDeliveries, mailDomainOf } from '../../reminders/src/planner.service.js';
import { CredentialService, type RevealedCredential } from './credential.service.js';
import {
  type AccountBasicInfo,
  WechatApiClient,
  WechatApiError,
  WechatUnreachableError,
} from './wechat-api.client.js';
import { WechatTokenService } from './wechat-token.service.js';
import { withRunLock } from '../../common/src/run-lock.js';

export type SyncTrigger = 'scheduled' | 'on_demand';

export interface SyncOptions {
  trigger: SyncTrigger;
  organizationId?: string;
  miniProgramId?: string;
  /** Aborted when the process stops: calls in flight end and record nothing. */
  signal?: AbortSignal;
}

export interface SyncChange {
  field: 'certificationExpiresOn';
  from: string | null;
  to: string;
}

export interface MiniProgramSync {
  id: string;
  organizationId: string;
  miniProgramId: string;
  appId: string;
  name: string;
  syncedAt: string;
  outcome: 'ok' | 'partial' | 'failed';
  read: Record<string, unknown>;
  findings: WechatFinding[];
  changes: SyncChange[];
  tokenRequests: number;
  alerted: boolean;
}

export interface SyncResult {
  at: string;
  /** False when another process holds the daily run (scheduled runs only). */
  ran: boolean;
  synced: number;
  ok: number;
  partial: number;
  failed: number;
  changed: number;
  alerted: number;
  findings: Partial<Record<WechatFindingCode, number>>;
  miniPrograms: MiniProgramSync[];
}

interface OrgRow {
  id: string;
  time_zone: string;
  locale: 'zh-CN' | 'en';
}

interface Task {
  org: OrgRow;
  miniProgramId: string;
  appId: string;
  name: string;
}

const RUN_LOCK = `hashtext('mp-guard:wechat-sync')`;

const actor = (org: OrgRow): AuthContext => ({
  organizationId: org.id,
  timeZone: org.time_zone,
  locale: org.locale,
  actorType: 'system',
  actorId: null,
  actorLabel: 'wechat-sync',
});

/** Thrown through the sync of one mini-program when WeChat answered nothing usable. */
class Stop extends Error {
  constructor(readonly finding: WechatFinding) {
    super(finding.code);
  }
}

/**
 * The WeChat sync: for every mini-program with a stored AppSecret, reads its certification and review
 * window (getaccountbasicinfo) and its filing status (get_icp_entrance_info), and keeps the registry in
 * step through the registry's own update (so the annual-review deadline moves as it does for a PATCH):
 * a review window opens or moves the certification expiry nobody typed by hand; a different hand-typed
 * date is a finding with both values. Certification lost is mailed at once, through the outbox, to the
 * owner's operators and managers. Each sync of each mini-program is one row in `wechat_syncs`.
 */
@Injectable()
export class WechatSyncService {
  private readonly logger = new Logger('WechatSync');
  private readonly mailDomain: string;

  constructor(
    private readonly db: DataSource,
    private readonly credentials: CredentialService,
    private readonly tokens: WechatTokenService,
    private readonly api: WechatApiClient,
    private readonly registry: MiniProgramService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.mailDomain = mailDomainOf(config.MAIL_FROM);
  }

  async run(now: Date, options: SyncOptions): Promise<SyncResult> {
    const result: SyncResult = {
      at: now.toISOString(),
      ran: true,
      synced: 0,
      ok: 0,
      partial: 0,
      failed: 0,
      changed: 0,
      alerted: 0,
      findings: {},
      miniPrograms: [],
    };
    if (options.trigger === 'on_demand') {
      await this.runLocked(now, options, result);
      return result;
    }
    const ran = await withRunLock(this.db, RUN_LOCK, () => this.runLocked(now, options, result));
    return ran ? result : { ...result, ran: false };
  }

  private async runLocked(now: Date, options: SyncOptions, result: SyncResult): Promise<void> {
    const scheduled = options.trigger === 'scheduled';
    const orgs = await this.db.query<OrgRow[]>(
      `SELECT id, time_zone, locale FROM organizations WHERE ($1::uuid IS NULL OR id = $1) ORDER BY id`,
      [options.organizationId ?? null],
    );
    const tasks: Task[] = [];
    for (const org of orgs) {
      if (scheduled && localHourOf(now, org.time_zone) < this.config.WECHAT_SYNC_HOUR) continue;
      const today = localDateOf(now, org.time_zone);
      const rows = await this.db.query<{ id: string; app_id: string; name: string }[]>(
        `SELECT mp.id, mp.app_id, mp.name FROM credentials c
           JOIN mini_programs mp ON mp.organization_id = c.organization_id AND mp.id = c.mini_program_id
          WHERE c.organization_id = $1 AND c.kind = 'wechat_app_secret'
            AND ($2::uuid IS NULL OR mp.id = $2)
            AND (NOT $3 OR NOT EXISTS (
                  SELECT 1 FROM wechat_syncs s
                   WHERE s.organization_id = $1 AND s.mini_program_id = mp.id
                     AND s.synced_at >= $4 AND s.synced_at < $5))
          ORDER BY mp.created_at, mp.id`,
        [
          org.id,
          options.miniProgramId ?? null,
          scheduled,
          startOfLocalDay(today, org.time_zone),
          startOfLocalDay(addDays(today, 1), org.time_zone),
        ],
      );
      for (const r of rows) tasks.push({ org, miniProgramId: r.id, appId: r.app_id, name: r.name });
    }
    for (const task of tasks) {
      if (options.signal?.aborted) return;
      const synced = await this.syncOne(task, now, options.trigger, options.signal);
      if (!synced) continue;
      result.synced++;
      result[synced.outcome]++;
      if (synced.changes.length) result.changed++;
      if (synced.alerted) result.alerted++;
      for (const f of synced.findings) result.findings[f.code] = (result.findings[f.code] ?? 0) + 1;
      result.miniPrograms.push(synced);
    }
  }

  private async syncOne(
    task: Task,
    now: Date,
    trigger: SyncTrigger,
    signal?: AbortSignal,
  ): Promise<MiniProgramSync | null> {
    const { org } = task;
    const read: Record<string, unknown> = {};
    const findings: WechatFinding[] = [];
    let tokenRequests = 0;
    let basic: AccountBasicInfo;
    let icp: IcpEntranceInfo | null = null;
    try {
      let credential: RevealedCredential | null;
      try {
        credential = await this.credentials.reveal(org.id, task.miniProgramId);
      } catch (error) {
        // A key missing from the configuration is this mini-program's finding, not the end of the run.
        if (error instanceof SecretBoxError || error instanceof DomainError)
          throw new Stop(secretUnreadableFinding(error.message));
        throw error;
      }
      if (!credential) return null; // deleted meanwhile
      const cred = credential;
      let current: string | null = null;
      const token = async (refused?: string) => {
        const issued = await this.tokens.token(org.id, task.miniProgramId, cred, refused, signal);
        if (issued.fetched) tokenRequests++;
        current = issued.token;
        return issued.token;
      };
      // A token WeChat refuses mid-sync (expired, or replaced by someone's force_refresh) is renewed once.
      const withToken = async <T>(call: (t: string) => Promise<T>): Promise<T> => {
        const first = current ?? (await token());
        try {
          return await call(first);
        } catch (error) {
          if (
            !(error instanceof WechatApiError) ||
            error.api === 'stable_token' ||
            !TOKEN_EXPIRED_CODES.has(error.errcode)
          )
            throw error;
          return call(await token(first));
        }
      };
      try {
        basic = await withToken((t) => this.api.accountBasicInfo(t, signal));
      } catch (error) {
        throw new Stop(this.findingOf(error));
      }
      try {
        icp = await withToken((t) => this.api.icpEntranceInfo(t, signal));
      } catch (error) {
        if (signal?.aborted) return null;
        findings.push(this.findingOf(error));
      }
    } catch (error) {
      if (signal?.aborted) return null;
      if (!(error instanceof Stop)) throw error;
      return this.record(task, now, trigger, {
        read,
        findings: [error.finding],
        tokenRequests,
        basic: null,
        icp: null,
      });
    }
    return this.record(task, now, trigger, { read, findings, tokenRequests, basic, icp });
  }

  private findingOf(error: unknown): WechatFinding {
    if (error instanceof WechatApiError) return errorFinding(error.errcode, error.errmsg, error.api);
    if (error instanceof WechatUnreachableError) return unreachableFinding(error.api, error.reason);
    throw error;
  }

  /** Decides and writes under a per-mini-program lock, so two syncs at once never both move the date. */
  private async record(
    task: Task,
    now: Date,
    trigger: SyncTrigger,
    got: {
      read: Record<string, unknown>;
      findings: WechatFinding[];
      tokenRequests: number;
      basic: AccountBasicInfo | null;
      icp: IcpEntranceInfo | null;
    },
  ): Promise<MiniProgramSync> {
    const { org } = task;
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [
        `mp-guard:wechat-sync:${task.miniProgramId}`,
      ]);
      try {
        return await this.decide(task, now, trigger, got, org);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [
          `mp-guard:wechat-sync:${task.miniProgramId}`,
        ]);
      }
    } finally {
      await runner.release();
    }
  }

  private async decide(
    task: Task,
    now: Date,
    trigger: SyncTrigger,
    got: {
      read: Record<string, unknown>;
      findings: WechatFinding[];
      tokenRequests: number;
      basic: AccountBasicInfo | null;
      icp: IcpEntranceInfo | null;
    },
    org: OrgRow,
  ): Promise<MiniProgramSync> {
    const findings: WechatFinding[] = [];
    const changes: SyncChange[] = [];
    const read = { ...got.read };
    let qualified: boolean | null = null;
    let agreed: string | null = null;
    let certificationLost = false;
    if (got.basic) {
      const info = got.basic.wx_verify_info ?? { qualification_verify: false };
      const dateOf = (seconds: number | undefined) =>
        typeof seconds === 'number' && seconds > 0
          ? localDateOf(new Date(seconds * 1000), org.time_zone)
          : null;
      const reviewStartsOn = dateOf(info.annual_review_begin_time);
      const reviewEndsOn = dateOf(info.annual_review_end_time);
      read.account = {
        nickname: got.basic.nickname ?? null,
        principalName: got.basic.principal_name ?? null,
        customerType: got.basic.customer_type ?? null,
        wxVerifyInfo: info,
        reviewStartsOn,
        reviewEndsOn,
        timeZone: org.time_zone,
      };
      qualified = info.qualification_verify === true;
      const [state] = await this.db.query<
        { registry: string | null; last_applied: string | null; previously_qualified: boolean | null }[]
      >(
        `SELECT mp.certification_expires_on::text AS registry,
                (SELECT s.applied_certification_expires_on::text FROM wechat_syncs s
                  WHERE s.organization_id = mp.organization_id AND s.mini_program_id = mp.id
                    AND s.applied_certification_expires_on IS NOT NULL
                  ORDER BY s.seq DESC LIMIT 1) AS last_applied,
                (SELECT s.qualified FROM wechat_syncs s
                  WHERE s.organization_id = mp.organization_id AND s.mini_program_id = mp.id AND s.qualified IS NOT NULL
                  ORDER BY s.seq DESC LIMIT 1) AS previously_qualified
           FROM mini_programs mp WHERE mp.organization_id = $1 AND mp.id = $2`,
        [org.id, task.miniProgramId],
      );
      const assessment = assessAccount({
        info,
        reviewStartsOn,
        reviewEndsOn,
        registry: state.registry,
        lastApplied: state.last_applied,
        previouslyQualified: state.previously_qualified,
      });
      findings.push(...assessment.findings);
      // Mailed once per loss: not again while the following syncs keep finding it lost.
      certificationLost = assessment.certificationLost && state.previously_qualified !== false;
      if (assessment.plan.action === 'set') {
        // The registry's own update: its transaction, audit event and deadline sync, as for a PATCH.
        await this.registry.update(actor(org), task.miniProgramId, {
          certificationExpiresOn: assessment.plan.to,
        });
        changes.push({ field: 'certificationExpiresOn', from: assessment.plan.from, to: assessment.plan.to });
        agreed = assessment.plan.to;
      } else if (reviewEndsOn !== null && state.registry === reviewEndsOn) {
        agreed = reviewEndsOn;
      }
    }
    if (got.icp) {
      read.icp = {
        status: got.icp.status,
        isCanceling: got.icp.is_canceling ?? false,
        available: got.icp.available ?? null,
        smsVerifyStatus: got.icp.sms_verify_status ?? null,
        auditData: got.icp.audit_data ?? [],
      };
      findings.push(...assessIcp(got.icp));
    }
    findings.push(...got.findings);
    const outcome: MiniProgramSync['outcome'] = !got.basic
      ? 'failed'
      : got.findings.length
        ? 'partial'
        : 'ok';

    return this.db.transaction(async (m) => {
      const [row] = await m.query<{ id: string }[]>(
        `INSERT INTO wechat_syncs (organization_id, mini_program_id, synced_at, trigger, outcome, read, findings,
                changes, qualified, applied_certification_expires_on, token_requests)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [
          org.id,
          task.miniProgramId,
          now,
          trigger,
          outcome,
          JSON.stringify(read),
          JSON.stringify(findings),
          JSON.stringify(changes),
          qualified,
          agreed,
          got.tokenRequests,
        ],
      );
      let alerted = false;
      if (certificationLost) alerted = await this.alert(m, org, task.miniProgramId, row.id, now);
      if (findings.some((f) => f.severity === 'urgent'))
        this.logger.warn(
          {
            organizationId: org.id,
            miniProgramId: task.miniProgramId,
            findings: findings.map((f) => f.code),
          },
          'wechat sync found something urgent',
        );
      return {
        id: row.id,
        organizationId: org.id,
        miniProgramId: task.miniProgramId,
        appId: task.appId,
        name: task.name,
        syncedAt: now.toISOString(),
        outcome,
        read,
        findings,
        changes,
        tokenRequests: got.tokenRequests,
        alerted,
      };
    });
  }

  /** One urgent mail per loss and local day, to the owner's people of the manager stage (operator, manager). */
  private async alert(
    m: import('typeorm').EntityManager,
    org: OrgRow,
    miniProgramId: string,
    syncId: string,
    now: Date,
  ): Promise<boolean> {
    const today = localDateOf(now, org.time_zone);
    const [alert] = await m.query<{ id: string }[]>(
      `INSERT INTO notifications (organization_id, mini_program_id, kind, stage, trigger_on, status, subject_ref, created_at)
       VALUES ($1, $2, 'wechat_alert', $3, $4, 'pending', $5, $6)
       ON CONFLICT (mini_program_id, stage) DO NOTHING
       RETURNING id`,
      [org.id, miniProgramId, `wechat:certification_lost:${today}`, today, syncId, now],
    );
    if (!alert) return false;
    const contacts = await m.query<
      { id: string; email: string; name: string; role: string; locale: string }[]
    >(
      `SELECT id, email, name, role, locale FROM contacts
        WHERE organization_id = $1 AND vendor_id IS NULL AND role = ANY($2::text[]) ORDER BY created_at, id`,
      [org.id, WITH_MANAGER_ROLES],
    );
    await insertDeliveries(
      m,
      org.id,
      now,
      this.mailDomain,
      contacts.map((c) => [alert.id, c.id, c.email, c.name, c.role, c.locale]),
    );
    return true;
  }
}
