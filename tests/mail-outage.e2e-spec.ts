import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { contactBody } from './factories/registry.factory.js';
import { outbox } from './support/outbox.js';
import { plusDays, ReminderWorld } from './support/reminder-world.js';

// The worker's delivery loop runs every DELIVERY_INTERVAL_SECONDS; here one simulated interval is one tick
// every 10 minutes of the fixed clock.
const INTERVAL_MS = 10 * 60_000;
const at = (iso: string, intervals: number) =>
  new Date(Date.parse(iso) + intervals * INTERVAL_MS).toISOString();

async function deliveries(w: ReminderWorld) {
  return outbox(
    w.t.databaseUrl,
    `SELECT status, attempts, failure_kind, message_id FROM notification_deliveries ORDER BY created_at, email`,
  );
}

describe('SMTP refusing connections for 12 hours', () => {
  let w: ReminderWorld;
  beforeAll(async () => {
    w = await ReminderWorld.start({ DELIVERY_INTERVAL_SECONDS: '600' });
    await w
      .api('post', '/api/v1/contacts', contactBody({ email: 'boss@flows.cn', role: 'manager' }))
      .expect(201);
  }, 60_000);
  afterAll(() => w?.close(), 60_000);

  it('fails nothing, reports mail degraded with the backlog, and drains within two intervals after', async () => {
    w.clock.set(new Date('2026-12-16T01:00:00Z'));
    // 20 certifications expiring 2027-01-15: d-30 on 2026-12-16 goes to the operator and the manager.
    for (let i = 0; i < 20; i++) await w.miniProgram('2027-01-15');
    await w.sink.stop();
    const start = '2026-12-16T01:30:00Z';
    const end = at(start, 72); // 12 hours later
    for (let i = 0; at(start, i) < end; i++) {
      await w.tick(at(start, i));
      if (i % 12 === 0) {
        const health = (await w.t.http().get('/health').expect(200)).body;
        expect(health.checks.mail).toMatchObject({
          status: 'degraded',
          paused: true,
          pauseKind: 'down',
          waiting: 40,
          oldestQueuedAt: '2026-12-16T01:30:00.000Z',
        });
      }
    }
    let rows = await deliveries(w);
    expect(rows).toHaveLength(40);
    expect(rows.filter((r) => r.status === 'failed')).toHaveLength(0);
    // Only the sends that showed the transport was down were tried; the pause spends no attempt.
    expect(rows.reduce((n, r) => n + r.attempts, 0)).toBeLessThanOrEqual(2);

    await w.sink.listen();
    await w.tick(end);
    await w.tick(at(end, 1));
    rows = await deliveries(w);
    expect(rows.map((r) => r.status)).toEqual(Array(40).fill('sent'));
    expect(w.sink.messageIds().sort()).toEqual(rows.map((r) => r.message_id).sort());
    expect((await w.t.http().get('/health').expect(200)).body.checks.mail).toMatchObject({
      status: 'up',
      waiting: 0,
    });
  }, 120_000);
});

describe('rehearsal: snooze, renewal by editing, acknowledgement and a 30-minute SMTP outage', () => {
  let w: ReminderWorld;
  beforeAll(async () => {
    w = await ReminderWorld.start();
    await w
      .api('post', '/api/v1/contacts', contactBody({ email: 'boss@flows.cn', role: 'manager' }))
      .expect(201);
  }, 60_000);
  afterAll(() => w?.close(), 60_000);

  it('delivers every expected mail exactly once', async () => {
    w.clock.set(new Date('2026-12-01T01:00:00Z'));
    const a = await w.miniProgram('2026-12-31');
    const b = await w.miniProgram('2026-12-31');
    const c = await w.miniProgram('2026-12-31');
    await w.tick('2026-12-01T01:30:00Z');
    const first = (id: string) => w.of(id).find((r) => r.to === 'op@flows.cn')!;
    await w.t
      .http()
      .post(ReminderWorld.link(first(a.reviewId), 'snooze'))
      .expect(200);
    await w.t
      .http()
      .post(ReminderWorld.link(first(c.reviewId), 'ack'))
      .expect(200);
    w.clock.set(new Date('2026-12-02T01:00:00Z'));
    await w
      .api('patch', `/api/v1/mini-programs/${b.id}`, { certificationExpiresOn: '2027-03-31' })
      .expect(200);
    const renewed = await w.liveReview(b.id);
    await w.daily('2026-12-02', '2026-12-16');
    // 2026-12-17, A's d-14: the server is down from 01:20 to 01:50; the worker runs every 5 minutes.
    await w.sink.stop();
    for (const time of ['01:30', '01:35', '01:40', '01:45']) await w.tick(`2026-12-17T${time}:00Z`);
    expect((await w.t.http().get('/health').expect(200)).body.checks.mail).toMatchObject({
      status: 'degraded',
      waiting: 2,
    });
    await w.sink.listen();
    await w.tick('2026-12-17T01:55:00Z');
    await w.daily(plusDays('2026-12-17', 1), '2027-01-10');

    const got = (id: string) => w.of(id).map((r) => `${r.day} ${r.stage} ${r.to.split('@')[0]}`);
    const both = (day: string, stage: string) => [`${day} ${stage} op`, `${day} ${stage} boss`];
    // Written out by hand from the default ladder (d-30 and later reach the manager too).
    const expected = {
      a: [
        ...both('2026-12-01', 'd-30'),
        ...both('2026-12-17', 'd-14'),
        ...both('2026-12-24', 'd-7'),
        ...both('2026-12-28', 'd-3'),
        ...both('2026-12-30', 'd-1'),
        ...both('2026-12-31', 'due'),
        ...both('2027-01-07', 'overdue'),
      ],
      bOld: both('2026-12-01', 'd-30'),
      // Renewed to 2027-03-31: d-90 on 2026-12-31, to the operator only.
      bNew: ['2026-12-31 d-90 op'],
      c: both('2026-12-01', 'd-30'),
    };
    const sorted = (xs: string[]) => [...xs].sort();
    expect({
      a: sorted(got(a.reviewId)),
      bOld: sorted(got(b.reviewId)),
      bNew: sorted(got(renewed)),
      c: sorted(got(c.reviewId)),
    }).toEqual({
      a: sorted(expected.a),
      bOld: sorted(expected.bOld),
      bNew: sorted(expected.bNew),
      c: sorted(expected.c),
    });
    const ids = [a.reviewId, b.reviewId, renewed, c.reviewId].flatMap((id) =>
      w.of(id).map((r) => r.messageId),
    );
    expect(ids).toHaveLength(19);
    expect(new Set(ids).size).toBe(19);
    expect((await deliveries(w)).filter((r) => r.status === 'failed')).toHaveLength(0);
  }, 120_000);
});
