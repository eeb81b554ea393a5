import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FixedClock } from '../libs/common/src/clock.js';
import {
  DEFAULT_LADDER,
  effectiveLadder,
  type Ladder,
  selectStage,
} from '../libs/domain/src/reminders/index.js';
import { addDays } from '../libs/domain/src/time/index.js';
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

interface Case {
  dueIn: number;
  /** Days between act_by and the due date: 0 = no application window (apply_by = due_on). */
  window: number;
  /** Only a catalogue requirement's apply-by moves the stages; a deadline without one keeps the due date. */
  requirementCode: string | null;
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
  for (const [j, dueIn] of dues.entries()) {
    // An application window of 0, 1 (act_by the day before: no room for the closed stage), 2 or 45 days.
    const window = [0, 45, 2, 1][j % 4];
    const requirementCode = j % 5 === 4 ? null : 'icp_vas_licence';
    const leadIn = requirementCode ? dueIn - window : dueIn;
    for (const ladder of [null, OWN_LADDER]) {
      for (const vendor of ['none', 'active', 'unresponsive', 'ceased'] as const) {
        i++;
        const snooze = i % 5;
        const state = snooze === 0 ? 'snoozed' : 'open';
        const snoozedUntil =
          snooze === 0 ? addDays(TODAY, i % 2 ? 3 : -1) : snooze === 1 ? addDays(TODAY, 2) : null;
        // Plan some of the stages due by yesterday, or only an early one, or everything due today.
        const eff = effectiveLadder(ladder ?? DEFAULT_LADDER, {
          vendorUnavailable: vendor === 'unresponsive' || vendor === 'ceased',
          earlierByDays: 30,
        });
        const sel = selectStage({
          ladder: eff,
          dueOn: { dueOn: addDays(TODAY, dueIn), leadFrom: addDays(TODAY, leadIn) },
          today: addDays(TODAY, -1),
          state: 'open',
          snoozedUntil: null,
          alreadyPlanned: new Set(),
        });
        const yesterday = [...sel.skip.map((s) => s.stageKey), ...(sel.send ? [sel.send.stageKey] : [])];
        const planned = [yesterday, yesterday.slice(0, 1), [], yesterday.slice(0, -1)][i % 4];
        out.push({ dueIn, window, requirementCode, state, snoozedUntil, ladder, vendor, planned });
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
    const due = addDays(TODAY, k.dueIn);
    const {
      rows: [d],
    } = await c.query<{ id: string }>(
      `INSERT INTO deadlines (organization_id, vendor_id, kind, subject_key, cycle_key, title, due_on, window_opens_on,
                              apply_by, act_by, state, snoozed_until, ladder, requirement_code)
       VALUES ($1, $2, 'custom', $3, 'c1', $3, $4, $4::date - 90, $4::date - $8::int, $4::date - $8::int, $5, $6, $7, $9)
       RETURNING id`,
      [
        orgId,
        vendors[k.vendor],
        `case:${i}`,
        due,
        k.state,
        k.snoozedUntil,
        k.ladder ? JSON.stringify(k.ladder) : null,
        k.window,
        k.requirementCode,
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

/** What the planner must write: selectStage over every deadline, with nothing filtered out beforehand. */
function expected(list: Case[], ids: string[], orgLadder: Ladder | null, lead: number): string[] {
  const rows: string[] = [];
  list.forEach((k, i) => {
    const ladder = effectiveLadder(k.ladder ?? orgLadder ?? DEFAULT_LADDER, {
      vendorUnavailable: k.vendor === 'unresponsive' || k.vendor === 'ceased',
      earlierByDays: lead,
    });
    const sel = selectStage({
      ladder,
      dueOn: {
        dueOn: addDays(TODAY, k.dueIn),
        leadFrom: addDays(TODAY, k.requirementCode ? k.dueIn - k.window : k.dueIn),
      },
      today: TODAY,
      state: k.state,
      snoozedUntil: k.snoozedUntil,
      alreadyPlanned: new Set(k.planned),
    });
    for (const s of sel.skip) rows.push(`${ids[i]}:${s.stageKey}:skipped:${s.triggerOn}`);
    if (sel.send) rows.push(`${ids[i]}:${sel.send.stageKey}:pending:${sel.send.triggerOn}`);
  });
  return rows.sort();
}

describe('the planner reads only deadlines with something to plan', () => {
  it.each([
    ['the default ladder, a 30-day lead', null, 30],
    ['an organization ladder with its own early stage, a 10-day lead', ORG_LADDER, 10],
    ['the default ladder, no lead', null, 0],
  ])(
    'plans exactly what selectStage plans for every deadline: %s',
    async (_name, orgLadder, lead) => {
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
      // Seeding some 200 deadlines one statement at a time on a shared machine: not a timing goal.
    },
    60_000,
  );
});
