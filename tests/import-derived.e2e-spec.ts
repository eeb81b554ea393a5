import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FixedClock } from '../libs/common/src/clock.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

/**
 * What a CSV import derives, counted by hand (issue #13 point 4 made the import write its deadlines and
 * audit events set-based). On 2026-12-01 in Shanghai, a mini-program certified until D has two open cycles:
 * the annual review due D (cycle key D), and the enterprise annual report, whose 2026 window (1 January to
 * 30 June) has closed, so the 2027 one: due 2027-06-30, cycle key '2027'. A vendor's contract end is one
 * cycle per vendor, 'vendor:<id>:contract', due on that date, however many mini-programs it serves.
 */
let t: TestApp;
let db: pg.Client;
const clock = new FixedClock(new Date('2026-12-01T02:00:00Z'));

beforeAll(async () => {
  t = await startTestApp({ clock });
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db.end();
  await t.close();
});

const HEADER =
  'app_id,name,owner_name,owner_credit_code,service_categories,features,vendor_name,certification_expires_on,icp_filing_number,server_domains';

const row = (appId: string, vendor: string, certifiedUntil: string) =>
  [
    appId,
    `手算小程序 ${appId.slice(-2)}`,
    '深圳手算科技有限公司',
    '91440300MA5G7K2Q99',
    '医疗 > 互联网医院',
    '',
    vendor,
    certifiedUntil,
    '',
    `${appId}.hand-count.cn`,
  ].join(',');

const upload = (org: TestOrg, rows: string[]) =>
  t
    .http()
    .post('/api/v1/mini-programs/import')
    .set('Authorization', org.bearer)
    .set('Content-Type', 'text/csv; charset=utf-8')
    .send(Buffer.from([HEADER, ...rows].join('\n')));

interface DeadlineRow {
  mini_program_id: string | null;
  vendor_id: string | null;
  kind: string;
  subject_key: string;
  cycle_key: string;
  due_on: string;
  state: string;
  sequence: number;
}
const bySubject = (a: DeadlineRow, b: DeadlineRow) => (a.subject_key < b.subject_key ? -1 : 1);

async function deadlines(org: TestOrg, kind?: string): Promise<DeadlineRow[]> {
  const { rows } = await db.query<DeadlineRow>(
    `SELECT mini_program_id, vendor_id, kind, subject_key, cycle_key, due_on::text AS due_on, state, sequence
       FROM deadlines WHERE organization_id = $1 AND ($2::text IS NULL OR kind = $2)`,
    [org.id, kind ?? null],
  );
  return rows.sort(bySubject);
}

