import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FixedClock } from '../libs/common/src/clock.js';
import { AppStateService } from '../libs/reminders/src/app-state.service.js';
import { DeliveryService } from '../libs/reminders/src/delivery.service.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { signLink } from '../libs/domain/src/reminders/index.js';
import { contactBody, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { outbox } from './support/outbox.js';
import { headerText, SmtpSink } from './support/smtp-sink.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));

beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await startTestApp({ clock, env: { SMTP_URL: sink.url(), PUBLIC_URL: 'http://mp-guard.test' } });
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});
beforeEach(() => {
  sink.messages.length = 0;
});

const tick = (iso: string) => {
  const at = new Date(iso);
  clock.set(at);
  return t.app.get(TickService).tick(at, () => 0.5);
};

/** An organization with one contact per role, and a mini-program whose certification expires on `due`. */
async function setup(name: string, due: string, vendor?: Record<string, unknown>) {
  const org = await t.createOrg(name);
  const post = (path: string, body: object) =>
    t
      .http()
      .post(path)
      .set('Authorization', org.bearer)
      .send(body)
      .expect(201)
      .then((r) => r.body);
  const tag = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const role of ['operator', 'manager', 'executive', 'legal']) {
    await post(
      '/api/v1/contacts',
      contactBody({
        name: `${role} ${tag}`,
        email: `${role}@${tag}.cn`,
        role,
        locale: role === 'executive' ? 'en' : 'zh-CN',
      }),
    );
  }
  let vendorId: string | undefined;
  if (vendor) {
    vendorId = (await post('/api/v1/vendors', vendorBody(vendor))).id;
    await post(
      '/api/v1/contacts',
      contactBody({ name: 'vendor pm', email: `pm@vendor-${tag}.cn`, role: 'operator', vendorId }),
    );
    await post(
      '/api/v1/contacts',
      contactBody({ name: 'vendor boss', email: `boss@vendor-${tag}.cn`, role: 'manager', vendorId }),
    );
  }
  const mp = await post(
    '/api/v1/mini-programs',
    miniProgramBody({ name: `${name} app`, certificationExpiresOn: due, vendorId }),
  );
  const deadlines = (
    await t
      .http()
      .get(`/api/v1/deadlines?miniProgramId=${mp.id}`)
      .set('Authorization', org.bearer)
      .expect(200)
  ).body.items;
  const review = deadlines.find((d: any) => d.kind === 'annual_review');
  return { org, tag, mp, review, vendorId, post };
}

const received = (tag: string) =>
  sink.messages
    .map((m) => ({
      to: [m.to]
        .flat()
        .map((a) => a!.value[0].address)
        .join(','),
      subject: m.subject ?? '',
      stage: headerText(m.headers.get('x-mp-guard-stage')),
      mail: m,
    }))
    .filter((m) => m.to.includes(tag));

// A certification expiring Monday 2027-04-05 must be applied for 15 working days before: 2 Apr back to
// 29 Mar (5), 26-22 Mar (10), 19-15 Mar (15): the last day to apply is Monday 2027-03-15, the date the
// stages before the due date count back from (2027 has no official holiday data: Monday to Friday).
const EXPIRES = '2027-04-05';

