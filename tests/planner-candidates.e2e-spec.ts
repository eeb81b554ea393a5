import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FixedClock } from '../libs/common/src/clock.js';
import { DEFAULT_LADDER, type Ladder } from '../libs/domain/src/reminders/index.js';
import { PlannerService } from '../libs/reminders/src/planner.service.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// 10:00 in Shanghai, after the default 09:00 send hour.
const NOW = new Date('2027-03-15T02:00:00Z');
const TODAY = '2027-03-15';

let t: TestApp;
let c: pg.Client;

beforeAll(async () => {
  t = await startTestApp({ clock: new FixedClock(NOW) });
  c = new pg.Client({ connectionString: t.databaseUrl });
  await c.connect();
});
afterAll(async () => {
  await c.end();
  await t.close();
});

const ORG_LADDER: Ladder = [
  { code: 'early', offsetDays: -45, roles: ['operator'] },
  { code: 'week', offsetDays: -7, roles: ['operator', 'manager'] },
  { code: 'late', offsetDays: 2, roles: ['operator', 'manager'], repeatEveryDays: 3 },
];
const OWN_LADDER: Ladder = [
  { code: 'first', offsetDays: -20, roles: ['operator'] },
  { code: 'again', offsetDays: -5, roles: ['manager'], repeatEveryDays: 2 },
];

/*
 * The oracle: the ladder rules as the domain README and DOMAIN.md state them, written here from scratch
 * (day numbers, no helper of the implementation), so that a planner and a selectStage that drift the
 * same way cannot agree with themselves. The rules:
 * - the ladder is the deadline's own, else the organization's, else the default one;
 * - while the vendor is unresponsive or ceased and the lead is positive, an `early` stage for operator
 *   and manager goes in front, `lead` days before the first stage;
 * - a stage is due on anchor + offsetDays (the anchor is the due date here, where act_by = due_on, so
 *   anchoring the ladder on actBy would plan the same); the last stage repeats every repeatEveryDays
 *   as `<code>-2`, `<code>-3`, ...;
 * - nothing while a snooze runs (today before snoozedUntil, whatever the state);
 * - of the instances due by today, those up to and including the latest one already planned are left
 *   alone; of the rest the latest is sent (pending) and the earlier ones are recorded as skipped.
 */
const dayNumber = (iso: string) =>
  Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 864e5;
const isoOf = (n: number) => new Date(n * 864e5).toISOString().slice(0, 10);
const day = (offsetFromToday: number) => isoOf(dayNumber(TODAY) + offsetFromToday);

function oracle(k: {
  ladder: Readonly<Ladder>;
  vendorUnavailable: boolean;
  lead: number;
  anchor: string;
  today: string;
  snoozedUntil: string | null;
  planned: string[];
}): { send: { key: string; on: string } | null; skip: { key: string; on: string }[] } {
  if (k.snoozedUntil !== null && dayNumber(k.today) < dayNumber(k.snoozedUntil))
    return { send: null, skip: [] };
  const stages =
    k.vendorUnavailable && k.lead > 0 && !k.ladder.some((s) => s.code === 'early')
      ? [{ code: 'early', offsetDays: k.ladder[0].offsetDays - k.lead }, ...k.ladder]
      : k.ladder;
  const today = dayNumber(k.today);
  const instances: { key: string; on: number }[] = [];
  stages.forEach((stage, i) => {
    const first = dayNumber(k.anchor) + stage.offsetDays;
    const every = i === stages.length - 1 ? ('repeatEveryDays' in stage ? stage.repeatEveryDays : 0) : 0;
    for (let n = 1, on = first; on <= today; n++, on += every || Infinity)
      instances.push({ key: n === 1 ? stage.code : `${stage.code}-${n}`, on });
  });
  const lastPlanned = instances.map((x) => k.planned.includes(x.key)).lastIndexOf(true);
  const open = instances.slice(lastPlanned + 1).map((x) => ({ key: x.key, on: isoOf(x.on) }));
  return { send: open.at(-1) ?? null, skip: open.slice(0, -1) };
}

