import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { OwnerAnnualReport1764390000000 } from '../database/migrations/1764390000000-OwnerAnnualReport.js';
import { contactBody, miniProgramBody } from './factories/registry.factory.js';
import { outbox } from './support/outbox.js';
import { ReminderWorld } from './support/reminder-world.js';
import type { TestOrg } from './support/test-app.js';

// The enterprise annual report of 2027: window 2027-01-01 to 2027-06-30 (a Wednesday, a working day, so the
// last day to act is the due date). Default ladder, counted back by hand: d-90 2027-04-01 (June 30 back to
// May 31 is 30 days, to May 1 60, to April 1 90), d-60 2027-05-01, both for the operators only.
const KANGNING = '91440101MA59UQ8L6Y'; // two mini-programs of one owner
const EDUCATION = '91440101MA5CLX9N0R';
const NAME = '广州康宁医疗科技有限公司';
const TENCENT = '91440300708461136T';
const HUAWEI = '914403001922038216';
const ALIBABA = '91330100716105852F';
const BAIDU = '91110000802100433B';

let w: ReminderWorld;
beforeAll(async () => {
  w = await ReminderWorld.start();
  // A second operator: each stage is one mail to each of the two, never one per mini-program.
  await w
    .api('post', '/api/v1/contacts', contactBody({ email: 'op2@flows.cn', role: 'operator' }))
    .expect(201);
}, 60_000);
afterAll(() => w?.close(), 60_000);

const as = (org: TestOrg) => ({
  get: (path: string) => w.t.http().get(path).set('Authorization', org.bearer),
  post: (path: string, body: object) => w.t.http().post(path).set('Authorization', org.bearer).send(body),
  patch: (path: string, body: object) => w.t.http().patch(path).set('Authorization', org.bearer).send(body),
  delete: (path: string) => w.t.http().delete(path).set('Authorization', org.bearer),
});

/** A mini-program of `owner` with no other obligation (no certification date, no qualification). */
async function register(org: TestOrg, ownerCreditCode: string, ownerName = NAME): Promise<string> {
  const body = miniProgramBody({ ownerCreditCode, ownerName });
  delete body.certificationExpiresOn;
  return ((await as(org).post('/api/v1/mini-programs', body).expect(201)).body as { id: string }).id;
}

async function annualReports(org: TestOrg, state?: string): Promise<Record<string, any>[]> {
  const q = state ? `&state=${state}` : '';
  return (
    (await as(org).get(`/api/v1/deadlines?kind=enterprise_annual_report&limit=100${q}`).expect(200)).body as {
      items: Record<string, any>[];
    }
  ).items;
}

const mails = (deadlineId: string) =>
  w
    .of(deadlineId)
    .map((r) => `${r.day} ${r.stage} ${r.to}`)
    .sort();

const ids: Record<string, string> = {};

