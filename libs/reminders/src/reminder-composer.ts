import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { findRequirement } from '../../catalogue/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import {
  checklistFor,
  consequenceFor,
  headerSafe,
  isOverdueStage,
  renderFailureReport,
  renderReminder,
  signLink,
  stageAnchorsOf,
  stageInstanceOf,
  DEFAULT_LADDER,
  type FailureKind,
  type Ladder,
} from '../../domain/src/reminders/index.js';
import { addDays, daysBetween, localDateOf, workingDaysThrough } from '../../domain/src/time/index.js';
import type { OutgoingMail } from '../../mail/src/mail-transport.js';
import { composeContinuityAlert } from '../../continuity/src/continuity-alert.composer.js';
import { composeWechatAlert } from '../../wechat/src/wechat-alert.composer.js';
import { composeChannelAlert } from '../../channels/src/channel-alert.composer.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { signInvitation } from '../../people/src/invitation-token.js';
import { renderInvitationMail } from '../../people/src/invitation-mail.js';
import { mailDomainOf } from './planner.service.js';
import { deadlineDisplayName, ownerNameOf } from '../../domain/src/deadlines/index.js';

export interface ClaimedDelivery {
  id: string;
  organization_id: string;
  notification_id: string;
  email: string;
  name: string;
  role: string;
  locale: 'zh-CN' | 'en';
  message_id: string;
  kind:
    | 'reminder'
    | 'failure_report'
    | 'continuity_alert'
    | 'wechat_alert'
    | 'channel_alert'
    | 'invitation'
    | 'password_reset';
  stage: string;
  deadline_id: string | null;
  vendor_id: string | null;
  vendor_unavailable: boolean;
  subject_ref: string | null;
  /** When the delivery was queued: the retry period counts from here. */
  created_at: Date;
}

export interface DeadlineContext {
  id: string;
  kind: string;
  title: string | null;
  requirement_code: string | null;
  due_on: string;
  apply_by: string;
  act_by: string;
  state: string;
  snoozed_until: string | null;
  ladder: Ladder | null;
  mini_program_name: string | null;
  app_id: string | null;
  vendor_name: string | null;
  vendor_status: string | null;
  org_name: string;
  time_zone: string;
  catalogue_overrides: Record<string, unknown>;
  reminder_ladder: Ladder | null;
}

export interface FailureDetails {
  recipient: { name: string; email: string; role: string };
  error: string;
  reason: FailureKind;
}

/** What composing a reminder reads about its deadline (`d`), to be followed by a WHERE on `d.id`. */
export const DEADLINE_CONTEXT_SQL = `
  SELECT d.id, d.kind, d.title, d.requirement_code, d.due_on, d.apply_by, d.act_by, d.state, d.snoozed_until,
         d.ladder,
         mp.name AS mini_program_name, mp.app_id, v.name AS vendor_name, v.status AS vendor_status,
         o.name AS org_name, o.time_zone, o.catalogue_overrides, o.reminder_ladder
    FROM deadlines d
    JOIN organizations o ON o.id = d.organization_id
    LEFT JOIN mini_programs mp ON mp.id = d.mini_program_id
    LEFT JOIN vendors v ON v.id = d.vendor_id`;

