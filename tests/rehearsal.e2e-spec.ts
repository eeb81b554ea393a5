import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { seedDemo } from '../database/seed/demo.js';
import { OrganizationService } from '../libs/auth/src/organization.service.js';
import { FixedClock } from '../libs/common/src/clock.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { outbox } from './support/outbox.js';
import { headerText, SmtpSink } from './support/smtp-sink.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
const clock = new FixedClock(new Date('2026-11-25T01:30:00Z'));

beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await startTestApp({ clock, env: { SMTP_URL: sink.url() } });
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

// The default ladder written out by hand (DESIGN.md), independent of the code under test.
const ROLES_3 = ['operator', 'manager', 'executive'];
const ALL = ['operator', 'manager', 'executive', 'legal'];
const LADDER: [string, number, string[]][] = [
  ['d-90', -90, ['operator']],
  ['d-60', -60, ['operator']],
  ['d-30', -30, ['operator', 'manager']],
  ['d-14', -14, ['operator', 'manager']],
  ['d-7', -7, ROLES_3],
  ['d-3', -3, ROLES_3],
  ['d-1', -1, ROLES_3],
  ['due', 0, ALL],
];
const DAY = 86_400_000;
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/**
 * Every stage occurrence of a cycle due on `due` up to `end`: [key, trigger date, roles]. The stages
 * before the due date count back from `actBy` when the requirement must be applied for before the due
 * date (`applyBy` < `due`); the day after `actBy`, if still before the due date, says the window closed.
 */
function occurrences(
  due: string,
  end: string,
  vendorUnavailable: boolean,
  window?: { applyBy: string; actBy: string },
): [string, string, string[]][] {
  const list: [string, string, string[]][] = [];
  const lead = window && window.applyBy < due ? window.actBy : due;
  if (vendorUnavailable) list.push(['early', plus(lead, -120), ['operator', 'manager']]);
  for (const [key, offset, roles] of LADDER) {
    if (offset === 0 && plus(lead, 1) < due) list.push(['closed', plus(lead, 1), ALL]);
    list.push([key, plus(offset < 0 ? lead : due, offset), roles]);
  }
  for (let n = 1; plus(due, 7 * n) <= end; n++)
    list.push([n === 1 ? 'overdue' : `overdue-${n}`, plus(due, 7 * n), ALL]);
  return list.filter(([, date]) => date <= end);
}

