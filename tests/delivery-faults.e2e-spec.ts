import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '../libs/common/src/clock.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { contactBody, miniProgramBody } from './factories/registry.factory.js';
import { outbox } from './support/outbox.js';
import { SmtpSink } from './support/smtp-sink.js';
import { startTestApp } from './support/test-app.js';

/** Each scenario gets its own app and SMTP server, so switching the server's behaviour affects only it. */
async function scenario(withAuth = false) {
  const sink = await SmtpSink.start();
  const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));
  const t = await startTestApp({
    clock,
    env: {
      SMTP_URL: sink.url(withAuth ? { pass: 'the-app-password' } : undefined),
      // Per-mail backoff is what this file checks; the transport-down pause has its own test (mail-outage).
      MAIL_DOWN_AFTER_FAILURES: '100',
    },
  });
  const org = await t.createOrg('Faults');
  const post = (path: string, body: object) =>
    t
      .http()
      .post(path)
      .set('Authorization', org.bearer)
      .send(body)
      .expect(201)
      .then((r) => r.body);
  await post('/api/v1/contacts', contactBody({ email: 'op@faults.cn', role: 'operator' }));
  await post('/api/v1/contacts', contactBody({ email: 'boss@faults.cn', role: 'manager' }));
  for (let i = 0; i < 3; i++)
    await post('/api/v1/mini-programs', miniProgramBody({ certificationExpiresOn: '2027-03-15' }));
  const tick = (iso: string) => {
    clock.set(new Date(iso));
    return t.app.get(TickService).tick(new Date(iso), () => 0.5);
  };
  const deliveries = () =>
    outbox(
      t.databaseUrl,
      `SELECT email, status, attempts, next_attempt_at, last_error, message_id FROM notification_deliveries ORDER BY created_at, email`,
    );
  return {
    sink,
    t,
    org,
    tick,
    deliveries,
    close: async () => {
      await t.close();
      await sink.stop();
    },
  };
}

let s: Awaited<ReturnType<typeof scenario>>;

describe('SMTP down, then 421, then back', () => {
  beforeAll(async () => (s = await scenario()));
  afterAll(() => s.close());

  it('loses nothing, retries with growing delays, and sends each mail once when the server is back', async () => {
    await s.sink.stop();
    const first = await s.tick('2026-12-15T01:30:00Z');
    expect(first.plan.planned).toBe(3);
    expect(first.delivery.retried).toBe(3);
    let rows = await s.deliveries();
    expect(
      rows.every(
        (r) =>
          r.status === 'pending' && r.attempts === 1 && /ESOCKET|ECONNECTION|ECONNREFUSED/.test(r.last_error),
      ),
    ).toBe(true);
    const firstDelay = rows[0].next_attempt_at.getTime() - Date.parse('2026-12-15T01:30:00Z');
    expect(firstDelay).toBeGreaterThanOrEqual(30_000);

    await s.sink.listen();
    s.sink.mode = 'tempfail';
    // Not due yet: nothing is attempted before next_attempt_at.
    await s.tick('2026-12-15T01:30:10Z');
    expect(s.sink.attempts).toBe(0);
    await s.tick('2026-12-15T02:30:00Z');
    rows = await s.deliveries();
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 2 && /421/.test(r.last_error))).toBe(
      true,
    );
    const secondDelay = rows[0].next_attempt_at.getTime() - Date.parse('2026-12-15T02:30:00Z');
    expect(secondDelay).toBeGreaterThan(firstDelay);

    s.sink.mode = 'accept';
    await s.tick('2026-12-15T05:00:00Z');
    rows = await s.deliveries();
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(s.sink.messages).toHaveLength(3);
    expect(new Set(s.sink.messages.map((m) => m.messageId)).size).toBe(3);
    expect(s.sink.messages.map((m) => m.messageId).sort()).toEqual(rows.map((r) => r.message_id).sort());
  });
});

describe('a 550 for one address', () => {
  beforeAll(async () => (s = await scenario()));
  afterAll(() => s.close());

  it('fails at once without retry, shows in the failed list and tells the manager', async () => {
    s.sink.bounce.add('op@faults.cn');
    // d-30 reaches operator and manager.
    await s.tick('2027-02-13T02:00:00Z');
    const rows = await s.deliveries();
    const op = rows.filter((r) => r.email === 'op@faults.cn');
    expect(op.map((r) => [r.status, r.attempts])).toEqual([
      ['failed', 1],
      ['failed', 1],
      ['failed', 1],
    ]);
    expect(op[0].last_error).toMatch(/550/);
    const failed = (
      await s.t.http().get('/api/v1/deliveries?status=failed').set('Authorization', s.org.bearer).expect(200)
    ).body;
    expect(failed.page.total).toBe(3);
    expect(failed.items.every((i: any) => i.email === 'op@faults.cn' && /550/.test(i.lastError))).toBe(true);
    const reports = s.sink.messages.filter((m) => /投递失败/.test(m.subject ?? ''));
    expect(reports).toHaveLength(3);
    expect(reports.every((m) => [m.to].flat()[0]!.value[0].address === 'boss@faults.cn')).toBe(true);
    expect(reports[0].text).toContain('op@faults.cn');
    // No retry later.
    await s.tick('2027-02-14T02:00:00Z');
    expect(
      (await s.deliveries()).filter((r) => r.email === 'op@faults.cn').every((r) => r.attempts === 1),
    ).toBe(true);
  });
});

describe('an authentication error', () => {
  beforeAll(async () => (s = await scenario(true)));
  afterAll(() => s.close());

  it('pauses all sending, shows degraded in /health, and resumes once the credentials work', async () => {
    s.sink.mode = 'auth';
    s.sink.credentials.pass = 'rotated-on-the-server';
    const r = await s.tick('2026-12-15T02:00:00Z');
    expect(r.delivery.paused).toBe(true);
    const health = (await s.t.http().get('/health').expect(200)).body;
    expect(health.status).toBe('degraded');
    expect(health.checks.mail).toMatchObject({ status: 'degraded', paused: true });
    expect(JSON.stringify(health)).not.toContain('the-app-password');
    const rows = await s.deliveries();
    expect(rows.every((row) => row.status === 'pending' && row.attempts === 0)).toBe(true);
    // Still wrong: stays paused, nothing sent.
    expect((await s.tick('2026-12-15T03:00:00Z')).delivery.paused).toBe(true);
    expect(s.sink.messages).toHaveLength(0);
    // The operator fixes the credentials.
    s.sink.credentials.pass = 'the-app-password';
    const resumed = await s.tick('2026-12-15T04:00:00Z');
    expect(resumed.delivery).toMatchObject({ paused: false, sent: 3 });
    expect((await s.t.http().get('/health').expect(200)).body.checks.mail.status).toBe('up');
  });
});
