import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { DigestService } from '../libs/reminders/src/digest.service.js';
import { PlannerService } from '../libs/reminders/src/planner.service.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { contactBody } from './factories/registry.factory.js';
import { outbox } from './support/outbox.js';
import { plusDays, ReminderWorld } from './support/reminder-world.js';
import { headerText } from './support/smtp-sink.js';

// The daily digest (issue 17), against the real app, PostgreSQL and SMTP server. Every deadline here is a
// custom one (no catalogue requirement), so its ladder counts from its due date (DESIGN.md, default
// ladder): d-90, d-60 to the operator; d-30, d-14 adding the manager; d-7, d-3, d-1 adding the
// executive; due and weekly overdue to everyone. Shanghai time; ticks at 09:30 local (01:30Z).

/** One item of a digest, read from the mail's text: the deadline and stage, and its acknowledge link. */
interface DigestEntry {
  deadlineId: string;
  stage: string;
  ack: string;
}

interface ReceivedDigest {
  /** Local date the mail arrived (the clock of the tick that sent it). */
  arrived: string;
  /** Local date the digest is for (its header). */
  date: string;
  to: string;
  subject: string;
  messageId: string;
  entries: DigestEntry[];
}

const ITEM_ZH =
  /（阶段 (\S+)）\n {2}确认收到（仅此事项）: (\S+)\n {2}查看详情: \S+\/console\/deadlines\/([0-9a-f-]{36})/g;
const ITEM_EN =
  /\(stage (\S+)\)\n {2}Acknowledge \(this item only\): (\S+)\n {2}Details: \S+\/console\/deadlines\/([0-9a-f-]{36})/g;

function entriesOf(m: ParsedMail): DigestEntry[] {
  const text = String(m.text);
  return [...text.matchAll(ITEM_ZH), ...text.matchAll(ITEM_EN)].map(([, stage, ack, deadlineId]) => ({
    deadlineId,
    stage,
    ack: new URL(ack).pathname,
  }));
}

/** Splits what the SMTP server received since the last look into digests and single reminder mails. */
class Mailbag {
  readonly digests: ReceivedDigest[] = [];
  /** Single reminder mails: "arrival day|to|deadline|stage". */
  readonly singles: string[] = [];
  private seen = 0;
  constructor(private readonly w: ReminderWorld) {}

