import { Controller, Get, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { Public } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { DomainError } from '../../common/src/domain.error.js';
import { DeadlineService } from '../../deadlines/src/deadline.service.js';
import { escapeHtml, verifyLink, type LinkPayload } from '../../domain/src/reminders/index.js';
import type { CycleState } from '../../domain/src/deadlines/index.js';
import { localDateOf } from '../../domain/src/time/index.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import { AppStateService } from './app-state.service.js';
import { ReminderComposer } from './reminder-composer.js';

interface LinkTarget {
  payload: LinkPayload;
  deliveryEmail: string;
  locale: 'zh-CN' | 'en';
  deadlineId: string;
  dueOn: string;
  state: CycleState;
  completedAt: Date | null;
  requirementCode: string | null;
  customTitle: string | null;
  kind: string;
  subjectName: string | null;
  catalogueOverrides: Record<string, unknown> | null;
  /** The live cycle of the same obligation, when this one was renewed. */
  nextDueOn: string | null;
  timeZone: string;
  orgLocale: 'zh-CN' | 'en';
}

const KIND_NAMES: Record<string, { 'zh-CN': string; en: string }> = {
  annual_review: { 'zh-CN': '微信认证年审', en: 'WeChat certification annual review' },
  qualification_expiry: { 'zh-CN': '资质到期', en: 'qualification expiry' },
  icp_annual_report: { 'zh-CN': 'ICP 年报', en: 'ICP annual report' },
  vendor_contract_end: { 'zh-CN': '服务商合同到期', en: 'vendor contract end' },
  certificate_expiry: { 'zh-CN': '证书到期', en: 'certificate expiry' },
  custom: { 'zh-CN': '自定义事项', en: 'custom deadline' },
};

const T = {
  'zh-CN': {
    ack: '确认已收到并停止催办',
    snooze: '推迟提醒一周',
    confirm: (what: string, action: string) => `${what}：${action}？`,
    button: '确认',
    done: (action: string) => `已完成：${action}。`,
    bad: '链接无效或已被篡改。',
    expired: '链接已过期，请在 mp-guard 中操作。',
    renewedTitle: '此事项已续期',
    renewed: (what: string, next: string) =>
      `${what} 的这一周期已续期，新的到期日为 ${next}。此链接属于旧周期，未做任何操作；新周期的提醒会另行发送。`,
    completedTitle: '此事项已完成',
    completed: (what: string, on: string) => `${what} 已于 ${on} 标记为完成。此链接未做任何操作。`,
    cancelledTitle: '此事项已不再适用',
    cancelled: (what: string) => `${what} 已不再适用（资质已移除或日期已清除）。此链接未做任何操作。`,
    refusedTitle: '未执行',
    alreadyAcked: (what: string) =>
      `${what} 已确认收到，提醒已经停止，因此没有推迟。如需重新接收提醒，请在 mp-guard 中重新打开。`,
  },
  en: {
    ack: 'acknowledge and stop escalation',
    snooze: 'snooze reminders for a week',
    confirm: (what: string, action: string) => `${what}: ${action}?`,
    button: 'Confirm',
    done: (action: string) => `Done: ${action}.`,
    bad: 'This link is not valid or was altered.',
    expired: 'This link has expired; please act in mp-guard instead.',
    renewedTitle: 'This deadline has been renewed',
    renewed: (what: string, next: string) =>
      `${what} has been renewed; the new due date is ${next}. This link belongs to the previous cycle and did nothing; the new cycle's reminders come separately.`,
    completedTitle: 'This deadline is completed',
    completed: (what: string, on: string) => `${what} was marked completed on ${on}. This link did nothing.`,
    cancelledTitle: 'This deadline no longer applies',
    cancelled: (what: string) =>
      `${what} no longer applies (the qualification was removed or its date cleared). This link did nothing.`,
    refusedTitle: 'Not done',
    alreadyAcked: (what: string) =>
      `${what} is already acknowledged, so its reminders have stopped and nothing was snoozed. Reopen it in mp-guard to receive reminders again.`,
  },
} as const;

function page(title: string, body: string, lang = 'zh-CN'): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:40em;margin:3em auto">${body}</body></html>`;
}

/**
 * A page that acts on one click must not be framed (clickjacking: a hidden frame over a decoy button):
 * CSP frame-ancestors for current browsers, X-Frame-Options for older ones. It loads nothing and posts
 * only to itself.
 */