describe('escalation ladder', () => {
  it('reaches operator, then manager, then executive, then everyone on the due date, at 09:00 local', async () => {
    const { tag, review } = await setup('Ladder', EXPIRES);
    const everyone = ['operator', 'manager', 'executive', 'legal'];
    const expectations: [string, string, string[]][] = [
      ['2026-12-15', 'd-90', ['operator']],
      ['2027-01-14', 'd-60', ['operator']],
      ['2027-02-13', 'd-30', ['operator', 'manager']],
      ['2027-03-01', 'd-14', ['operator', 'manager']],
      ['2027-03-08', 'd-7', ['operator', 'manager', 'executive']],
      ['2027-03-16', 'closed', everyone],
      ['2027-04-05', 'due', everyone],
      ['2027-04-12', 'overdue', everyone],
      ['2027-04-19', 'overdue-2', everyone],
    ];
    for (const [day, stage, roles] of expectations) {
      sink.messages.length = 0;
      // 08:30 in Shanghai: too early, nothing goes out.
      await tick(`${day}T00:30:00Z`);
      expect(received(tag)).toHaveLength(0);
      await tick(`${day}T01:05:00Z`);
      // The review's thread only: the owner's enterprise annual report has a ladder of its own.
      const got = received(tag).filter(
        (g) => headerText(g.mail.headers.get('x-mp-guard-deadline')) === review.id,
      );
      expect({
        day,
        stage: [...new Set(got.map((g) => g.stage))],
        to: got.map((g) => g.to.split('@')[0]).sort(),
      }).toEqual({ day, stage: [stage], to: [...roles].sort() });
    }
  });

  it('writes the executive in English and the others in Chinese, with due date, days left, checklist and links', async () => {
    const { tag, review } = await setup('Words', EXPIRES);
    await tick('2027-03-08T02:00:00Z');
    const zh = received(tag).find((m) => m.to.startsWith('operator'))!.mail;
    const en = received(tag).find((m) => m.to.startsWith('executive'))!.mail;
    // Monday 8 March through Monday 15 March: 8-12 and 15, 6 working days.
    expect(zh.subject).toMatch(/^【请于 2027-03-15 前申请·剩 6 个工作日】.*（2027-04-05 到期）$/);
    expect(en.subject).toMatch(/^\[Apply by 2027-03-15, 6 working days left\] .*, due 2027-04-05$/);
    expect(zh.text).toContain('营业执照');
    expect(zh.html).toMatch(/http:\/\/mp-guard\.test\/ack\/[\w-]+\.[\w-]+/);
    // The cycle's first mail to each person is the root of its thread: it answers nothing.
    expect(zh.inReplyTo).toBeUndefined();
    expect(headerText(zh.headers.get('x-mp-guard-deadline'))).toBe(review.id);
  });
});

describe('downtime, clock jumps and repeated ticks', () => {
  it('after three days down across two stages sends one mail per recipient, of the most severe stage', async () => {
    const { tag, review, org } = await setup('Downtime', EXPIRES);
    await tick('2027-03-01T02:00:00Z'); // d-14
    sink.messages.length = 0;
    // Down from 03-11 to 03-14: d-3 (03-12) and d-1 (03-14) both fell due.
    await tick('2027-03-14T03:00:00Z');
    const got = received(tag);
    expect(new Set(got.map((g) => g.stage))).toEqual(new Set(['d-1']));
    expect(got).toHaveLength(3);
    const history = (
      await t
        .http()
        .get(`/api/v1/deadlines/${review.id}/notifications`)
        .set('Authorization', org.bearer)
        .expect(200)
    ).body;
    const byStage = Object.fromEntries(history.map((h: any) => [h.stage, h.notificationStatus]));
    expect(byStage).toMatchObject({ 'd-14': 'sent', 'd-7': 'skipped', 'd-3': 'skipped', 'd-1': 'sent' });
  });

  it('gives the same rows for the same tick twice, two ticks at once, and the clock jumping back', async () => {
    const { tag } = await setup('Idempotent', EXPIRES);
    const tickService = t.app.get(TickService);
    const at = new Date('2027-02-13T02:00:00Z');
    clock.set(at);
    await Promise.all([tickService.tick(at), tickService.tick(at), tickService.tick(at)]);
    await tick('2027-02-13T02:00:00Z');
    expect(received(tag)).toHaveLength(2);
    await tick('2027-02-20T02:00:00Z');
    await tick('2027-02-13T03:00:00Z'); // back in time
    await tick('2027-02-20T04:00:00Z');
    expect(received(tag)).toHaveLength(2);
    const dupes = await outbox(
      t.databaseUrl,
      `SELECT message_id, count(*) FROM notification_deliveries GROUP BY 1 HAVING count(*) > 1`,
    );
    expect(dupes).toEqual([]);
  });
});

