import type { ParsedMail } from 'mailparser';
import { FixedClock } from '../../libs/common/src/clock.js';
import { TickService } from '../../libs/reminders/src/tick.service.js';
import { contactBody, miniProgramBody } from '../factories/registry.factory.js';
import { outbox } from './outbox.js';
import { headerText, SmtpSink } from './smtp-sink.js';
import { startTestApp, type TestApp, type TestOrg } from './test-app.js';

/** One reminder mail as the SMTP server received it. */
export interface Received {
  /** The organization's local date (Asia/Shanghai) when it arrived. */
  day: string;
  deadlineId: string;
  stage: string;
  to: string;
  messageId: string;
  inReplyTo: string;
  references: string;
  subject: string;
  mail: ParsedMail;
}

const DAY = 86_400_000;
export const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/**
 * The annual review counted back from its expiry, whatever the anchoring of stages before the due date
 * (the due date or the last day to act): applyBy 0 days makes the last day to act the due date itself
 * whenever that is a working day, which every date these tests use is.
 */
export const SAME_DAY_ACT_BY = {
  wechat_certification_annual_review: { applyBy: { amount: 0, unit: 'days' } },
};

/**
 * An app with a real SMTP server, a fixed clock and one organization (Asia/Shanghai) with one operator,
 * for tests that follow deadlines day by day and read what arrived.
 */
export class ReminderWorld {
  readonly clock = new FixedClock(new Date('2026-11-25T01:30:00Z'));
  t!: TestApp;
  sink!: SmtpSink;
  org!: TestOrg;
  /** Every reminder received so far, in order of arrival. */
  readonly received: Received[] = [];
  private seen = 0;

  static async start(env: Record<string, string> = {}): Promise<ReminderWorld> {
    const w = new ReminderWorld();
    w.sink = await SmtpSink.start();
    w.t = await startTestApp({
      clock: w.clock,
      env: { SMTP_URL: w.sink.url(), PUBLIC_URL: 'http://mp-guard.test', ...env },
    });
    w.org = await w.t.createOrg('Flows');
    await outbox(w.t.databaseUrl, `UPDATE organizations SET catalogue_overrides = $2 WHERE id = $1`, [
      w.org.id,
      JSON.stringify(SAME_DAY_ACT_BY),
    ]);
    await w.api('post', '/api/v1/contacts', contactBody({ email: 'op@flows.cn', role: 'operator' }));
    return w;
  }

  async close(): Promise<void> {
    await this.t.close();
    await this.sink.stop();
  }

  api(method: 'get' | 'post' | 'patch', path: string, body?: object) {
    const req = this.t.http()[method](path).set('Authorization', this.org.bearer);
    return body ? req.send(body) : req;
  }

  /** A mini-program whose certification expires on `due`; returns it and its live annual-review cycle. */
  async miniProgram(due: string): Promise<{ id: string; reviewId: string }> {
    const mp = (
      await this.api(
        'post',
        '/api/v1/mini-programs',
        miniProgramBody({ certificationExpiresOn: due }),
      ).expect(201)
    ).body as { id: string };
    return { id: mp.id, reviewId: await this.liveReview(mp.id) };
  }

  async liveReview(miniProgramId: string): Promise<string> {
    const list = (
      await this.api('get', `/api/v1/deadlines?miniProgramId=${miniProgramId}&kind=annual_review`).expect(200)
    ).body as { items: { id: string }[] };
    return list.items[0].id;
  }

  async deadline(id: string): Promise<Record<string, any>> {
    return (await this.api('get', `/api/v1/deadlines/${id}`).expect(200)).body as Record<string, any>;
  }

  /** One tick (plan and deliver) at `iso`; what arrived is added to `received`. */
  async tick(iso: string): Promise<void> {
    const at = new Date(iso);
    this.clock.set(at);
    await this.t.app.get(TickService).tick(at, () => 0.5);
    this.collect();
  }

  /** The daily tick at 09:30 in Shanghai on every day from `from` to `to`, both included. */
  async daily(from: string, to: string): Promise<void> {
    for (let day = from; day <= to; day = plusDays(day, 1)) await this.tick(`${day}T01:30:00Z`);
  }

  collect(): void {
    const day = new Date(this.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    for (const m of this.sink.messages.slice(this.seen)) {
      this.received.push({
        day,
        deadlineId: headerText(m.headers.get('x-mp-guard-deadline')),
        stage: headerText(m.headers.get('x-mp-guard-stage')),
        to: [m.to].flat()[0]!.value[0].address!,
        messageId: m.messageId ?? '',
        inReplyTo: typeof m.inReplyTo === 'string' ? m.inReplyTo : '',
        references: [m.references ?? []].flat().join(' '),
        subject: m.subject ?? '',
        mail: m,
      });
    }
    this.seen = this.sink.messages.length;
  }

  /** `day stage` of each mail of a deadline, in arrival order, with the day of the clock when it arrived. */
  of(deadlineId: string): Received[] {
    return this.received.filter((r) => r.deadlineId === deadlineId);
  }

  /** The acknowledge or snooze link path of a received mail. */
  static link(r: Received, action: 'ack' | 'snooze'): string {
    for (const [, token] of String(r.mail.text).matchAll(/\/ack\/([\w-]+\.[\w-]+)/g)) {
      const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as {
        a: string;
      };
      if (payload.a === action) return `/ack/${token}`;
    }
    throw new Error(`no ${action} link in the mail`);
  }
}