function protectPage(res: Response): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  );
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/**
 * The acknowledge and snooze links in reminder mails. GET only shows a confirmation page (mail scanners
 * follow links); POST acts, once, as the recipient the link was sent to.
 */
@ApiExcludeController()
@Controller('ack')
export class LinksController {
  constructor(
    private readonly db: DataSource,
    private readonly state: AppStateService,
    private readonly clock: Clock,
    private readonly deadlines: DeadlineService,
    private readonly catalogue: CatalogueService,
  ) {}

  @Get(':token')
  @Public()
  async show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    protectPage(res);
    const target = await this.resolve(token, res);
    if (!target || this.closedCycle(target, res)) return;
    const t = T[target.locale];
    const action = target.payload.action === 'ack' ? t.ack : t.snooze;
    const what = `${this.titleOf(target)} (${target.dueOn})`;
    res
      .status(HttpStatus.OK)
      .type('html')
      .send(
        page(
          action,
          `<p>${escapeHtml(t.confirm(what, action))}</p><form method="post"><button type="submit">${t.button}</button></form>`,
          target.locale,
        ),
      );
  }

  @Post(':token')
  @Public()
  async act(@Param('token') token: string, @Res() res: Response): Promise<void> {
    protectPage(res);
    const target = await this.resolve(token, res);
    if (!target || this.closedCycle(target, res)) return;
    const ctx: AuthContext = {
      organizationId: target.payload.organizationId,
      timeZone: target.timeZone,
      locale: target.orgLocale,
      actorType: 'link',
      actorId: target.payload.notificationId,
      actorLabel: target.deliveryEmail.startsWith('channel: ')
        ? `chat link (${target.deliveryEmail.slice('channel: '.length)})`
        : `mail link (${target.deliveryEmail})`,
    };
    const t = T[target.locale];
    try {
      if (target.payload.action === 'ack') {
        await this.deadlines.acknowledge(ctx, target.deadlineId, {}, target.locale);
      } else {
        const today = localDateOf(this.clock.now(), target.timeZone);
        await this.deadlines.snooze(
          ctx,
          target.deadlineId,
          { until: ReminderComposer.snoozeUntil(today, target.dueOn) },
          target.locale,
        );
      }
    } catch (error) {
      if (error instanceof DomainError) {
        const acked = error.problems[0]?.field === 'overrideAcknowledgement';
        const text = acked
          ? t.alreadyAcked(this.titleOf(target))
          : (error.problems[0]?.rule ?? error.message);
        res
          .status(HttpStatus.CONFLICT)
          .type('html')
          .send(page(t.refusedTitle, `<p>${escapeHtml(text)}</p>`, target.locale));
        return;
      }
      throw error;
    }
    const action = target.payload.action === 'ack' ? t.ack : t.snooze;
    res
      .status(HttpStatus.OK)
      .type('html')
      .send(page(action, `<p>${escapeHtml(t.done(action))}</p>`, target.locale));
  }

  /** The requirement's name in the recipient's language (never a raw code), after the mini-program's name. */
  private titleOf(target: LinkTarget): string {
    const catalogue = this.catalogue.forOrganization(target.catalogueOverrides);
    const name =
      this.catalogue.localized(target.requirementCode, target.locale, catalogue)?.name ??
      target.customTitle ??
      KIND_NAMES[target.kind]?.[target.locale] ??
      target.kind;
    return target.subjectName ? `${target.subjectName} · ${name}` : name;
  }

  /**
   * A link of a cycle that is no longer live acts on nothing and says why, in the recipient's language:
   * renewed (a newer cycle of the same obligation is live), completed, or no longer applicable.
   */
  private closedCycle(target: LinkTarget, res: Response): boolean {
    if (target.state !== 'completed' && target.state !== 'cancelled') return false;
    const t = T[target.locale];
    const what = `${this.titleOf(target)} (${target.dueOn})`;
    const [title, text] =
      target.state === 'cancelled'
        ? [t.cancelledTitle, t.cancelled(what)]
        : target.nextDueOn
          ? [t.renewedTitle, t.renewed(what, target.nextDueOn)]
          : [
              t.completedTitle,
              t.completed(
                what,
                target.completedAt ? localDateOf(target.completedAt, target.timeZone) : target.dueOn,
              ),
            ];
    res
      .status(HttpStatus.GONE)
      .type('html')
      .send(page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`, target.locale));
    return true;
  }

  /** Verifies the token and finds what it names within its own organization; answers the error page itself. */
  private async resolve(token: string, res: Response): Promise<LinkTarget | null> {
    const verdict = verifyLink(token, await this.state.linkSecret(), this.clock.now());
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (
      verdict.ok &&
      !(UUID.test(verdict.payload.notificationId) && UUID.test(verdict.payload.organizationId))
    ) {
      res
        .status(HttpStatus.NOT_FOUND)
        .type('html')
        .send(page('mp-guard', `<p>${T['zh-CN'].bad}</p><p>${T.en.bad}</p>`));
      return null;
    }
    if (!verdict.ok) {
      const expired = verdict.reason === 'expired';
      res
        .status(expired ? HttpStatus.GONE : HttpStatus.BAD_REQUEST)
        .type('html')
        .send(
          page(
            'mp-guard',
            `<p>${T['zh-CN'][expired ? 'expired' : 'bad']}</p><p>${T.en[expired ? 'expired' : 'bad']}</p>`,
          ),
        );
      return null;
    }
    const [row] = await this.db.query<Omit<LinkTarget, 'payload'>[]>(
      `SELECT d.email AS "deliveryEmail", d.locale, n.deadline_id AS "deadlineId", dl.due_on AS "dueOn",
              dl.state, dl.completed_at AS "completedAt", dl.requirement_code AS "requirementCode",
              dl.title AS "customTitle", dl.kind, COALESCE(mp.name, v.name) AS "subjectName",
              o.catalogue_overrides AS "catalogueOverrides",
              (SELECT nx.due_on FROM deadlines nx
                WHERE nx.organization_id = dl.organization_id AND nx.subject_key = dl.subject_key
                  AND nx.id <> dl.id AND nx.state IN ('open', 'acknowledged', 'snoozed')) AS "nextDueOn",
              o.time_zone AS "timeZone", o.locale AS "orgLocale"
         FROM notification_deliveries d
         JOIN notifications n ON n.id = d.notification_id AND n.organization_id = d.organization_id
         JOIN deadlines dl ON dl.id = n.deadline_id AND dl.organization_id = d.organization_id
         JOIN organizations o ON o.id = d.organization_id
         LEFT JOIN mini_programs mp ON mp.id = dl.mini_program_id
         LEFT JOIN vendors v ON v.id = dl.vendor_id AND dl.mini_program_id IS NULL
        WHERE d.id = $1 AND d.organization_id = $2
       UNION ALL
       -- A chat channel's message (issue #17): the link names the channel delivery; the page speaks the
       -- organization's language, and the audit names the channel rather than a mail address.
       SELECT 'channel: ' || c.name, o.locale, n.deadline_id, dl.due_on, dl.state, dl.completed_at, dl.requirement_code,
              dl.title, dl.kind, COALESCE(mp.name, v.name), o.catalogue_overrides,
              (SELECT nx.due_on FROM deadlines nx
                WHERE nx.organization_id = dl.organization_id AND nx.subject_key = dl.subject_key
                  AND nx.id <> dl.id AND nx.state IN ('open', 'acknowledged', 'snoozed')),
              o.time_zone, o.locale
         FROM channel_deliveries cd
         JOIN channels c ON c.id = cd.channel_id AND c.organization_id = cd.organization_id
         JOIN notifications n ON n.id = cd.notification_id AND n.organization_id = cd.organization_id
         JOIN deadlines dl ON dl.id = n.deadline_id AND dl.organization_id = cd.organization_id
         JOIN organizations o ON o.id = cd.organization_id
         LEFT JOIN mini_programs mp ON mp.id = dl.mini_program_id
         LEFT JOIN vendors v ON v.id = dl.vendor_id AND dl.mini_program_id IS NULL
        WHERE cd.id = $1 AND cd.organization_id = $2`,
      [verdict.payload.notificationId, verdict.payload.organizationId],
    );
    if (!row) {
      res
        .status(HttpStatus.NOT_FOUND)
        .type('html')
        .send(page('mp-guard', `<p>${T['zh-CN'].bad}</p><p>${T.en.bad}</p>`));
      return null;
    }
    return { ...row, payload: verdict.payload };
  }
}