describe('vendor unavailable', () => {
  it("sends nothing to the vendor's people and starts earlier for the owner, with the self-service checklist", async () => {
    const { tag, vendorId, org } = await setup('Ceased', EXPIRES, { status: 'active' });
    // Active vendor: its operator gets the d-90 stage with the owner's operator.
    await tick('2026-12-15T02:00:00Z');
    expect(
      received(tag)
        .map((g) => g.to)
        .sort(),
    ).toEqual([`operator@${tag}.cn`, `pm@vendor-${tag}.cn`].sort());
    sink.messages.length = 0;
    await t
      .http()
      .patch(`/api/v1/vendors/${vendorId}`)
      .set('Authorization', org.bearer)
      .send({ status: 'ceased', statusReason: '破产' })
      .expect(200);
    // A second mini-program expiring 2027-07-21, whose last day to apply is 2027-06-30 (15 working days:
    // 20-19 Jul, 16-12, 9-5, 2-1 Jul, 30 Jun): its ladder now starts 30 days before d-90, on 2027-03-02.
    const mp2 = (
      await t
        .http()
        .post('/api/v1/mini-programs')
        .set('Authorization', org.bearer)
        .send(miniProgramBody({ name: 'second', certificationExpiresOn: '2027-07-21', vendorId }))
        .expect(201)
    ).body;
    await tick('2027-03-01T02:00:00Z');
    const early = received(tag).filter((g) => g.stage === 'early');
    expect(early).toHaveLength(0);
    const both = received(tag);
    expect(both.every((g) => !g.to.includes('vendor'))).toBe(true);
    sink.messages.length = 0;
    await tick('2027-03-02T02:00:00Z');
    const got = received(tag);
    expect(got.map((g) => [g.stage, g.to.split('@')[0]])).toEqual(
      expect.arrayContaining([
        ['early', 'operator'],
        ['early', 'manager'],
      ]),
    );
    expect(got.every((g) => !g.to.includes('vendor'))).toBe(true);
    const mail = got.find((g) => g.to.startsWith('operator') && g.subject.includes('second'))!.mail;
    expect(mail.text).toMatch(/服务商.*无法联系/);
    expect(mail.text).toContain('营业执照');
    expect(mp2.vendor.status).toBe('ceased');
  });
});

describe('vendor ceasing between planning and sending', () => {
  it("mails none of the vendor's people once the vendor is marked ceased after the mail was planned", async () => {
    const { tag, vendorId, org } = await setup('Ceased late', '2027-03-15', { status: 'active' });
    clock.set(new Date('2026-12-15T02:00:00Z'));
    const { PlannerService } = await import('../libs/reminders/src/planner.service.js');
    await t.app.get(PlannerService).plan(clock.now());
    const planned = async () =>
      Object.fromEntries(
        (
          await outbox(
            t.databaseUrl,
            `SELECT email, status FROM notification_deliveries WHERE organization_id = $1 AND email LIKE '%vendor%'`,
            [org.id],
          )
        ).map((r) => [r.email, r.status]),
      );
    // The d-90 stage was planned for the vendor's operator while the vendor was active...
    expect(await planned()).toEqual({ [`pm@vendor-${tag}.cn`]: 'pending' });
    // ...then the vendor ceases before any worker sends it.
    await t
      .http()
      .patch(`/api/v1/vendors/${vendorId}`)
      .set('Authorization', org.bearer)
      .send({ status: 'ceased', statusReason: '停止经营' })
      .expect(200);
    await t.app.get(DeliveryService).deliverDue(() => clock.now());
    const got = received(tag);
    expect(got.filter((g) => g.to.includes('vendor'))).toEqual([]);
    expect(got.filter((g) => g.stage === 'd-90').map((g) => g.to)).toEqual([`operator@${tag}.cn`]);
    expect(await planned()).toEqual({ [`pm@vendor-${tag}.cn`]: 'cancelled' });
  });
});