interface Case {
  dueIn: number;
  state: 'open' | 'snoozed';
  snoozedUntil: string | null;
  ladder: Ladder | null;
  vendor: 'none' | 'active' | 'unresponsive' | 'ceased';
  planned: string[];
}

/** Every mix of due date, state, ladder, vendor and already planned stages the candidate query must agree on. */
function cases(): Case[] {
  const out: Case[] = [];
  const dues = [
    200, 120, 92, 91, 90, 89, 61, 60, 45, 31, 30, 29, 20, 14, 7, 5, 3, 1, 0, -1, -2, -7, -8, -9, -14, -15,
    -30,
  ];
  let i = 0;
  for (const dueIn of dues) {
    for (const ladder of [null, OWN_LADDER]) {
      for (const vendor of ['none', 'active', 'unresponsive', 'ceased'] as const) {
        i++;
        const snooze = i % 5;
        const state = snooze === 0 ? 'snoozed' : 'open';
        const snoozedUntil = snooze === 0 ? day(i % 2 ? 3 : -1) : snooze === 1 ? day(2) : null;
        // Plan some of the stages due by yesterday, or only an early one, or everything due today.
        const sel = oracle({
          ladder: ladder ?? DEFAULT_LADDER,
          vendorUnavailable: vendor === 'unresponsive' || vendor === 'ceased',
          lead: 30,
          anchor: day(dueIn),
          today: day(-1),
          snoozedUntil: null,
          planned: [],
        });
        const yesterday = [...sel.skip.map((s) => s.key), ...(sel.send ? [sel.send.key] : [])];
        const planned = [yesterday, yesterday.slice(0, 1), [], yesterday.slice(0, -1)][i % 4];
        out.push({ dueIn, state, snoozedUntil, ladder, vendor, planned });
      }
    }
  }
  return out;
}

async function seed(orgId: string, list: Case[], orgLadder: Ladder | null, lead: number) {
  await c.query(
    `UPDATE organizations SET reminder_ladder = $2, vendor_unavailable_lead_days = $3 WHERE id = $1`,
    [orgId, orgLadder ? JSON.stringify(orgLadder) : null, lead],
  );
  const vendors: Record<string, string | null> = { none: null };
  for (const status of ['active', 'unresponsive', 'ceased']) {
    const {
      rows: [v],
    } = await c.query<{ id: string }>(
      `INSERT INTO vendors (organization_id, name, status) VALUES ($1, $2, $3) RETURNING id`,
      [orgId, `Vendor ${status} ${orgId}`, status],
    );
    vendors[status] = v.id;
  }
  await c.query(
    `INSERT INTO contacts (organization_id, name, email, role)
     SELECT $1::uuid, 'Owner ' || r, r || '.' || $2 || '@owner.example.cn', r FROM unnest(ARRAY['operator', 'manager', 'executive', 'legal']) r`,
    [orgId, orgId.slice(0, 8)],
  );
  const ids: string[] = [];
  for (const [i, k] of list.entries()) {
    const due = day(k.dueIn);
    const {
      rows: [d],
    } = await c.query<{ id: string }>(
      `INSERT INTO deadlines (organization_id, vendor_id, kind, subject_key, cycle_key, title, due_on, window_opens_on,
                              apply_by, act_by, state, snoozed_until, ladder)
       VALUES ($1, $2, 'custom', $3, 'c1', $3, $4, $4::date - 90, $4, $4, $5, $6, $7) RETURNING id`,
      [
        orgId,
        vendors[k.vendor],
        `case:${i}`,
        due,
        k.state,
        k.snoozedUntil,
        k.ladder ? JSON.stringify(k.ladder) : null,
      ],
    );
    ids.push(d.id);
    for (const stage of k.planned) {
      await c.query(
        `INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, created_at)
         VALUES ($1, $2, 'reminder', $3, $4, 'sent', $5)`,
        [orgId, d.id, stage, due, new Date(NOW.getTime() - 86_400_000)],
      );
    }
  }
  return ids;
}