/** Builds the mail of one delivery: the reminder in the recipient's language, or a failure report. */
@Injectable()
export class ReminderComposer {
  private readonly domain: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly catalogue: CatalogueService,
  ) {
    this.domain = mailDomainOf(config.MAIL_FROM);
  }

  static async loadDeadline(m: EntityManager, deadlineId: string): Promise<DeadlineContext | null> {
    const [row] = await m.query<DeadlineContext[]>(`${DEADLINE_CONTEXT_SQL} WHERE d.id = $1 FOR SHARE OF d`, [
      deadlineId,
    ]);
    return row ?? null;
  }

  /** `secret` is fetched by the caller before its transaction, so composing never needs a second connection. */
  compose(
    d: ClaimedDelivery,
    deadline: DeadlineContext,
    now: Date,
    secret: string,
    failure?: FailureDetails,
  ): OutgoingMail {
    const locale = d.locale;
    const catalogue = this.catalogue.forOrganization(deadline.catalogue_overrides);
    const requirement = deadline.requirement_code
      ? findRequirement(catalogue, deadline.requirement_code)
      : undefined;
    const requirementName = deadlineDisplayName(requirement?.name[locale], deadline, locale);
    const today = localDateOf(now, deadline.time_zone);
    const daysLeft = daysBetween(today, deadline.due_on);
    // Threading (In-Reply-To, References) is set by the delivery loop, which knows the thread's first mail.
    const base = {
      from: this.config.MAIL_FROM,
      to: { name: headerSafe(d.name), address: d.email },
      messageId: d.message_id,
      headers: {
        'X-MP-Guard-Stage': headerSafe(d.stage),
        'X-MP-Guard-Deadline': deadline.id,
        'Auto-Submitted': 'auto-generated',
      },
    };
    if (d.kind === 'failure_report' && failure) {
      return {
        ...base,
        ...renderFailureReport(
          {
            organizationName: deadline.org_name,
            failedRecipient: failure.recipient,
            miniProgramName: deadline.mini_program_name,
            deadlineTitle: requirementName,
            dueOn: deadline.due_on,
            error: failure.error,
            reason: failure.reason,
          },
          locale,
        ),
      };
    }
    const expiresAt = new Date(now.getTime() + 60 * 86_400_000);
    const link = (action: 'ack' | 'snooze') =>
      `${this.config.publicUrl}/ack/${signLink({ notificationId: d.id, organizationId: d.organization_id, action, expiresAt }, secret)}`;
    const ladder = deadline.ladder ?? deadline.reminder_ladder ?? (DEFAULT_LADDER as Ladder);
    const anchors = stageAnchorsOf({
      dueOn: deadline.due_on,
      applyBy: deadline.apply_by,
      actBy: deadline.act_by,
      requirementCode: deadline.requirement_code,
    });
    const instance = stageInstanceOf(ladder, anchors, d.stage);
    const consequence = requirement ? consequenceFor(requirement, -daysLeft, locale) : null;
    const applicationWindow = anchors.leadFrom !== anchors.dueOn;
    return {
      ...base,
      ...renderReminder(
        {
          organizationName: deadline.org_name,
          miniProgram: {
            name:
              deadline.mini_program_name ??
              deadline.vendor_name ??
              ownerNameOf(deadline) ??
              deadline.org_name,
            appId: deadline.app_id ?? null,
          },
          deadline: {
            title: requirementName,
            requirementName,
            dueOn: deadline.due_on,
            actBy: deadline.act_by,
            daysLeft,
            kind: deadline.kind as never,
            applicationWindow,
            lateApplicationRefused: requirement?.lateApplicationRefused ?? false,
            workingDaysToActBy: applicationWindow ? workingDaysThrough(today, deadline.act_by).count : null,
          },
          afterWindowCloses: requirement?.afterWindowCloses?.[locale] ?? null,
          stage: { code: d.stage, isOverdue: instance ? isOverdueStage(instance.stage) : daysLeft < 0 },
          consequence: consequence?.text ?? null,
          vendorUnavailable: d.vendor_unavailable,
          vendorName: deadline.vendor_name,
          checklist: requirement ? checklistFor(requirement, locale) : null,
          links: {
            acknowledge: link('ack'),
            snooze: link('snooze'),
            deadline: `${this.config.publicUrl}/console/deadlines/${deadline.id}`,
          },
        },
        locale,
      ),
    };
  }

  /** The continuity alert of a vendor that is still unavailable, or null when it is back to active. */
  async composeContinuityAlert(m: EntityManager, d: ClaimedDelivery): Promise<OutgoingMail | null> {
    if (!d.vendor_id) return null;
    const [vendor] = await m.query<{ status: string }[]>(
      `SELECT status FROM vendors WHERE id = $1 FOR SHARE`,
      [d.vendor_id],
    );
    if (!vendor || vendor.status === 'active') return null;
    const rendered = await composeContinuityAlert(
      m,
      d.vendor_id,
      (o) => this.catalogue.forOrganization(o),
      d.locale,
      this.config.publicUrl,
    );
    if (!rendered) return null;
    return {
      from: this.config.MAIL_FROM,
      to: { name: headerSafe(d.name), address: d.email },
      messageId: d.message_id,
      headers: { 'X-MP-Guard-Stage': headerSafe(d.stage), 'Auto-Submitted': 'auto-generated' },
      ...rendered,
    };
  }

  /** The urgent mail of a WeChat sync finding (certification lost), or null when it no longer holds. */
  async composeWechatAlert(m: EntityManager, d: ClaimedDelivery): Promise<OutgoingMail | null> {
    if (!d.subject_ref) return null;
    const rendered = await composeWechatAlert(m, d.subject_ref, d.locale, this.config.publicUrl);
    if (!rendered) return null;
    return {
      from: this.config.MAIL_FROM,
      to: { name: headerSafe(d.name), address: d.email },
      messageId: d.message_id,
      headers: {
        'X-MP-Guard-Stage': headerSafe(d.stage),
        'Auto-Submitted': 'auto-generated',
        Importance: 'high',
      },
      ...rendered,
    };
  }

  /** The admins' mail about a chat channel paused for an invalid key, or null once it is resumed or gone. */
  async composeChannelAlert(m: EntityManager, d: ClaimedDelivery): Promise<OutgoingMail | null> {
    if (!d.subject_ref) return null;
    const rendered = await composeChannelAlert(m, d.subject_ref, d.locale, this.config.publicUrl);
    if (!rendered) return null;
    return {
      from: this.config.MAIL_FROM,
      to: { name: headerSafe(d.name), address: d.email },
      messageId: d.message_id,
      headers: { 'X-MP-Guard-Stage': headerSafe(d.stage), 'Auto-Submitted': 'auto-generated' },
      ...rendered,
    };
  }

  /**
   * An invitation or reset mail (its invitation's id is the notification's subject_ref), or null when the
   * link can no longer be used (accepted, revoked or expired meanwhile): then nothing is sent.
   */
  async composeInvitation(
    m: EntityManager,
    d: ClaimedDelivery,
    now: Date,
    secret: string,
  ): Promise<OutgoingMail | null> {
    if (!d.subject_ref) return null;
    const [inv] = await m.query<
      {
        id: string;
        purpose: 'invite' | 'reset';
        role: string | null;
        invited_by: string;
        expires_at: Date;
        org_name: string;
        time_zone: string;
      }[]
    >(
      `SELECT i.id, i.purpose, i.role, i.invited_by, i.expires_at, o.name AS org_name, o.time_zone
         FROM invitations i JOIN organizations o ON o.id = i.organization_id
        WHERE i.id = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
          FOR SHARE OF i`,
      [d.subject_ref, now],
    );
    if (!inv) return null;
    const path = inv.purpose === 'invite' ? 'invitations' : 'reset';
    const rendered = renderInvitationMail(
      {
        purpose: inv.purpose,
        organizationName: inv.org_name,
        invitedBy: inv.invited_by,
        role: inv.role,
        link: `${this.config.publicUrl}/console/${path}/${signInvitation(inv.id, inv.purpose, inv.expires_at, secret)}`,
        expiresOn: localDateOf(inv.expires_at, inv.time_zone),
      },
      d.locale,
    );
    return {
      from: this.config.MAIL_FROM,
      to: { name: headerSafe(d.name), address: d.email },
      messageId: d.message_id,
      headers: { 'X-MP-Guard-Stage': headerSafe(d.stage), 'Auto-Submitted': 'auto-generated' },
      ...rendered,
    };
  }

  /** A snooze link postpones reminders by a week, never past the due date. */
  static snoozeUntil(today: string, dueOn: string): string {
    const week = addDays(today, 7);
    return week < dueOn ? week : dueOn;
  }
}