describe('acknowledge and snooze links', () => {
  it('GET changes nothing, POST acknowledges once, and later stages stop', async () => {
    const { tag, review, org } = await setup('Links', '2027-03-15');
    await tick('2026-12-15T02:00:00Z');
    const mail = received(tag)[0].mail;
    const href = /http:\/\/mp-guard\.test(\/ack\/[\w-]+\.[\w-]+)/.exec(String(mail.html))![1];
    const ackPath = href; // the first link in the mail is the acknowledge link
    const page = await t.http().get(ackPath).expect(200);
    expect(page.text).toContain('<form method="post">');
    expect(
      (await t.http().get(`/api/v1/deadlines/${review.id}`).set('Authorization', org.bearer)).body.state,
    ).toBe('open');
    await t.http().post(ackPath).expect(200);
    await t.http().post(ackPath).expect(200);
    const after = (await t.http().get(`/api/v1/deadlines/${review.id}`).set('Authorization', org.bearer))
      .body;
    expect(after.state).toBe('acknowledged');
    expect(after.acknowledgedBy).toBe(`mail link (operator@${tag}.cn)`);
    const audit = (
      await t.http().get(`/api/v1/audit-events?entityId=${review.id}`).set('Authorization', org.bearer)
    ).body.items;
    expect(audit.map((a: any) => [a.action, a.actorType])).toEqual([['deadline.acknowledged', 'link']]);
    sink.messages.length = 0;
    await tick('2027-01-14T02:00:00Z');
    await tick('2027-03-15T02:00:00Z');
    expect(received(tag)).toHaveLength(0);
  });

  it('refuses tampered, expired and other-organization links with a 4xx page', async () => {
    const { tag, org } = await setup('Tamper', '2027-03-15');
    const other = await setup('Tamper other', '2027-03-15');
    await tick('2026-12-15T02:00:00Z');
    const path = /http:\/\/mp-guard\.test(\/ack\/[\w-]+\.[\w-]+)/.exec(
      String(received(tag)[0].mail.html),
    )![1];
    const tampered = path.slice(0, -2) + (path.endsWith('AA') ? 'BB' : 'AA');
    expect((await t.http().post(tampered)).status).toBe(400);
    const secret = await t.app.get(AppStateService).linkSecret();
    const [delivery] = await outbox(
      t.databaseUrl,
      `SELECT d.id FROM notification_deliveries d WHERE d.organization_id = $1 LIMIT 1`,
      [org.id],
    );
    const expired = signLink(
      {
        notificationId: delivery.id,
        organizationId: org.id,
        action: 'ack',
        expiresAt: new Date(clock.now().getTime() - 1000),
      },
      secret,
    );
    const res = await t.http().get(`/ack/${expired}`);
    expect(res.status).toBe(410);
    expect(res.text).toContain('expired');
    const crossed = signLink(
      {
        notificationId: delivery.id,
        organizationId: other.org.id,
        action: 'ack',
        expiresAt: new Date(clock.now().getTime() + 86_400_000),
      },
      secret,
    );
    expect((await t.http().post(`/ack/${crossed}`)).status).toBe(404);
    expect(
      (await t.http().get(`/api/v1/deadlines?state=acknowledged`).set('Authorization', org.bearer)).body.page
        .total,
    ).toBe(0);
  });
});

describe('acknowledgement racing delivery', () => {
  it('sends nothing for a cycle once its acknowledgement has committed, even if the delivery was already claimed', async () => {
    const { tag, review, org } = await setup('Race', '2027-03-15');
    // Plan only, then claim as a worker would, then acknowledge before the worker sends.
    clock.set(new Date('2027-03-15T02:00:00Z'));
    const { PlannerService } = await import('../libs/reminders/src/planner.service.js');
    await t.app.get(PlannerService).plan(clock.now());
    const delivery = t.app.get(DeliveryService);
    const claimed = await delivery.claim(clock.now());
    expect(claimed.length).toBeGreaterThanOrEqual(4);
    await t
      .http()
      .post(`/api/v1/deadlines/${review.id}/acknowledge`)
      .set('Authorization', org.bearer)
      .send({})
      .expect(200);
    // The claimed batch's lease runs out; the next run takes the rows over and must send nothing.
    clock.set(new Date('2027-03-15T03:00:00Z'));
    await delivery.deliverDue(() => clock.now());
    expect(received(tag)).toHaveLength(0);
    const statuses = await outbox(
      t.databaseUrl,
      `SELECT d.status, d.last_error FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.deadline_id = $1`,
      [review.id],
    );
    expect(statuses.length).toBeGreaterThanOrEqual(4);
    expect(statuses.every((s) => s.status === 'cancelled' && s.last_error === 'deadline acknowledged')).toBe(
      true,
    );
  });
});