/** What the planner must write: the oracle over every deadline, with nothing filtered out beforehand. */
function expected(list: Case[], ids: string[], orgLadder: Ladder | null, lead: number): string[] {
  const rows: string[] = [];
  list.forEach((k, i) => {
    const sel = oracle({
      ladder: k.ladder ?? orgLadder ?? DEFAULT_LADDER,
      vendorUnavailable: k.vendor === 'unresponsive' || k.vendor === 'ceased',
      lead,
      anchor: day(k.dueIn),
      today: TODAY,
      snoozedUntil: k.snoozedUntil,
      planned: k.planned,
    });
    for (const s of sel.skip) rows.push(`${ids[i]}:${s.key}:skipped:${s.on}`);
    if (sel.send) rows.push(`${ids[i]}:${sel.send.key}:pending:${sel.send.on}`);
  });
  return rows.sort();
}

describe('the planner reads only deadlines with something to plan', () => {
  it.each([
    ['the default ladder, a 30-day lead', null, 30],
    ['an organization ladder with its own early stage, a 10-day lead', ORG_LADDER, 10],
    ['the default ladder, no lead', null, 0],
  ])('plans exactly what the ladder rules give for every deadline: %s', async (_name, orgLadder, lead) => {
    const org = await t.createOrg(`Candidates ${lead} ${orgLadder ? 'own' : 'default'}`);
    const list = cases();
    const ids = await seed(org.id, list, orgLadder, lead);
    const want = expected(list, ids, orgLadder, lead);
    // Both kinds of deadline are present: with something to plan today and with nothing.
    expect(want.length).toBeGreaterThan(20);
    expect(new Set(want.map((w) => w.split(':')[0])).size).toBeLessThan(list.length);

    const result = await t.app.get(PlannerService).plan(NOW);
    const { rows } = await c.query<{ row: string }>(
      `SELECT deadline_id || ':' || stage || ':' || status || ':' || to_char(trigger_on, 'YYYY-MM-DD') AS row
         FROM notifications WHERE organization_id = $1 AND created_at = $2`,
      [org.id, NOW],
    );
    expect(rows.map((r) => r.row).sort()).toEqual(want);
    expect(result.planned + result.skipped).toBeGreaterThanOrEqual(want.length);

    // A second tick finds nothing left to plan.
    const again = await t.app.get(PlannerService).plan(NOW);
    expect(again.planned + again.skipped).toBe(0);
    // Seeding 216 deadlines row by row on a shared, busy machine takes longer than jest's default 5 s.
  }, 60_000);
});

/*
 * Cycles with an application window (a catalogue requirement whose apply_by is before due_on): the stages
 * before the due date count back from act_by, the `closed` stage falls on act_by + 1, due and overdue
 * count from due_on. Every expected row below is counted by hand from the default ladder (d-90, d-60,
 * d-30, d-14, d-7, d-3, d-1, due, overdue every 7 days) with today 2027-03-15.
 */
