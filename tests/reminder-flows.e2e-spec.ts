import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReminderWorld } from './support/reminder-world.js';

// The certification of each mini-program here expires on 2026-12-31 (a Thursday), so by the default ladder
// (DESIGN.md, written out by hand): d-90 2026-10-02, d-60 11-01, d-30 12-01, d-14 12-17, d-7 12-24, d-3 12-28,
// d-1 12-30, due 12-31, overdue 2027-01-07, overdue-2 01-14. Each flow starts on 2026-12-01 at 09:30 in
// Shanghai: the first tick sends d-30 (d-90 and d-60 are recorded as skipped) to the one operator.

const stages = (w: ReminderWorld, id: string) => w.of(id).map((r) => `${r.day} ${r.stage}`);

describe('snooze, then daily ticks', () => {
  let w: ReminderWorld;
  let reviewId: string;
  beforeAll(async () => (w = await ReminderWorld.start()), 60_000);
  afterAll(() => w?.close(), 60_000);

  it('ends each snooze on its date and sends the most severe stage due, then every later one', async () => {
    w.clock.set(new Date('2026-12-01T01:00:00Z'));
    reviewId = (await w.miniProgram('2026-12-31')).reviewId;
    await w.tick('2026-12-01T01:30:00Z');
    expect(stages(w, reviewId)).toEqual(['2026-12-01 d-30']);
    // The snooze link of the mail: a week, to 2026-12-08.
    const page = await w.t
      .http()
      .post(ReminderWorld.link(w.of(reviewId)[0], 'snooze'))
      .expect(200);
    expect(page.text).toContain('推迟提醒一周');
    expect(await w.deadline(reviewId)).toMatchObject({ state: 'snoozed', snoozedUntil: '2026-12-08' });
    await w.daily('2026-12-02', '2026-12-20');
    // The snooze ended by itself: the row reads open again.
    expect(await w.deadline(reviewId)).toMatchObject({ state: 'open', snoozedUntil: null });
    // A second snooze, over d-7 (12-24): on 12-26 d-7 is sent, as after downtime.
    await w.api('post', `/api/v1/deadlines/${reviewId}/snooze`, { until: '2026-12-26' }).expect(200);
    await w.daily('2026-12-21', '2027-01-10');
    expect(stages(w, reviewId)).toEqual([
      '2026-12-01 d-30',
      '2026-12-17 d-14',
      '2026-12-26 d-7',
      '2026-12-28 d-3',
      '2026-12-30 d-1',
      '2026-12-31 due',
      '2027-01-07 overdue',
    ]);
  });

  it('threads the cycle under its first mail, with a subject that changes only in its prefix', () => {
    const [root, ...later] = w.of(reviewId);
    expect(root.inReplyTo).toBe('');
    for (const r of later) {
      expect(r.inReplyTo).toBe(root.messageId);
      expect(r.references).toBe(root.messageId);
    }
    const rest = new Set(w.of(reviewId).map((r) => r.subject.replace(/^【[^】]*】/, '')));
    expect(rest.size).toBe(1);
  });
});

