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
import { localDateOf } from '../../domain/src/time/index.js';
import { AppStateService } from './app-state.service.js';
import { ReminderComposer } from './reminder-composer.js';

interface LinkTarget {
  payload: LinkPayload;
  deliveryEmail: string;
  locale: 'zh-CN' | 'en';
  deadlineId: string;
  dueOn: string;
  title: string;
  timeZone: string;
  orgLocale: 'zh-CN' | 'en';
}

const T = {
  'zh-CN': {
    ack: '确认已收到并停止催办',
    snooze: '推迟提醒一周',
    confirm: (what: string, action: string) => `${what}：${action}？`,
    button: '确认',
    done: (action: string) => `已完成：${action}。`,
    bad: '链接无效或已被篡改。',
    expired: '链接已过期，请在 mp-guard 中操作。',
  },
  en: {
    ack: 'acknowledge and stop escalation',
    snooze: 'snooze reminders for a week',
    confirm: (what: string, action: string) => `${what}: ${action}?`,
    button: 'Confirm',
    done: (action: string) => `Done: ${action}.`,
    bad: 'This link is not valid or was altered.',
    expired: 'This link has expired; please act in mp-guard instead.',
  },
} as const;

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:40em;margin:3em auto">${body}</body></html>`;
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
  ) {}

  @Get(':token')
  @Public()
  async show(@Param('token') token: string, @Res() res: Response): Promise<void> {
    protectPage(res);
    const target = await this.resolve(token, res);
    if (!target) return;
    const t = T[target.locale];
    const action = target.payload.action === 'ack' ? t.ack : t.snooze;
    const what = `${target.title} (${target.dueOn})`;
    res
      .status(HttpStatus.OK)
      .type('html')
      .send(
        page(
          action,
          `<p>${escapeHtml(t.confirm(what, action))}</p><form method="post"><button type="submit">${t.button}</button></form>`,
        ),
      );
  }

  @Post(':token')
  @Public()
  async act(@Param('token') token: string, @Res() res: Response): Promise<void> {
    protectPage(res);
    const target = await this.resolve(token, res);
    if (!target) return;
    const ctx: AuthContext = {
      organizationId: target.payload.organizationId,
      timeZone: target.timeZone,
      locale: target.orgLocale,
      actorType: 'link',
      actorId: target.payload.notificationId,
      actorLabel: `mail link (${target.deliveryEmail})`,
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
        res
          .status(HttpStatus.CONFLICT)
          .type('html')
          .send(page(t.bad, `<p>${escapeHtml(error.problems[0]?.rule ?? error.message)}</p>`));
        return;
      }
      throw error;
    }
    const action = target.payload.action === 'ack' ? t.ack : t.snooze;
    res
      .status(HttpStatus.OK)
      .type('html')
      .send(page(action, `<p>${escapeHtml(t.done(action))}</p>`));
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
              COALESCE(mp.name || ' · ', '') || COALESCE(dl.title, dl.requirement_code, dl.kind) AS title,
              o.time_zone AS "timeZone", o.locale AS "orgLocale"
         FROM notification_deliveries d
         JOIN notifications n ON n.id = d.notification_id AND n.organization_id = d.organization_id
         JOIN deadlines dl ON dl.id = n.deadline_id AND dl.organization_id = d.organization_id
         JOIN organizations o ON o.id = d.organization_id
         LEFT JOIN mini_programs mp ON mp.id = dl.mini_program_id
        WHERE d.id = $1 AND d.organization_id = $2`,
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