  collect(): void {
    const day = new Date(this.w.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    for (const m of this.w.sink.messages.slice(this.seen)) {
      const to = [m.to].flat()[0]!.value[0].address!;
      const digestDate = headerText(m.headers.get('x-mp-guard-digest-date'));
      if (digestDate) {
        this.digests.push({
          arrived: day,
          date: digestDate,
          to,
          subject: m.subject ?? '',
          messageId: m.messageId ?? '',
          entries: entriesOf(m),
        });
      } else {
        const deadline = headerText(m.headers.get('x-mp-guard-deadline'));
        this.singles.push(`${day}|${to}|${deadline}|${headerText(m.headers.get('x-mp-guard-stage'))}`);
      }
    }
    this.seen = this.w.sink.messages.length;
  }

  async tick(w: ReminderWorld, iso: string): Promise<void> {
    await w.tick(iso);
    this.collect();
  }
}

/** A custom deadline due on `dueOn`, created as of the clock's instant; returns its id. */
async function customDeadline(w: ReminderWorld, title: string, dueOn: string): Promise<string> {
  const res = await w.api('post', '/api/v1/deadlines', { title, dueOn }).expect(201);
  return (res.body as { id: string }).id;
}

async function contact(w: ReminderWorld, body: Record<string, unknown>): Promise<string> {
  return ((await w.api('post', '/api/v1/contacts', contactBody(body)).expect(201)).body as { id: string }).id;
}

describe('a 30-day digest rehearsal', () => {
  let w: ReminderWorld;
  let bag: Mailbag;
  const ids: Record<string, string> = {};
  const letter = (id: string) => Object.keys(ids).find((k) => ids[k] === id) ?? id;

  beforeAll(async () => {
    w = await ReminderWorld.start();
    bag = new Mailbag(w);
  }, 60_000);
  afterAll(() => w?.close(), 60_000);

  it('sends each digest contact one digest a day with exactly the ladder stages due that day', async () => {
    // Contacts: op@flows.cn (operator, immediate: the world's own), and two digest contacts.
    w.clock.set(new Date('2027-02-28T02:00:00Z'));
    await contact(w, { email: 'digest.op@flows.cn', role: 'operator', reminderMode: 'digest' });
    await contact(w, {
      email: 'digest.boss@flows.cn',
      role: 'manager',
      locale: 'en',
      reminderMode: 'digest',
    });
    ids.A = await customDeadline(w, 'A', '2027-03-10');
    ids.B = await customDeadline(w, 'B', '2027-04-09');
    ids.C = await customDeadline(w, 'C', '2027-02-20');
    ids.D = await customDeadline(w, 'D', '2027-05-30');
    ids.E = await customDeadline(w, 'E', '2027-03-15');

    for (let day = '2027-03-01'; day <= '2027-03-30'; day = plusDays(day, 1)) {
      await bag.tick(w, `${day}T01:30:00Z`);
      if (day === '2027-03-01') {
        // The first digest, checked as it arrives.
        const [op] = bag.digests.filter((d) => d.to === 'digest.op@flows.cn');
        expect(op.subject).toBe('【mp-guard 每日汇总】2027-03-01 · 1 项逾期 · 0 项 7 天内 · 共 5 项');
        const [boss] = bag.digests.filter((d) => d.to === 'digest.boss@flows.cn');
        expect(boss.subject).toBe(
          '[mp-guard daily digest] 2027-03-01 · 1 overdue · 0 within 7 days · 3 in all',
        );
      }
      if (day === '2027-03-02') {
        // Acknowledge E from its line in the operator's 03-01 digest: the page asks, the POST acts.
        w.clock.set(new Date('2027-03-02T02:00:00Z'));
        const e = bag.digests[0].entries.find((x) => x.deadlineId === ids.E)!;
        const page = await w.t.http().get(e.ack).expect(200);
        expect(page.text).toContain('<form method="post">');
        expect((await w.deadline(ids.E)).state).toBe('open');
        await w.t.http().post(e.ack).expect(200);
        const states = await Promise.all(
          ['A', 'B', 'C', 'D', 'E'].map(async (k) => (await w.deadline(ids[k])).state),
        );
        expect(states).toEqual(['open', 'open', 'open', 'open', 'acknowledged']);
      }
      if (day === '2027-03-17') {
        // Registered at noon, after the day's digests went out: its d-3 (today) is planned at the 15:00
        // tick. The immediate contact gets it at once; the digest contacts get it in tomorrow's digest,
        // never a second digest today.
        w.clock.set(new Date('2027-03-17T04:00:00Z'));
        ids.G = await customDeadline(w, 'G', '2027-03-20');
        await bag.tick(w, '2027-03-17T07:00:00Z');
      }
    }

    // Written out by hand from the ladder. 03-01 sends each deadline's most severe stage due by then (earlier
    // ones skipped): A (due 03-10) d-14 of 02-24, B (04-09) d-60 of 02-08, C (02-20) overdue of 02-27,
    // D (05-30) d-90 of 03-01, E (03-15) d-14 of 03-01. E is acknowledged on 03-02: nothing more of it.
    // A: d-7 03-03, d-3 03-07, d-1 03-09, due 03-10, overdue 03-17, overdue-2 03-24.
    // B: d-30 03-10, d-14 03-26. C: overdue-2 03-06, -3 03-13, -4 03-20, -5 03-27.
    // G (registered 03-17, due 03-20): d-3 03-17 (into the 03-18 digest), d-1 03-19, due 03-20, overdue 03-27.
    const operator: Record<string, string[]> = {
      '2027-03-01': ['A d-14', 'B d-60', 'C overdue', 'D d-90', 'E d-14'],
      '2027-03-03': ['A d-7'],
      '2027-03-06': ['C overdue-2'],
      '2027-03-07': ['A d-3'],
      '2027-03-09': ['A d-1'],
      '2027-03-10': ['A due', 'B d-30'],
      '2027-03-13': ['C overdue-3'],
      '2027-03-17': ['A overdue'],
      '2027-03-18': ['G d-3'],
      '2027-03-19': ['G d-1'],
      '2027-03-20': ['C overdue-4', 'G due'],
      '2027-03-24': ['A overdue-2'],
      '2027-03-26': ['B d-14'],
      '2027-03-27': ['C overdue-5', 'G overdue'],
    };
    // The manager: the same without the operator-only stages (B d-60, D d-90).
    const manager: Record<string, string[]> = {
      '2027-03-01': ['A d-14', 'C overdue', 'E d-14'],
      '2027-03-03': ['A d-7'],
      '2027-03-06': ['C overdue-2'],
      '2027-03-07': ['A d-3'],
      '2027-03-09': ['A d-1'],
      '2027-03-10': ['A due', 'B d-30'],
      '2027-03-13': ['C overdue-3'],
      '2027-03-17': ['A overdue'],
      '2027-03-18': ['G d-3'],
      '2027-03-19': ['G d-1'],
      '2027-03-20': ['C overdue-4', 'G due'],
      '2027-03-24': ['A overdue-2'],
      '2027-03-26': ['B d-14'],
      '2027-03-27': ['C overdue-5', 'G overdue'],
    };
    // The immediate operator: one mail per stage, G d-3 on its own day.
    const immediate = [
      '2027-03-01 A d-14',
      '2027-03-01 B d-60',
      '2027-03-01 C overdue',
      '2027-03-01 D d-90',
      '2027-03-01 E d-14',
      '2027-03-03 A d-7',
      '2027-03-06 C overdue-2',
      '2027-03-07 A d-3',
      '2027-03-09 A d-1',
      '2027-03-10 A due',
      '2027-03-10 B d-30',
      '2027-03-13 C overdue-3',
      '2027-03-17 A overdue',
      '2027-03-17 G d-3',
      '2027-03-19 G d-1',
      '2027-03-20 C overdue-4',
      '2027-03-20 G due',
      '2027-03-24 A overdue-2',
      '2027-03-26 B d-14',
      '2027-03-27 C overdue-5',
      '2027-03-27 G overdue',
    ];

    const digestsOf = (to: string) => {
      const byDay: Record<string, string[]> = {};
      for (const d of bag.digests.filter((x) => x.to === to)) {
        // One digest per contact per day: a second one that day would show up as a duplicate key.
        expect(byDay[d.date]).toBeUndefined();
        expect(d.arrived).toBe(d.date);
        byDay[d.date] = d.entries.map((e) => `${letter(e.deadlineId)} ${e.stage}`).sort();
      }
      return byDay;
    };
    expect(digestsOf('digest.op@flows.cn')).toEqual(operator);
    expect(digestsOf('digest.boss@flows.cn')).toEqual(manager);
    // 14 digests each; 21 and 19 stages, each exactly once across all of them.
    for (const [to, total] of [
      ['digest.op@flows.cn', 21],
      ['digest.boss@flows.cn', 19],
    ] as const) {
      const all = bag.digests
        .filter((d) => d.to === to)
        .flatMap((d) => d.entries.map((e) => `${e.deadlineId} ${e.stage}`));
      expect(all).toHaveLength(total);
      expect(new Set(all).size).toBe(total);
    }
    expect(bag.digests.filter((d) => d.to === 'digest.op@flows.cn')).toHaveLength(14);
    // Digest contacts never get a reminder on its own; the immediate one gets exactly one mail per stage.
    expect(bag.singles.filter((s) => !s.includes('|op@flows.cn|'))).toEqual([]);
    expect(
      bag.singles
        .map((s) => {
          const [day, , deadline, stage] = s.split('|');
          return `${day} ${letter(deadline)} ${stage}`;
        })
        .sort(),
    ).toEqual(immediate.sort());
    // Every digest was recorded sent with the Message-ID it arrived with, and its items with it.
    const rows = await outbox(
      w.t.databaseUrl,
      `SELECT g.message_id, g.status, g.item_count,
              (SELECT count(*)::int FROM notification_deliveries d WHERE d.digest_id = g.id AND d.status = 'sent') AS sent
         FROM digests g WHERE g.organization_id = $1`,
      [w.org.id],
    );
    expect(rows).toHaveLength(28);
    for (const r of rows) {
      expect(r.status).toBe('sent');
      expect(r.sent).toBe(r.item_count);
      expect(bag.digests.map((d) => d.messageId)).toContain(r.message_id);
    }
  }, 300_000);
});

describe('a digest through a crash, an outage, an acknowledgement before sending, and mode switches', () => {
  let w: ReminderWorld;
  let bag: Mailbag;
  beforeAll(async () => {
    w = await ReminderWorld.start();
    bag = new Mailbag(w);
  }, 60_000);
  afterAll(() => w?.close(), 60_000);

  it('a worker killed between claim and send: the lease expires, the retry sends each stage once with the same Message-ID', async () => {
    w.clock.set(new Date('2027-04-30T02:00:00Z'));
    const contactId = await contact(w, { email: 'crash@flows.cn', role: 'operator', reminderMode: 'digest' });
    // d-7 and d-14 on 2027-05-01 (due 05-08 and 05-15).
    const x = await customDeadline(w, 'X', '2027-05-08');
    const y = await customDeadline(w, 'Y', '2027-05-15');
    const at = new Date('2027-05-01T01:30:00Z');
    w.clock.set(at);
    await w.t.app.get(PlannerService).plan(at);
    await w.t.app.get(DigestService).compose(at);
    const [claimed] = await w.t.app.get(DigestService).claim(at); // ...and the worker dies here
    expect(claimed.email).toBe('crash@flows.cn');
    // Within the lease (120 s) nobody else sends it; after it, the next tick does, once.
    await bag.tick(w, '2027-05-01T01:31:00Z');
    expect(bag.digests.filter((d) => d.to === 'crash@flows.cn')).toEqual([]);
    await bag.tick(w, '2027-05-01T01:33:00Z');
    await bag.tick(w, '2027-05-01T01:40:00Z');
    const got = bag.digests.filter((d) => d.to === 'crash@flows.cn');
    expect(got).toHaveLength(1);
    expect(got[0].messageId).toBe(claimed.message_id);
    expect(got[0].entries.map((e) => `${e.deadlineId} ${e.stage}`).sort()).toEqual(
      [`${x} d-7`, `${y} d-14`].sort(),
    );
    const [row] = await outbox(w.t.databaseUrl, `SELECT status, attempts FROM digests WHERE id = $1`, [
      claimed.id,
    ]);
    expect(row).toEqual({ status: 'sent', attempts: 2 });
    // Out of the way of the next tests.
    await w.api('patch', `/api/v1/contacts/${contactId}`, { reminderMode: 'immediate' }).expect(200);
    await w.api('post', `/api/v1/deadlines/${x}/acknowledge`, {}).expect(200);
    await w.api('post', `/api/v1/deadlines/${y}/acknowledge`, {}).expect(200);
  }, 120_000);

  it("SMTP down for a day: each day's digest arrives once, later, with all its stages", async () => {
    w.clock.set(new Date('2027-05-31T02:00:00Z'));
    await contact(w, { email: 'outage@flows.cn', role: 'operator', reminderMode: 'digest' });
    // 06-01: P d-14 (due 06-15), Q d-30 (due 07-01); 06-02: R d-7 (due 06-09).
    const p = await customDeadline(w, 'P', '2027-06-15');
    const q = await customDeadline(w, 'Q', '2027-07-01');
    const r = await customDeadline(w, 'R', '2027-06-09');
    // R's d-14 (05-26) is due on 06-01 too: it is the most severe stage due then, and d-7 follows on 06-02.
    await w.sink.stop();
    await bag.tick(w, '2027-06-01T01:30:00Z');
    await bag.tick(w, '2027-06-01T05:30:00Z');
    expect(bag.digests.filter((d) => d.to === 'outage@flows.cn')).toEqual([]);
    await w.sink.listen();
    await bag.tick(w, '2027-06-02T01:30:00Z');
    await bag.tick(w, '2027-06-02T06:30:00Z');
    const got = bag.digests
      .filter((d) => d.to === 'outage@flows.cn')
      .map((d) => ({
        date: d.date,
        arrived: d.arrived,
        items: d.entries.map((e) => `${e.deadlineId} ${e.stage}`).sort(),
      }));
    expect(got).toEqual([
      { date: '2027-06-01', arrived: '2027-06-02', items: [`${p} d-14`, `${q} d-30`, `${r} d-14`].sort() },
      { date: '2027-06-02', arrived: '2027-06-02', items: [`${r} d-7`] },
    ]);
    for (const id of [p, q, r]) await w.api('post', `/api/v1/deadlines/${id}/acknowledge`, {}).expect(200);
  }, 120_000);

  it('leaves out a deadline acknowledged after its stage was held but before the digest went out', async () => {
    w.clock.set(new Date('2027-06-30T02:00:00Z'));
    await contact(w, { email: 'evening@flows.cn', role: 'operator', reminderMode: 'digest', digestHour: 18 });
    const s = await customDeadline(w, 'S', '2027-07-08'); // d-7 on 07-01
    const u = await customDeadline(w, 'U', '2027-07-15'); // d-14 on 07-01
    await bag.tick(w, '2027-07-01T01:30:00Z'); // planned and held; the digest waits for 18:00
    expect(bag.digests.filter((d) => d.to === 'evening@flows.cn')).toEqual([]);
    const [held] = await outbox(
      w.t.databaseUrl,
      `SELECT count(*)::int AS n FROM notification_deliveries WHERE lower(email) = 'evening@flows.cn' AND status = 'held'`,
    );
    expect(held.n).toBe(2);
    w.clock.set(new Date('2027-07-01T03:00:00Z'));
    await w.api('post', `/api/v1/deadlines/${s}/acknowledge`, {}).expect(200);
    await bag.tick(w, '2027-07-01T10:00:00Z'); // 18:00 local
    const got = bag.digests.filter((d) => d.to === 'evening@flows.cn');
    expect(got.map((d) => d.entries.map((e) => `${e.deadlineId} ${e.stage}`))).toEqual([[`${u} d-14`]]);
    expect(got[0].subject).toBe('【mp-guard 每日汇总】2027-07-01 · 0 项逾期 · 0 项 7 天内 · 共 1 项');
    const rows = await outbox(
      w.t.databaseUrl,
      `SELECT n.deadline_id, d.status, d.last_error FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
        WHERE lower(d.email) = 'evening@flows.cn' ORDER BY d.status`,
    );
    expect(rows).toEqual([
      { deadline_id: s, status: 'cancelled', last_error: 'deadline acknowledged before the digest was sent' },
      { deadline_id: u, status: 'sent', last_error: null },
    ]);
    await w.api('post', `/api/v1/deadlines/${u}/acknowledge`, {}).expect(200);
  }, 120_000);

  it('switching mode moves waiting stages to the new mode, none lost or sent twice', async () => {
    w.clock.set(new Date('2027-07-31T02:00:00Z'));
    const id = await contact(w, { email: 'switch@flows.cn', role: 'operator', digestHour: 18 });
    const v = await customDeadline(w, 'V', '2027-08-08'); // d-7 on 08-01
    const z = await customDeadline(w, 'Z', '2027-08-04'); // d-3 on 08-01, d-1 on 08-03
    // Immediate, with the server down: the two mails wait for a retry...
    await w.sink.stop();
    await bag.tick(w, '2027-08-01T01:30:00Z');
    // ...then the contact switches to the digest: they are held and go out in the 18:00 digest instead.
    w.clock.set(new Date('2027-08-01T02:00:00Z'));
    const patched = await w.api('patch', `/api/v1/contacts/${id}`, { reminderMode: 'digest' }).expect(200);
    expect(patched.body).toMatchObject({ reminderMode: 'digest', digestHour: 18 });
    await w.sink.listen();
    await bag.tick(w, '2027-08-01T02:30:00Z');
    expect(bag.singles.filter((s) => s.includes('|switch@flows.cn|'))).toEqual([]);
    await bag.tick(w, '2027-08-01T10:00:00Z');
    // 08-03: d-1 of Z is held in the morning; the contact switches back before 18:00: it is mailed alone.
    await bag.tick(w, '2027-08-03T01:30:00Z');
    w.clock.set(new Date('2027-08-03T02:00:00Z'));
    await w.api('patch', `/api/v1/contacts/${id}`, { reminderMode: 'immediate' }).expect(200);
    await bag.tick(w, '2027-08-03T02:05:00Z');
    await bag.tick(w, '2027-08-03T10:00:00Z');
    expect(
      bag.digests
        .filter((d) => d.to === 'switch@flows.cn')
        .map((d) => [d.date, d.entries.map((e) => `${e.deadlineId} ${e.stage}`).sort()]),
    ).toEqual([['2027-08-01', [`${v} d-7`, `${z} d-3`].sort()]]);
    expect(bag.singles.filter((s) => s.includes('|switch@flows.cn|'))).toEqual([
      `2027-08-03|switch@flows.cn|${z}|d-1`,
    ]);
    // Both switches are in the audit log with before and after.
    const audit = (await w.api('get', `/api/v1/audit-events?entityId=${id}`).expect(200)).body as {
      items: {
        action: string;
        before: { reminderMode: string } | null;
        after: { reminderMode: string } | null;
      }[];
    };
    expect(
      audit.items.map((e) => [e.action, e.before?.reminderMode ?? null, e.after?.reminderMode ?? null]),
    ).toEqual([
      ['contact.updated', 'digest', 'immediate'],
      ['contact.updated', 'immediate', 'digest'],
      ['contact.created', null, 'immediate'],
    ]);
    // Out of the way of the next tests.
    for (const d of [v, z]) await w.api('post', `/api/v1/deadlines/${d}/acknowledge`, {}).expect(200);
  }, 120_000);

  it('two workers ticking at the same instant make one digest with each stage once', async () => {
    w.clock.set(new Date('2027-08-30T02:00:00Z'));
    await contact(w, { email: 'race@flows.cn', role: 'operator', reminderMode: 'digest' });
    const k = await customDeadline(w, 'K', '2027-09-08'); // d-7 on 09-01
    const l = await customDeadline(w, 'L', '2027-09-15'); // d-14 on 09-01
    const at = new Date('2027-09-01T01:30:00Z');
    w.clock.set(at);
    const tick = w.t.app.get(TickService);
    await Promise.all([tick.tick(at, () => 0.5), tick.tick(at, () => 0.5)]);
    await Promise.all([tick.tick(at, () => 0.5), tick.tick(at, () => 0.5)]);
    bag.collect();
    const got = bag.digests.filter((d) => d.to === 'race@flows.cn');
    expect(got.map((d) => [d.date, d.entries.map((e) => `${e.deadlineId} ${e.stage}`).sort()])).toEqual([
      ['2027-09-01', [`${k} d-7`, `${l} d-14`].sort()],
    ]);
    for (const id of [k, l]) await w.api('post', `/api/v1/deadlines/${id}/acknowledge`, {}).expect(200);
  }, 120_000);

  it.each([
    [{ reminderMode: 'weekly' }, 'reminderMode', 'must be one of: immediate, digest'],
    [{ digestHour: 24 }, 'digestHour', 'must be a whole hour from 0 to 23'],
    [{ digestHour: 8.5 }, 'digestHour', 'must be a whole hour from 0 to 23'],
    [{ reminderMode: null }, 'reminderMode', ''],
  ])('refuses %p with a 400 naming the field, and changes nothing', async (body, field, rule) => {
    const id = await contact(w, { email: 'bad@flows.cn', role: 'operator' });
    const res = await w.api('patch', `/api/v1/contacts/${id}`, body).expect(400);
    expect(JSON.stringify(res.body)).toContain(field);
    if (rule) expect(JSON.stringify(res.body)).toContain(rule);
    const after = (await w.api('get', `/api/v1/contacts/${id}`).expect(200)).body as Record<string, unknown>;
    expect(after).toMatchObject({ reminderMode: 'immediate', digestHour: null });
    await w.t.http().delete(`/api/v1/contacts/${id}`).set('Authorization', w.org.bearer).expect(204);
  });
});
