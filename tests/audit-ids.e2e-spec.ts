import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AuditEventPublicIds1764280000000 } from '../database/migrations/1764280000000-AuditEventPublicIds.js';
import { FixedClock } from '../libs/common/src/clock.js';
import { vendorBody } from './factories/registry.factory.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

/** Issue #13 point 9: audit-event ids and cursors say nothing about other organizations' events. */
let t: TestApp;
let orgA: TestOrg;
let orgB: TestOrg;
let db: pg.Client;
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  t = await startTestApp({ clock });
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
  orgA = await t.createOrg('Audit ids A');
  orgB = await t.createOrg('Audit ids B');
});
afterAll(async () => {
  await db.end();
  await t.close();
});

const get = (path: string, org: TestOrg) => t.http().get(path).set('Authorization', org.bearer);
async function vendor(org: TestOrg, name: string): Promise<void> {
  await t
    .http()
    .post('/api/v1/vendors')
    .set('Authorization', org.bearer)
    .send(vendorBody({ name }))
    .expect(201);
}

interface Item {
  id: string;
  action: string;
  after: { name: string } | null;
}
interface Body {
  items: Item[];
  page: { total: number; limit: number; offset: number; next: string | null };
}

/** Follows page.next from the first page; every response body, in order. */
async function allPages(org: TestOrg, first: string): Promise<Body[]> {
  const pages: Body[] = [];
  let path: string | null = first;
  while (path !== null) {
    const body = (await get(path, org).expect(200)).body as Body;
    pages.push(body);
    path = body.page.next;
    expect(pages.length).toBeLessThan(50);
  }
  return pages;
}

describe('audit-event ids', () => {
  // A's seven vendors, written with B's between them, so A's internal sequence has gaps B made.
  const namesA = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7'];
  const first = '/api/v1/audit-events?action=vendor.created&limit=3';

  beforeAll(async () => {
    for (const [i, name] of namesA.entries()) {
      await vendor(orgA, name);
      for (let k = 0; k <= i % 3; k++) await vendor(orgB, `B${i}-${k}`);
    }
  });

  it('are uuids, and neither ids nor cursors carry the shared sequence', async () => {
    const pages = await allPages(orgA, first);
    const internal = (
      await db.query<{ id: string }>(`SELECT id::text AS id FROM audit_events WHERE organization_id = $1`, [
        orgA.id,
      ])
    ).rows.map((r) => r.id);
    expect(internal.length).toBeGreaterThanOrEqual(7);
    for (const page of pages) {
      for (const item of page.items) expect(item.id).toMatch(UUID);
      if (page.page.next !== null) {
        const params = new URLSearchParams(page.page.next.split('?')[1]);
        expect(params.get('cursor')).toMatch(UUID);
        expect(params.has('offset')).toBe(false);
        expect(internal).not.toContain(params.get('cursor'));
      }
    }
  });

  it('pages over every event exactly once, newest first, and B writing meanwhile changes nothing in A', async () => {
    const before = await allPages(orgA, first);
    // 7 events, 3 a page: 3 + 3 + 1, offsets 0, 3, 6
    expect(before.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(before.map((p) => p.page.offset)).toEqual([0, 3, 6]);
    expect(before.map((p) => p.page.total)).toEqual([7, 7, 7]);
    const seen = before.flatMap((p) => p.items);
    expect(seen.map((i) => i.after?.name)).toEqual(['A7', 'A6', 'A5', 'A4', 'A3', 'A2', 'A1']);
    expect(new Set(seen.map((i) => i.id)).size).toBe(7);

    for (let k = 0; k < 5; k++) await vendor(orgB, `B-late-${k}`);
    const after = await allPages(orgA, first);
    // the same bodies byte for byte: ids, cursors, offsets, totals
    expect(after).toEqual(before);
  });

  it('keeps its place when the organization itself writes between pages', async () => {
    const page1 = (await get(first, orgA).expect(200)).body as Body;
    expect(page1.items.map((i) => i.after?.name)).toEqual(['A7', 'A6', 'A5']);
    await vendor(orgA, 'A8');
    await vendor(orgB, 'B-between');
    const rest = await allPages(orgA, page1.page.next!);
    expect(rest.flatMap((p) => p.items).map((i) => i.after?.name)).toEqual(['A4', 'A3', 'A2', 'A1']);
    // with A8 written, four rows are now ahead of the second page
    expect(rest[0].page.offset).toBe(4);
  });

  it("refuses another organization's cursor, an unknown one, and offset with a cursor", async () => {
    const pageB = (await get('/api/v1/audit-events?limit=1', orgB).expect(200)).body as Body;
    const res = await get(pageB.page.next!, orgA).expect(400);
    expect(res.body.problems).toEqual([{ field: 'cursor', rule: 'must be a cursor taken from page.next' }]);
    expect(JSON.stringify(res.body)).not.toContain(pageB.items[0].after?.name ?? '');
    const bad = await get('/api/v1/audit-events?cursor=12', orgA).expect(400);
    expect(JSON.stringify(bad.body.problems)).toContain('cursor');
    const cursor = new URLSearchParams(pageB.page.next!.split('?')[1]).get('cursor')!;
    const both = await get(`/api/v1/audit-events?cursor=${cursor}&offset=1`, orgB).expect(400);
    expect(both.body.problems).toEqual([
      { field: 'offset', rule: 'must be left out with cursor (follow page.next)' },
    ]);
  });
});

describe('the migration', () => {
  // last in the file: it takes the column away and back on this file's own database
  it('goes down and up again, giving every existing event its own id', async () => {
    const migration = new AuditEventPublicIds1764280000000();
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      await migration.down(runner);
      const columns = await db.query(
        `SELECT 1 FROM information_schema.columns WHERE table_name = 'audit_events' AND column_name = 'public_id'`,
      );
      expect(columns.rowCount).toBe(0);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const { rows } = await db.query<{ n: number; ids: number; nulls: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT public_id)::int AS ids,
              count(*) FILTER (WHERE public_id IS NULL)::int AS nulls FROM audit_events`,
    );
    expect(rows[0].n).toBeGreaterThan(20);
    expect(rows[0].ids).toBe(rows[0].n);
    expect(rows[0].nulls).toBe(0);
    const page = (await get('/api/v1/audit-events?limit=1', orgA).expect(200)).body as Body;
    expect(page.items[0].id).toMatch(UUID);
  });
});
