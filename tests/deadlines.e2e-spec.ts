import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedDemo } from '../database/seed/demo.js';
import { FixedClock } from '../libs/common/src/clock.js';
import { miniProgramBody } from './factories/registry.factory.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let org: TestOrg;
// 10:00 in Shanghai on 2026-11-25.
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));

beforeAll(async () => {
  t = await startTestApp({ clock });
  org = await t.createOrg('Deadlines org');
});
afterAll(() => t.close());

const get = (path: string, bearer = org.bearer) => t.http().get(path).set('Authorization', bearer);
const post = (path: string, body: object = {}, bearer = org.bearer) =>
  t.http().post(path).set('Authorization', bearer).send(body);

async function deadlinesOf(miniProgramId: string, extra = '') {
  const res = await get(`/api/v1/deadlines?miniProgramId=${miniProgramId}&limit=200${extra}`).expect(200);
  return res.body.items as Record<string, any>[];
}

describe('deadline cycles derived from the registry', () => {
  it('opens the annual review with hand-checked dates when a mini-program is registered', async () => {
    const mp = (
      await post('/api/v1/mini-programs', miniProgramBody({ certificationExpiresOn: '2027-03-15' })).expect(
        201,
      )
    ).body;
    const [review] = (await deadlinesOf(mp.id)).filter((d) => d.kind === 'annual_review');
    expect(review).toMatchObject({
      requirementCode: 'wechat_certification_annual_review',
      dueOn: '2027-03-15',
      windowOpensOn: '2026-12-15', // 3 months before
      applyBy: '2027-02-22', // 15 working days before a Monday; 2027 has no holiday data yet
      actBy: '2027-02-22',
      calendarBasis: 'weekends-only',
      daysLeft: 110,
      urgency: 'later',
      state: 'open',
      sequence: 0,
    });
  });

  it('completing a cycle closes it, writes the renewal to the registry and opens the next', async () => {
    const mp = (
      await post('/api/v1/mini-programs', miniProgramBody({ certificationExpiresOn: '2027-03-15' })).expect(
        201,
      )
    ).body;
    const [review] = (await deadlinesOf(mp.id)).filter((d) => d.kind === 'annual_review');
    const done = (await post(`/api/v1/deadlines/${review.id}/complete`, { note: '年审已通过' }).expect(200))
      .body;
    expect(done).toMatchObject({ state: 'completed', completionNote: '年审已通过' });
    const again = (await post(`/api/v1/deadlines/${review.id}/complete`, {}).expect(200)).body;
    expect(again.completedAt).toBe(done.completedAt);

    const [next] = (await deadlinesOf(mp.id)).filter((d) => d.kind === 'annual_review');
    expect(next).toMatchObject({ dueOn: '2028-03-15', windowOpensOn: '2027-12-15', state: 'open' });
    expect(next.id).not.toBe(review.id);
    expect((await get(`/api/v1/mini-programs/${mp.id}`).expect(200)).body.certificationExpiresOn).toBe(
      '2028-03-15',
    );
    const history = await deadlinesOf(mp.id, '&state=completed');
    expect(history.map((d) => d.dueOn)).toEqual(['2027-03-15']);
    const audit = (await get(`/api/v1/audit-events?entityId=${review.id}`).expect(200)).body.items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['deadline.completed']);
  });

  it('needs the new expiry when the validity is set by the issuer, and checks it is later', async () => {
    const mp = (
      await post(
        '/api/v1/mini-programs',
        miniProgramBody({
          serviceCategories: ['医疗 > 医疗机构'],
          qualifications: [{ requirementCode: 'medical_institution_licence', expiresOn: '2027-06-30' }],
        }),
      ).expect(201)
    ).body;
    const [licence] = (await deadlinesOf(mp.id)).filter(
      (d) => d.requirementCode === 'medical_institution_licence',
    );
    const missing = await post(`/api/v1/deadlines/${licence.id}/complete`, {}).expect(400);
    expect(missing.body.problems).toEqual([
      { field: 'newExpiry', rule: expect.stringMatching(/new expiry/) },
    ]);
    await post(`/api/v1/deadlines/${licence.id}/complete`, { newExpiry: '2027-01-01' }).expect(400);
    await post(`/api/v1/deadlines/${licence.id}/complete`, { newExpiry: '2032-06-30' }).expect(200);
    const q = (await get(`/api/v1/mini-programs/${mp.id}/qualifications`).expect(200)).body[0];
    expect(q.expiresOn).toBe('2032-06-30');
    const [next] = (await deadlinesOf(mp.id)).filter(
      (d) => d.requirementCode === 'medical_institution_licence',
    );
    expect(next.dueOn).toBe('2032-06-30');
  });

  it('renews on a later expiry, moves the cycle on a correction, and cancels it when the obligation goes', async () => {
    const mp = (
      await post(
        '/api/v1/mini-programs',
        miniProgramBody({
          serviceCategories: ['餐饮 > 外卖'],
          qualifications: [{ requirementCode: 'food_business_licence', expiresOn: '2027-06-30' }],
        }),
      ).expect(201)
    ).body;
    const qid = mp.qualifications[0].id;
    const food = () =>
      deadlinesOf(mp.id).then((all) => all.filter((d) => d.requirementCode === 'food_business_licence'));
    const [first] = await food();
    expect(first).toMatchObject({ dueOn: '2027-06-30', sequence: 0 });
    const patch = (expiresOn: string) =>
      t
        .http()
        .patch(`/api/v1/mini-programs/${mp.id}/qualifications/${qid}`)
        .set('Authorization', org.bearer)
        .send({ expiresOn })
        .expect(200);
    // A later date is a renewal: the cycle is completed and a new one opens.
    await patch('2027-08-31');
    expect((await get(`/api/v1/deadlines/${first.id}`).expect(200)).body).toMatchObject({
      dueOn: '2027-06-30',
      state: 'completed',
    });
    const [renewed] = await food();
    expect(renewed.id).not.toBe(first.id);
    expect(renewed).toMatchObject({ dueOn: '2027-08-31', sequence: 0, state: 'open' });
    // An earlier date before it is due corrects a mistyped date: the same cycle moves, and says so.
    await patch('2027-07-31');
    expect((await get(`/api/v1/deadlines/${renewed.id}`).expect(200)).body).toMatchObject({
      dueOn: '2027-07-31',
      sequence: 1,
      state: 'open',
    });
    const audit = (await get(`/api/v1/audit-events?entityId=${renewed.id}`).expect(200)).body.items;
    expect(audit.map((a: any) => a.action)).toContain('deadline.corrected');
    await t
      .http()
      .delete(`/api/v1/mini-programs/${mp.id}/qualifications/${qid}`)
      .set('Authorization', org.bearer)
      .expect(204);
    expect((await get(`/api/v1/deadlines/${renewed.id}`).expect(200)).body.state).toBe('cancelled');
  });

  it('acknowledges and snoozes idempotently, and refuses a snooze past the due date', async () => {
    const mp = (
      await post('/api/v1/mini-programs', miniProgramBody({ certificationExpiresOn: '2027-03-15' })).expect(
        201,
      )
    ).body;
    const [review] = (await deadlinesOf(mp.id)).filter((d) => d.kind === 'annual_review');
    const id = review.id as string;
    const late = await post(`/api/v1/deadlines/${id}/snooze`, { until: '2027-03-16' }).expect(400);
    expect(late.body.problems).toEqual([
      { field: 'until', rule: 'must not be after the due date (2027-03-15)' },
    ]);
    await post(`/api/v1/deadlines/${id}/snooze`, { until: '2026-11-25' }).expect(400);
    await post(`/api/v1/deadlines/${id}/snooze`, { until: '2027-02-30' }).expect(400);
    expect(
      (await post(`/api/v1/deadlines/${id}/snooze`, { until: '2027-01-10' }).expect(200)).body,
    ).toMatchObject({ state: 'snoozed', snoozedUntil: '2027-01-10' });
    await post(`/api/v1/deadlines/${id}/snooze`, { until: '2027-01-10' }).expect(200);
    await post(`/api/v1/deadlines/${id}/acknowledge`, { note: '张伟负责' }).expect(200);
    await post(`/api/v1/deadlines/${id}/acknowledge`, {}).expect(200);
    await post(`/api/v1/deadlines/${id}/reopen`).expect(200);
    const audit = (await get(`/api/v1/audit-events?entityId=${id}`).expect(200)).body.items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual([
      'deadline.reopened',
      'deadline.acknowledged',
      'deadline.snoozed',
    ]);
  });

  it('rolls a monthly custom deadline to the month end when the day does not exist', async () => {
    const custom = (
      await post('/api/v1/deadlines', {
        title: '月度备份检查',
        dueOn: '2027-01-31',
        recurrence: 'monthly',
      }).expect(201)
    ).body;
    expect(custom).toMatchObject({ kind: 'custom', requirementName: '月度备份检查', dueOn: '2027-01-31' });
    await post(`/api/v1/deadlines/${custom.id}/complete`, {}).expect(200);
    const live = (await get('/api/v1/deadlines?kind=custom&limit=200').expect(200)).body.items.filter(
      (d: { title: string }) => d.title === '月度备份检查',
    );
    expect(live.map((d: { dueOn: string }) => d.dueOn)).toEqual(['2027-02-28']);
    await t.http().delete(`/api/v1/deadlines/${live[0].id}`).set('Authorization', org.bearer).expect(204);
    await get(`/api/v1/deadlines/${custom.id}`).expect(404);
  });

  it('filters by urgency and counts them in the overview', async () => {
    const other = await t.createOrg('Urgency org');
    for (const due of ['2026-11-20', '2026-11-30', '2026-12-20', '2027-02-01', '2027-06-01']) {
      await post('/api/v1/deadlines', { title: `due ${due}`, dueOn: due }, other.bearer).expect(201);
    }
    const titles = async (urgency: string) =>
      (await get(`/api/v1/deadlines?urgency=${urgency}`, other.bearer).expect(200)).body.items.map(
        (d: { title: string }) => d.title,
      );
    expect(await titles('overdue')).toEqual(['due 2026-11-20']);
    expect(await titles('due_7')).toEqual(['due 2026-11-30']);
    expect(await titles('due_30')).toEqual(['due 2026-12-20']);
    expect(await titles('due_90')).toEqual(['due 2027-02-01']);
    const en = (await get('/api/v1/deadlines?urgency=due_90&locale=en&limit=1', other.bearer).expect(200))
      .body;
    expect(en.items.map((d: { title: string }) => d.title)).toEqual(['due 2027-02-01']);
    expect(en.page.next).toBeNull();
    await get('/api/v1/deadlines?locale=fr', other.bearer).expect(400);
    const overview = (await get('/api/v1/deadlines/overview', other.bearer).expect(200)).body;
    expect(overview).toMatchObject({
      today: '2026-11-25',
      byUrgency: { overdue: 1, due_7: 1, due_30: 1, due_90: 1, later: 1 },
      byKind: { custom: 5 },
    });
    const window = (
      await get('/api/v1/deadlines?dueFrom=2026-11-25&dueTo=2026-12-31', other.bearer).expect(200)
    ).body.items;
    expect(window.map((d: { dueOn: string }) => d.dueOn)).toEqual(['2026-11-30', '2026-12-20']);
  });
});