describe('two mini-programs of one owner', () => {
  it('give one annual-report deadline, named with the owner and belonging to no mini-program', async () => {
    const org = w.org;
    ids.hospital = await register(org, KANGNING);
    ids.shop = await register(org, KANGNING);
    ids.school = await register(org, EDUCATION, '广州康宁教育咨询有限公司');
    const reports = await annualReports(org);
    expect(reports.map((d) => d.requirementName).sort()).toEqual([
      '企业年度报告公示（工商年报）（广州康宁医疗科技有限公司）',
      '企业年度报告公示（工商年报）（广州康宁教育咨询有限公司）',
    ]);
    const kangning = reports.find((d) => d.requirementName.includes(NAME))!;
    expect(kangning).toMatchObject({
      miniProgram: null,
      vendor: null,
      windowOpensOn: '2027-01-01',
      actBy: '2027-06-30',
      dueOn: '2027-06-30',
      state: 'open',
    });
    ids.kangning = kangning.id;
    const en = await as(org).get(`/api/v1/deadlines/${kangning.id}?locale=en`).expect(200);
    expect(en.body.requirementName).toBe(`Enterprise annual report (企业年报) — ${NAME}`);
  });

  it('is listed once in the checklist export and the calendar feed', async () => {
    const reportIds = (await annualReports(w.org)).map((d) => d.id);
    const csv = (await as(w.org).get('/api/v1/exports/checklist.csv').expect(200)).text;
    // One row per document and step; the last column is the deadline's id, the one before the requirement.
    const lines = csv.split(/\r?\n/).filter((l) => l.includes(',enterprise_annual_report,'));
    expect(new Set(lines.map((l) => l.split(',').at(-1))).size).toBe(2);
    expect([...new Set(lines.map((l) => l.split(',').at(-1)))].sort()).toEqual([...reportIds].sort());
    expect(lines.every((l) => /（广州康宁(医疗科技|教育咨询)有限公司）,企业年报,/.test(l))).toBe(true);
    const feed = (await as(w.org).post('/api/v1/calendar-feeds', {}).expect(201)).body as { url: string };
    const ics = (await w.t.http().get(new URL(feed.url).pathname).expect(200)).text;
    const uids = [...ics.matchAll(/^UID:([0-9a-f-]{36})-due@mp-guard/gm)].map((m) => m[1]);
    expect(uids.filter((u) => reportIds.includes(u)).sort()).toEqual([...reportIds].sort());
  });
});

describe('deleting and re-keying mini-programs', () => {
  let org: TestOrg;
  beforeAll(async () => (org = await w.t.createOrg('Owners')));

  it('keeps the obligation while the owner has a mini-program, ends it with the last, reopens it when one comes back', async () => {
    const a = await register(org, TENCENT, '深圳市腾讯计算机系统有限公司');
    const b = await register(org, TENCENT, '深圳市腾讯计算机系统有限公司');
    const [report] = await annualReports(org);
    await as(org).delete(`/api/v1/mini-programs/${a}`).expect(204);
    expect((await annualReports(org)).map((d) => [d.id, d.state])).toEqual([[report.id, 'open']]);
    await as(org).delete(`/api/v1/mini-programs/${b}`).expect(204);
    expect(await annualReports(org)).toEqual([]);
    expect((await annualReports(org, 'cancelled')).map((d) => d.id)).toEqual([report.id]);
    // The same company registers again in the same year: the same cycle (and the stages it sent) again.
    await register(org, TENCENT, '深圳市腾讯计算机系统有限公司');
    expect((await annualReports(org)).map((d) => [d.id, d.state])).toEqual([[report.id, 'open']]);
  });

  it('moves with a changed credit code: the old owner keeps it only while it has another mini-program', async () => {
    const a = await register(org, HUAWEI, '华为技术有限公司');
    const b = await register(org, HUAWEI, '华为技术有限公司');
    const names = async () => (await annualReports(org)).map((d) => d.requirementName as string).sort();
    expect(await names()).toEqual([
      '企业年度报告公示（工商年报）（华为技术有限公司）',
      '企业年度报告公示（工商年报）（深圳市腾讯计算机系统有限公司）',
    ]);
    // b was registered under the wrong company: corrected to 阿里巴巴, 华为 still has a.
    await as(org)
      .patch(`/api/v1/mini-programs/${b}`, {
        ownerCreditCode: ALIBABA,
        ownerName: '阿里巴巴（中国）有限公司',
      })
      .expect(200);
    expect(await names()).toEqual([
      '企业年度报告公示（工商年报）（华为技术有限公司）',
      '企业年度报告公示（工商年报）（深圳市腾讯计算机系统有限公司）',
      '企业年度报告公示（工商年报）（阿里巴巴（中国）有限公司）',
    ]);
    // a too: 华为 has none left.
    await as(org)
      .patch(`/api/v1/mini-programs/${a}`, { ownerCreditCode: BAIDU, ownerName: '北京百度网讯科技有限公司' })
      .expect(200);
    expect(await names()).toEqual([
      '企业年度报告公示（工商年报）（北京百度网讯科技有限公司）',
      '企业年度报告公示（工商年报）（深圳市腾讯计算机系统有限公司）',
      '企业年度报告公示（工商年报）（阿里巴巴（中国）有限公司）',
    ]);
    expect((await annualReports(org, 'cancelled')).map((d) => d.requirementName)).toContain(
      '企业年度报告公示（工商年报）（华为技术有限公司）',
    );
  });
});