describe('CSV import: derived records', () => {
  it('two rows of one owner make exactly three open cycles and four audit events', async () => {
    const org = await t.createOrg('Hand count');
    const res = await upload(org, [
      row('wx00000000000000a1', '手算服务商', '2027-04-01'),
      row('wx00000000000000a2', '手算服务商', '2027-05-10'),
    ]).expect(201);
    expect(res.body).toMatchObject({ imported: 2, encoding: 'utf-8', vendorsCreated: ['手算服务商'] });
    const [mp1, mp2] = res.body.miniProgramIds as string[];
    const {
      rows: [vendor],
    } = await db.query<{ id: string; status: string; contract_ends_on: string | null }>(
      `SELECT id, status, contract_ends_on FROM vendors WHERE organization_id = $1`,
      [org.id],
    );
    expect(vendor).toMatchObject({ status: 'active', contract_ends_on: null });

    const cycle = (mp: string, kind: string, cycleKey: string, dueOn: string): DeadlineRow => ({
      mini_program_id: mp,
      vendor_id: vendor.id,
      kind,
      subject_key: `mp:${mp}:${kind}`,
      cycle_key: cycleKey,
      due_on: dueOn,
      state: 'open',
      sequence: 0,
    });
    expect(await deadlines(org)).toEqual(
      [
        cycle(mp1, 'annual_review', '2027-04-01', '2027-04-01'),
        cycle(mp2, 'annual_review', '2027-05-10', '2027-05-10'),
        // The owner's, not each mini-program's: one report for 深圳手算科技有限公司, due on 30 June.
        {
          mini_program_id: null,
          vendor_id: null,
          kind: 'enterprise_annual_report',
          subject_key: 'owner:91440300MA5G7K2Q99:enterprise_annual_report',
          cycle_key: '2027',
          due_on: '2027-06-30',
          state: 'open',
          sequence: 0,
        },
      ].sort(bySubject),
    );

    const { rows: events } = await db.query<{
      action: string;
      entity_type: string;
      entity_id: string | null;
      actor_type: string;
      after: Record<string, unknown>;
    }>(
      `SELECT action, entity_type, entity_id, actor_type, after FROM audit_events
        WHERE organization_id = $1 ORDER BY id`,
      [org.id],
    );
    expect(events.map((e) => [e.action, e.entity_type, e.entity_id])).toEqual([
      ['vendor.created', 'vendor', vendor.id],
      ['mini_program.created', 'mini_program', mp1],
      ['mini_program.created', 'mini_program', mp2],
      ['mini_program.imported', 'import', null],
    ]);
    expect(events.every((e) => e.actor_type === 'api_key')).toBe(true);
    expect(events[0].after).toEqual({ id: vendor.id, name: '手算服务商' });
    expect(events[1].after).toMatchObject({
      id: mp1,
      appId: 'wx00000000000000a1',
      certificationExpiresOn: '2027-04-01',
      serviceCategories: ['医疗 > 互联网医院'],
      features: [],
      serverDomains: ['wx00000000000000a1.hand-count.cn'],
      vendor: { id: vendor.id, name: '手算服务商', status: 'active' },
      qualifications: [],
    });
    expect(events[2].after).toMatchObject({ id: mp2, appId: 'wx00000000000000a2' });
    expect(events[3].after).toEqual({ rows: 2, encoding: 'utf-8', vendorsCreated: ['手算服务商'] });
  });

  it('gives each vendor its own contract cycle once, however many imports name it', async () => {
    const org = await t.createOrg('Contracts');
    const vendorId = async (name: string, contractEndsOn: string) =>
      (
        await t
          .http()
          .post('/api/v1/vendors')
          .set('Authorization', org.bearer)
          .send({ name, contractEndsOn })
          .expect(201)
      ).body.id as string;
    const a = await vendorId('合同服务商甲', '2027-03-31');
    const b = await vendorId('合同服务商乙', '2027-09-30');
    const contracts = [
      { vendor_id: a, subject_key: `vendor:${a}:contract`, due_on: '2027-03-31', mini_program_id: null },
      { vendor_id: b, subject_key: `vendor:${b}:contract`, due_on: '2027-09-30', mini_program_id: null },
    ].sort((x, y) => (x.subject_key < y.subject_key ? -1 : 1));

    // Alike but for their vendor: the same date, categories and features.
    await upload(org, [
      row('wx00000000000000b1', '合同服务商甲', '2027-04-01'),
      row('wx00000000000000b2', '合同服务商乙', '2027-04-01'),
    ]).expect(201);
    const once = await deadlines(org, 'vendor_contract_end');
    expect(once).toEqual(contracts.map((c) => expect.objectContaining({ ...c, state: 'open' })));

    await upload(org, [
      row('wx00000000000000b3', '合同服务商甲', '2027-04-01'),
      row('wx00000000000000b4', '合同服务商乙', '2027-04-01'),
    ]).expect(201);
    expect(await deadlines(org, 'vendor_contract_end')).toEqual(once);
    // Two contracts, four annual reviews, and one annual report for the four rows' one owner.
    expect(await deadlines(org)).toHaveLength(2 + 4 + 1);
  });
});