describe('a year rehearsed day by day', () => {
  it('delivers the demo data exactly the ladder, stage by stage, to the right people', async () => {
    const demo = await seedDemo(t.app);
    const start = '2026-11-25';
    const end = '2027-11-24';
    const received = new Map<string, Set<string>>(); // "deadline|stage|date" -> recipients
    const alerts: string[] = []; // "date|recipient" of continuity alerts (the demo's vendor ceased)
    for (let day = start; day <= end; day = plus(day, 1)) {
      const at = new Date(`${day}T01:30:00Z`); // 09:30 in Shanghai
      clock.set(at);
      sink.messages.length = 0;
      await t.app.get(TickService).tick(at, () => 0.5);
      for (const m of sink.messages) {
        const deadline = headerText(m.headers.get('x-mp-guard-deadline')) || undefined;
        if (!deadline) {
          alerts.push(`${day}|${[m.to].flat()[0]!.value[0].address!}|${m.subject}`);
          continue;
        }
        const key = `${deadline}|${headerText(m.headers.get('x-mp-guard-stage'))}|${day}`;
        const to = [m.to].flat()[0]!.value[0].address!;
        received.set(key, (received.get(key) ?? new Set()).add(to));
      }
    }
    const deadlines = await outbox(
      t.databaseUrl,
      `SELECT d.id, d.due_on, d.apply_by, d.act_by, d.requirement_code, d.vendor_id, v.status AS vendor_status
         FROM deadlines d LEFT JOIN vendors v ON v.id = d.vendor_id
        WHERE d.organization_id = $1 AND d.state = 'open'`,
      [demo.organizationId],
    );
    const contacts = await outbox(
      t.databaseUrl,
      `SELECT email, role, vendor_id FROM contacts WHERE organization_id = $1`,
      [demo.organizationId],
    );
    const expected = new Map<string, Set<string>>();
    for (const d of deadlines) {
      const unavailable = d.vendor_status === 'unresponsive' || d.vendor_status === 'ceased';
      const all = occurrences(
        d.due_on,
        end,
        unavailable,
        // Only a catalogue requirement's apply-by moves the stages (a probed TLS certificate's does not).
        d.requirement_code ? { applyBy: d.apply_by, actBy: d.act_by } : undefined,
      );
      // Stages already due on the first day: only the most severe is sent, on the first day.
      const before = all.filter(([, date]) => date < start);
      const sends = [
        ...(before.length
          ? [[before[before.length - 1][0], start, before[before.length - 1][2]] as const]
          : []),
        ...all.filter(([, date]) => date >= start),
      ];
      for (const [stage, date, roles] of sends) {
        const reach = unavailable ? [...new Set([...roles, 'operator', 'manager'])] : roles;
        const to = contacts
          .filter(
            (c) =>
              reach.includes(c.role) &&
              (c.vendor_id === null || (!unavailable && c.vendor_id === d.vendor_id)),
          )
          .map((c) => c.email);
        if (to.length) expected.set(`${d.id}|${stage}|${date}`, new Set(to));
      }
    }
    expect(expected.size).toBeGreaterThan(50);
    expect(new Map([...received].map(([k, v]) => [k, [...v].sort()]))).toEqual(
      new Map([...expected].map(([k, v]) => [k, [...v].sort()])),
    );
    // Chinese for the owner's people, with the checklist.
    const sample = await outbox(
      t.databaseUrl,
      `SELECT count(*)::int AS n FROM notification_deliveries WHERE organization_id = $1 AND status = 'sent'`,
      [demo.organizationId],
    );
    // One continuity alert each for the manager and the executive, on the first day, and no other.
    expect(alerts.sort()).toEqual([
      `${start}|chen.jie@kangning.example.cn|Urgent: vendor 杭州快码网络科技有限公司 has ceased: 1 mini-program(s) need you`,
      `${start}|zhang.wei@kangning.example.cn|【紧急】服务商「杭州快码网络科技有限公司」已停止经营：1 个小程序需要您接手`,
    ]);
    expect(sample[0].n).toBe([...expected.values()].reduce((a, s) => a + s.size, 0) + alerts.length);
  }, 240_000);
});

describe('time zones', () => {
  it("plans the stage of the organization's local date, for any instant and zone", async () => {
    const zones = [
      'Asia/Shanghai',
      'UTC',
      'America/Los_Angeles',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'Asia/Kolkata',
      'Europe/London',
    ];
    const orgs = t.app.get(OrganizationService);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.date({
          min: new Date('2027-01-01T00:00:00Z'),
          max: new Date('2027-08-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...zones),
        async (instant, zone) => {
          const { organization, apiKey } = await orgs.create({ name: `tz ${++n}`, timeZone: zone });
          const auth = `Bearer ${apiKey.key}`;
          await t
            .http()
            .post('/api/v1/contacts')
            .set('Authorization', auth)
            .send({ name: 'op', email: `op${n}@tz.cn`, role: 'operator' })
            .expect(201);
          const due = '2027-06-15';
          const deadline = (
            await t
              .http()
              .post('/api/v1/deadlines')
              .set('Authorization', auth)
              .send({ title: 'tz', dueOn: due })
              .expect(201)
          ).body;
          clock.set(instant);
          await t.app.get(TickService).tick(instant, () => 0.5);
          const planned = await outbox(
            t.databaseUrl,
            `SELECT stage, status FROM notifications WHERE deadline_id = $1 AND status <> 'skipped'`,
            [deadline.id],
          );
          const parts = Object.fromEntries(
            new Intl.DateTimeFormat('en-CA', {
              timeZone: zone,
              year: 'numeric',
              month: '2-digit',
              day: '2-digit',
              hour: '2-digit',
              hourCycle: 'h23',
            })
              .formatToParts(instant)
              .map((p) => [p.type, p.value]),
          );
          const localDate = `${parts.year}-${parts.month}-${parts.day}`;
          const due_ = occurrences(due, localDate, false);
          const want = Number(parts.hour) >= 9 && due_.length ? due_[due_.length - 1][0] : null;
          expect({
            zone,
            instant: instant.toISOString(),
            organization: organization.id,
            stage: planned[0]?.stage ?? null,
          }).toEqual({
            zone,
            instant: instant.toISOString(),
            organization: organization.id,
            stage: want,
          });
        },
      ),
      { numRuns: 40, seed: 42 },
    );
  }, 120_000);
});