describe('compliance view', () => {
  it('shows the payment qualification and WeChat Pay certificates a payments mini-program lacks', async () => {
    const mp = (
      await post(
        '/api/v1/mini-programs',
        miniProgramBody({ serviceCategories: ['金融业 > 支付'], features: ['wechat_pay'] }),
      ).expect(201)
    ).body;
    const view = (await get(`/api/v1/mini-programs/${mp.id}/compliance?locale=en`).expect(200)).body;
    const state = Object.fromEntries(
      view.items.map((i: { requirementCode: string; state: string }) => [i.requirementCode, i.state]),
    );
    expect(state).toMatchObject({
      payment_business_licence: 'missing',
      wechat_pay_api_certificate: 'missing',
      wechat_pay_platform_certificate: 'missing',
      wechat_certification_annual_review: 'valid',
    });
    expect(view.summary.missing).toBeGreaterThanOrEqual(3);
    const zh = (
      await get(`/api/v1/mini-programs/${mp.id}/compliance`).set('Accept-Language', 'zh-CN').expect(200)
    ).body;
    expect(
      zh.items.find((i: { requirementCode: string }) => i.requirementCode === 'payment_business_licence')
        .requirementName,
    ).toBe('支付业务许可证');
  });
});

describe('catalogue', () => {
  it('answers in the caller language, every entry with a source and a check date', async () => {
    const en = (await get('/api/v1/catalogue?locale=en').expect(200)).body;
    expect(en.requirements.length).toBeGreaterThanOrEqual(10);
    for (const r of en.requirements) {
      // Some regulators' notices survive only as plain-http reprints. A portal home page supports nothing
      // specific and is never cited; where no outside source can exist the entry says why and claims 'open'.
      if (r.sourceUrl === null) {
        expect([r.code, r.confidence, typeof r.sourceNote]).toEqual([r.code, 'open', 'string']);
      } else {
        expect(r.sourceUrl).toMatch(/^https?:\/\/[^/]+\/./);
        expect([r.code, new URL(r.sourceUrl).pathname]).not.toEqual([r.code, '/']);
      }
      expect(r.checkedOn).toBe('2026-12-01');
      expect(['confirmed', 'likely', 'open']).toContain(r.confidence);
    }
    const vendor = en.requirements.find((r: { code: string }) => r.code === 'vendor_contract');
    expect(vendor).toMatchObject({ sourceUrl: null, confidence: 'open' });
    expect(vendor.sourceNote).toMatch(/^No outside source/);
    const zh = (
      await get('/api/v1/catalogue/wechat_certification_annual_review')
        .set('Accept-Language', 'zh-CN,zh;q=0.9')
        .expect(200)
    ).body;
    expect(zh.name).toContain('年审');
    await get('/api/v1/catalogue/no_such_code').expect(404);
    await get('/api/v1/catalogue?locale=fr').expect(400);
  });
});