describe('merging the per-mini-program duplicates of a database written before', () => {
  let org: TestOrg;
  const merged: Record<string, string> = {};

  it('keeps one cycle per owner, with the stage a duplicate sent and the completion of another', async () => {
    org = await w.t.createOrg('Before');
    await as(org)
      .post('/api/v1/contacts', contactBody({ email: 'op@before.cn', role: 'operator' }))
      .expect(201);
    const sql = (text: string, params: unknown[] = []) => outbox(w.t.databaseUrl, text, params);
    // Two owners, two mini-programs each, then their reports put back as they were before: one per mini-program.
    const [a, b] = [
      await register(org, TENCENT, '深圳市腾讯计算机系统有限公司'),
      await register(org, TENCENT),
    ];
    const [c, d] = [await register(org, HUAWEI, '华为技术有限公司'), await register(org, HUAWEI)];
    const perMiniProgram = async (owner: string, mps: string[]) => {
      const [row] = await sql(`SELECT id FROM deadlines WHERE organization_id = $1 AND subject_key = $2`, [
        org.id,
        `owner:${owner}:enterprise_annual_report`,
      ]);
      await sql(
        `UPDATE deadlines SET subject_key = 'mp:' || $2 || ':enterprise_annual_report', mini_program_id = $2::uuid, title = NULL
          WHERE id = $1`,
        [row.id, mps[0]],
      );
      const [copy] = await sql(
        `INSERT INTO deadlines (organization_id, mini_program_id, kind, subject_key, cycle_key, requirement_code,
                due_on, window_opens_on, apply_by, act_by, created_at)
         SELECT organization_id, $2::uuid, kind, 'mp:' || $2 || ':enterprise_annual_report', cycle_key, requirement_code,
                due_on, window_opens_on, apply_by, act_by, created_at + interval '1 second'
           FROM deadlines WHERE id = $1 RETURNING id`,
        [row.id, mps[1]],
      );
      return [row.id as string, copy.id as string];
    };
    const [ta, tb] = await perMiniProgram(TENCENT, [a, b]);
    const [hc, hd] = await perMiniProgram(HUAWEI, [c, d]);
    const notification = async (deadlineId: string, status: 'sent' | 'pending') => {
      const [n] = await sql(
        `INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, created_at)
         VALUES ($1, $2, 'reminder', 'd-90', '2027-04-01', $3, '2027-04-01T01:30:00Z') RETURNING id`,
        [org.id, deadlineId, status],
      );
      await sql(
        `INSERT INTO notification_deliveries (organization_id, notification_id, email, name, role, locale, status,
                next_attempt_at, message_id, sent_at, created_at, updated_at)
         VALUES ($1, $2, 'op@before.cn', 'op', 'operator', 'zh-CN', $3, '2027-04-01T01:30:00Z', $4,
                 CASE WHEN $3 = 'sent' THEN '2027-04-01T01:31:00Z'::timestamptz END, '2027-04-01T01:30:00Z', '2027-04-01T01:30:00Z')`,
        [org.id, n.id, status, `<${n.id}@mp-guard.test>`],
      );
      return n.id as string;
    };
    // 腾讯: a's d-90 went out on 2027-04-01; b was snoozed to 2027-04-15 (so it had planned nothing) and
    // goes furthest: it survives, and a's sent d-90 must count for it.
    const sentOnA = await notification(ta, 'sent');
    await sql(`UPDATE deadlines SET state = 'snoozed', snoozed_until = '2027-04-15' WHERE id = $1`, [tb]);
    // 华为: c planned d-90 but it was not delivered yet; d was completed for 2027.
    const pendingOnC = await notification(hc, 'pending');
    await sql(
      `UPDATE deadlines SET state = 'completed', completed_at = '2027-03-20T02:00:00Z', completed_by = 'op' WHERE id = $1`,
      [hd],
    );

    const runner = w.t.app.get(DataSource).createQueryRunner();
    try {
      await new OwnerAnnualReport1764390000000().up(runner);
    } finally {
      await runner.release();
    }
    Object.assign(merged, { tencent: tb, huawei: hd });

    const rows = await sql(
      `SELECT id, subject_key, mini_program_id, title, state, snoozed_until::text FROM deadlines
        WHERE organization_id = $1 AND kind = 'enterprise_annual_report' ORDER BY subject_key, id`,
      [org.id],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(tb)).toMatchObject({
      subject_key: `owner:${TENCENT}:enterprise_annual_report`,
      mini_program_id: null,
      title: '深圳市腾讯计算机系统有限公司',
      state: 'snoozed',
      snoozed_until: '2027-04-15',
    });
    expect(byId.get(ta)).toMatchObject({
      subject_key: `mp:${a}:enterprise_annual_report`,
      state: 'cancelled',
    });
    expect(byId.get(hd)).toMatchObject({
      subject_key: `owner:${HUAWEI}:enterprise_annual_report`,
      title: '华为技术有限公司',
      state: 'completed',
    });
    expect(byId.get(hc)).toMatchObject({ state: 'cancelled' });
    expect(rows).toHaveLength(4);
    const notifications = await sql(
      `SELECT n.id, n.deadline_id, n.status, array_agg(x.status) AS deliveries FROM notifications n
         JOIN notification_deliveries x ON x.notification_id = n.id WHERE n.organization_id = $1 GROUP BY n.id`,
      [org.id],
    );
    expect(notifications.map((n) => [n.id, n.deadline_id, n.status, n.deliveries]).sort()).toEqual(
      [
        [sentOnA, tb, 'sent', ['sent']],
        [pendingOnC, hd, 'pending', ['pending']],
      ].sort(),
    );
    // The API lists the open one once; the completed year is history.
    expect((await annualReports(org)).map((r) => r.id)).toEqual([tb]);
  });

  it('then sends each stage once: nothing again for d-90, one mail per operator for d-60', async () => {
    await w.tick('2027-04-01T01:30:00Z');
    await w.tick('2027-04-01T01:40:00Z');
    await w.tick('2027-04-15T01:30:00Z');
    await w.tick('2027-05-01T01:30:00Z');
    await w.tick('2027-05-01T01:40:00Z');
    // Every mail to the first organization's operators: its only obligations are the two owners' reports
    // (康宁医疗 with two mini-programs, 康宁教育 with one), so two owners x two operators x two stages.
    const flows = w.received.filter((r) => r.to.endsWith('@flows.cn')).map((r) => `${r.day} ${r.stage}`);
    expect(flows.sort()).toEqual([...Array(4).fill('2027-04-01 d-90'), ...Array(4).fill('2027-05-01 d-60')]);
    // The merged 腾讯 cycle: its d-90 went out before the merge (on the duplicate), so only d-60 now.
    expect(mails(merged.tencent)).toEqual(['2027-05-01 d-60 op@before.cn']);
    // The completed 华为 year sends nothing, not even the stage one duplicate had planned.
    expect(mails(merged.huawei)).toEqual([]);
    // Counted by hand: two operators, two stages, one owner: four mails, whatever the mini-programs.
    expect(mails(ids.kangning)).toEqual([
      '2027-04-01 d-90 op2@flows.cn',
      '2027-04-01 d-90 op@flows.cn',
      '2027-05-01 d-60 op2@flows.cn',
      '2027-05-01 d-60 op@flows.cn',
    ]);
    const everything = w.received.filter((r) => r.stage === 'd-90' || r.stage === 'd-60');
    expect(everything.filter((r) => r.to === 'op@before.cn').map((r) => `${r.day} ${r.stage}`)).toEqual([
      '2027-05-01 d-60',
    ]);
  });
});
