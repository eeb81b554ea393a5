import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { CLAIM_SQL, DeliveryService } from '../libs/reminders/src/delivery.service.js';
import { seedDueDeliveries } from './support/bulk-outbox.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NOW = new Date('2026-11-25T02:00:00Z');
let t: TestApp;
let holder: pg.Client;
let watcher: pg.Client;

beforeAll(async () => {
  t = await startTestApp({ env: { DELIVERY_BATCH_SIZE: '50' } });
  const org = await t.createOrg('Claims');
  await seedDueDeliveries(t.databaseUrl, org.id, 1000, NOW);
  holder = new pg.Client({ connectionString: t.databaseUrl });
  watcher = new pg.Client({ connectionString: t.databaseUrl });
  await Promise.all([holder.connect(), watcher.connect()]);
}, 60_000);
afterAll(async () => {
  await holder?.end();
  await watcher?.end();
  await t?.close();
});

/** Resolves 'waiting' as soon as any session of this database waits for a row or table lock. */
function lockWait(stop: { done: boolean }): Promise<'waiting' | 'never'> {
  return (async () => {
    while (!stop.done) {
      const { rows } = await watcher.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows[0].n > 0) return 'waiting';
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return 'never';
  })();
}

describe('claiming due deliveries', () => {
  it('a second claimer neither waits for the rows another claim holds nor takes them', async () => {
    // Claimer A claims a batch in a transaction it keeps open: its row locks stay held.
    await holder.query('BEGIN');
    const held = (await holder.query<{ id: string }>(CLAIM_SQL, [NOW, 50, 'holder-a', 120])).rows;
    expect(held).toHaveLength(50);
    // Claimer B, the service every worker runs, claims meanwhile.
    const stop = { done: false };
    const claimB = t.app.get(DeliveryService).claim(NOW);
    const first = await Promise.race([claimB.then(() => 'claimed' as const), lockWait(stop)]);
    stop.done = true;
    // Whatever happened, let A finish so B can too; a B that waited shows up as 'waiting' above.
    await holder.query('COMMIT');
    const b = await claimB;
    expect(first).toBe('claimed');
    expect(b).toHaveLength(50);
    const heldIds = new Set(held.map((r) => r.id));
    expect(b.filter((r) => heldIds.has(r.id))).toEqual([]);
  }, 30_000);

  it('four claimers at once, batch after batch, claim every remaining due delivery exactly once', async () => {
    const { rows } = await watcher.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'pending'`,
    );
    const pending = rows[0].n;
    // Whatever the first test left (900 when it holds), this one stands on its own.
    expect(pending).toBeGreaterThan(500);
    const delivery = t.app.get(DeliveryService);
    const claimed: string[] = [];
    for (let round = 0; round < 100; round++) {
      const batches = await Promise.all([1, 2, 3, 4].map(() => delivery.claim(NOW)));
      const ids = batches.flat().map((r) => r.id);
      if (ids.length === 0) break;
      claimed.push(...ids);
    }
    expect(new Set(claimed).size).toBe(pending);
    expect(claimed).toHaveLength(pending);
    const { rows: after } = await watcher.query<{ left: number; twice: number }>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS left,
              count(*) FILTER (WHERE id = ANY($1::uuid[]) AND attempts <> 1)::int AS twice
         FROM notification_deliveries`,
      [claimed],
    );
    // Claimed once each: none left pending, none taken twice.
    expect(after).toEqual([{ left: 0, twice: 0 }]);
  }, 60_000);
});