describe('renewal by editing the certification date', () => {
  let w: ReminderWorld;
  beforeAll(async () => (w = await ReminderWorld.start()), 60_000);
  afterAll(() => w?.close(), 60_000);

  it('completes the acknowledged cycle, sends the new one its full ladder, and refuses the old link', async () => {
    w.clock.set(new Date('2026-12-01T01:00:00Z'));
    const mp = await w.miniProgram('2026-12-31');
    await w.tick('2026-12-01T01:30:00Z');
    const [d30] = w.of(mp.reviewId);
    const ackLink = ReminderWorld.link(d30, 'ack');
    await w.t.http().post(ackLink).expect(200);
    expect((await w.deadline(mp.reviewId)).state).toBe('acknowledged');

    // What the reminder asks the owner to do: record the new date.
    w.clock.set(new Date('2026-12-02T01:00:00Z'));
    await w
      .api('patch', `/api/v1/mini-programs/${mp.id}`, { certificationExpiresOn: '2027-06-30' })
      .expect(200);
    expect(await w.deadline(mp.reviewId)).toMatchObject({ state: 'completed', dueOn: '2026-12-31' });
    const renewedId = await w.liveReview(mp.id);
    expect(renewedId).not.toBe(mp.reviewId);
    // The acknowledgement belonged to the old cycle.
    expect(await w.deadline(renewedId)).toMatchObject({
      state: 'open',
      dueOn: '2027-06-30',
      acknowledgedAt: null,
    });

    // The old cycle's links say so, in the recipient's language, with the requirement's name, and do nothing.
    const shown = await w.t.http().get(ackLink).expect(410);
    expect(shown.text).toContain('此事项已续期');
    expect(shown.text).toContain('微信认证年审');
    expect(shown.text).toContain('2027-06-30');
    expect(shown.text).not.toContain('wechat_certification_annual_review');
    await w.t.http().post(ackLink).expect(410);
    await w.t.http().post(ReminderWorld.link(d30, 'snooze')).expect(410);
    expect((await w.deadline(renewedId)).state).toBe('open');

    // 2027-06-30 is a Wednesday: d-90 04-01, d-60 05-01, d-30 05-31, d-14 06-16, d-7 06-23, d-3 06-27,
    // d-1 06-29, due 06-30, overdue 07-07.
    await w.daily('2026-12-02', '2027-07-10');
    expect(stages(w, mp.reviewId)).toEqual(['2026-12-01 d-30']);
    expect(stages(w, renewedId)).toEqual([
      '2027-04-01 d-90',
      '2027-05-01 d-60',
      '2027-05-31 d-30',
      '2027-06-16 d-14',
      '2027-06-23 d-7',
      '2027-06-27 d-3',
      '2027-06-29 d-1',
      '2027-06-30 due',
      '2027-07-07 overdue',
    ]);
    // The new cycle is a thread of its own.
    const [root, ...later] = w.of(renewedId);
    expect(root.inReplyTo).toBe('');
    expect(later.every((r) => r.inReplyTo === root.messageId)).toBe(true);
    const audit = (
      await w.api('get', `/api/v1/audit-events?entityId=${mp.reviewId}&action=deadline.completed`).expect(200)
    ).body.items as { after: { reason: string; nextDeadlineId: string } }[];
    expect(audit.map((a) => [a.after.reason, a.after.nextDeadlineId])).toEqual([['renewal', renewedId]]);
  }, 120_000);
});

describe('acknowledge, then snooze', () => {
  let w: ReminderWorld;
  beforeAll(async () => (w = await ReminderWorld.start()), 60_000);
  afterAll(() => w?.close(), 60_000);

  it('keeps the acknowledgement unless the person asks explicitly to snooze instead', async () => {
    w.clock.set(new Date('2026-12-01T01:00:00Z'));
    const { reviewId } = await w.miniProgram('2026-12-31');
    await w.tick('2026-12-01T01:30:00Z');
    const [d30] = w.of(reviewId);
    await w.t.http().post(ReminderWorld.link(d30, 'ack')).expect(200);
    const page = await w.t.http().post(ReminderWorld.link(d30, 'snooze')).expect(409);
    expect(page.text).toContain('已确认收到，提醒已经停止，因此没有推迟');
    const refused = await w
      .api('post', `/api/v1/deadlines/${reviewId}/snooze`, { until: '2026-12-08' })
      .expect(409);
    expect(refused.body.problems[0].field).toBe('overrideAcknowledgement');
    expect((await w.deadline(reviewId)).state).toBe('acknowledged');
    await w.daily('2026-12-02', '2026-12-20');
    expect(stages(w, reviewId)).toEqual(['2026-12-01 d-30']);

    // Asked explicitly: the acknowledgement is withdrawn and reminders resume on the date (d-14 of 12-17
    // is superseded by d-7 on 12-24).
    await w
      .api('post', `/api/v1/deadlines/${reviewId}/snooze`, {
        until: '2026-12-24',
        overrideAcknowledgement: true,
      })
      .expect(200);
    expect(await w.deadline(reviewId)).toMatchObject({ state: 'snoozed', acknowledgedAt: null });
    await w.daily('2026-12-21', '2026-12-24');
    expect(stages(w, reviewId)).toEqual(['2026-12-01 d-30', '2026-12-24 d-7']);
  });
});