describe('demo organization', () => {
  it('has a deadline for every obligation of every demo mini-program, and a compliance gap', async () => {
    const demo = await seedDemo(t.app);
    const bearer = `Bearer ${demo.apiKey}`;
    const mps = (await get('/api/v1/mini-programs?limit=50', bearer).expect(200)).body.items;
    expect(mps).toHaveLength(3);
    const deadlines = (await get('/api/v1/deadlines?limit=200', bearer).expect(200)).body.items;
    for (const mp of mps) {
      const own = deadlines.filter((d: any) => d.miniProgram?.id === mp.id);
      expect(own.find((d: any) => d.kind === 'annual_review')?.dueOn).toBe(mp.certificationExpiresOn);
      for (const q of mp.qualifications) {
        expect(own.find((d: any) => d.requirementCode === q.requirementCode)?.dueOn).toBe(q.expiresOn);
      }
    }
    // Certification due in 25 days, and another 5 days overdue (dates relative to the seed's today).
    expect(
      deadlines.find((d: any) => d.miniProgram?.name === '康宁互联网医院' && d.kind === 'annual_review')
        .daysLeft,
    ).toBe(25);
    expect(
      deadlines.find((d: any) => d.miniProgram?.name === '康宁健康课堂' && d.kind === 'annual_review')
        .urgency,
    ).toBe('overdue');
    expect(deadlines.filter((d: any) => d.kind === 'vendor_contract_end')).toHaveLength(2);
    // Two owners (康宁医疗 owns the hospital and the shop): one enterprise annual report each, not one per
    // mini-program; and the hospital's domain, registered at 阿里云 until the seed's today + 75 days.
    expect(
      deadlines
        .filter((d: any) => d.kind === 'enterprise_annual_report')
        .map((d: any) => [d.requirementName, d.miniProgram])
        .sort(),
    ).toEqual([
      ['企业年度报告公示（工商年报）（广州康宁医疗科技有限公司）', null],
      ['企业年度报告公示（工商年报）（广州康宁教育咨询有限公司）', null],
    ]);
    const domain = deadlines.filter((d: any) => d.requirementCode === 'domain_name_registration');
    expect(domain.map((d: any) => [d.miniProgram?.name, d.daysLeft])).toEqual([['康宁互联网医院', 75]]);
    const hospital = mps.find((m: any) => m.name === '康宁互联网医院');
    const gap = (await get(`/api/v1/mini-programs/${hospital.id}/compliance`, bearer).expect(200)).body;
    expect(gap.items.find((i: any) => i.requirementCode === 'internet_hospital').state).toBe('missing');
  });
});