describe('the planner anchors pre-due stages on act_by when the requirement has an application window', () => {
  interface WindowCase {
    name: string;
    requirement: string | null;
    dueOn: string;
    applyBy: string;
    actBy: string;
    planned: string[];
    /** stage:status:trigger_on, written out by hand. */
    want: string[];
  }
  const SENT_BEFORE_DUE = ['d-90', 'd-60', 'd-30', 'd-14', 'd-7', 'd-3', 'd-1'];
  const CASES: WindowCase[] = [
    {
      // ICP/EDI: expires 2027-06-30, apply by 2027-04-01 (90 days). From 04-01: d-90 = 2027-01-01,
      // d-60 = 01-31, d-30 = 03-02 (Jan 31 + Feb 28 = 59, + 1 = 60 → 03-02 is 30 days before 04-01).
      // Counted from due_on, d-90 would be 04-01, still in the future: nothing would be planned today.
      name: 'nothing sent yet: the latest due stage counted from act_by',
      requirement: 'icp_vas_licence',
      dueOn: '2027-06-30',
      applyBy: '2027-04-01',
      actBy: '2027-04-01',
      planned: [],
      want: ['d-90:skipped:2027-01-01', 'd-60:skipped:2027-01-31', 'd-30:pending:2027-03-02'],
    },
    {
      // act_by 2027-03-16: d-3 = 03-13, d-1 = 03-15 (today); counted from due_on 04-10 only d-30 (03-11) is due.
      name: 'd-1 before the last filing day is today',
      requirement: 'medical_device_business_licence',
      dueOn: '2027-04-10',
      applyBy: '2027-03-16',
      actBy: '2027-03-16',
      planned: ['d-90', 'd-60', 'd-30', 'd-14', 'd-7'],
      want: ['d-3:skipped:2027-03-13', 'd-1:pending:2027-03-15'],
    },
    {
      // apply_by Sunday 2027-03-14 moves back to Friday 03-12 (act_by); the window closed on 03-13.
      name: 'the window has closed: the closed stage on act_by + 1',
      requirement: 'icp_vas_licence',
      dueOn: '2027-05-31',
      applyBy: '2027-03-14',
      actBy: '2027-03-12',
      planned: SENT_BEFORE_DUE,
      want: ['closed:pending:2027-03-13'],
    },
    {
      name: 'the due stage still counts from due_on',
      requirement: 'internet_drug_info_certificate',
      dueOn: '2027-03-15',
      applyBy: '2026-09-15',
      actBy: '2026-09-15',
      planned: [...SENT_BEFORE_DUE, 'closed'],
      want: ['due:pending:2027-03-15'],
    },
    {
      // due 2027-03-01: overdue 03-08, overdue-2 03-15.
      name: 'overdue repeats count from due_on',
      requirement: 'icp_vas_licence',
      dueOn: '2027-03-01',
      applyBy: '2026-12-01',
      actBy: '2026-12-01',
      planned: [...SENT_BEFORE_DUE, 'closed', 'due'],
      want: ['overdue:skipped:2027-03-08', 'overdue-2:pending:2027-03-15'],
    },
    {
      // No requirement (a custom deadline): no window, the ladder counts from due_on 2027-06-30, whose
      // d-90 is 2027-04-01: nothing is due yet.
      name: 'a custom deadline with an earlier apply_by has no window',
      requirement: null,
      dueOn: '2027-06-30',
      applyBy: '2027-04-01',
      actBy: '2027-04-01',
      planned: [],
      want: [],
    },
  ];

  it('plans exactly the hand-counted stages', async () => {
    const org = await t.createOrg('Candidates with windows');
    await c.query(
      `INSERT INTO contacts (organization_id, name, email, role) VALUES ($1, 'Owner', $2, 'operator')`,
      [org.id, `window.${org.id.slice(0, 8)}@owner.example.cn`],
    );
    const ids: string[] = [];
    for (const [i, k] of CASES.entries()) {
      const {
        rows: [d],
      } = await c.query<{ id: string }>(
        `INSERT INTO deadlines (organization_id, kind, subject_key, cycle_key, requirement_code, title, due_on,
                                window_opens_on, apply_by, act_by, state)
         VALUES ($1, 'custom', $2, 'c1', $3, $2, $4, $5::date - 200, $5, $6, 'open') RETURNING id`,
        [org.id, `window:${i}`, k.requirement, k.dueOn, k.applyBy, k.actBy],
      );
      ids.push(d.id);
      for (const stage of k.planned)
        await c.query(
          `INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, created_at)
           VALUES ($1, $2, 'reminder', $3, $4, 'sent', $5)`,
          [org.id, d.id, stage, k.dueOn, new Date(NOW.getTime() - 86_400_000)],
        );
    }

    await t.app.get(PlannerService).plan(NOW);

    const { rows } = await c.query<{ deadline_id: string; row: string }>(
      `SELECT deadline_id, stage || ':' || status || ':' || to_char(trigger_on, 'YYYY-MM-DD') AS row
         FROM notifications WHERE organization_id = $1 AND created_at = $2 ORDER BY trigger_on, stage`,
      [org.id, NOW],
    );
    const got = Object.fromEntries(
      CASES.map((k, i) => [k.name, rows.filter((r) => r.deadline_id === ids[i]).map((r) => r.row)]),
    );
    expect(got).toEqual(Object.fromEntries(CASES.map((k) => [k.name, k.want])));
  }, 60_000);
});
