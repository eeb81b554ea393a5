import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '../libs/common/src/clock.js';
import { miniProgramBody } from './factories/registry.factory.js';
import { outbox } from './support/outbox.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock: new FixedClock(new Date('2026-12-01T02:00:00Z')) });
}, 60_000);
afterAll(() => t.close());

describe('per-organization catalogue overrides', () => {
  it('refuses confirmed facts naming code and field, and moves live cycles on a valid change, audited', async () => {
    const org = await t.createOrg('Overrides');
    const other = await t.createOrg('Overrides other');
    const mp = (
      await t
        .http()
        .post('/api/v1/mini-programs')
        .set('Authorization', org.bearer)
        .send(
          miniProgramBody({
            serviceCategories: ['餐饮'],
            qualifications: [{ requirementCode: 'food_business_licence', expiresOn: '2027-09-30' }],
          }),
        )
        .expect(201)
    ).body;
    const actBy = async () =>
      (
        await outbox(
          t.databaseUrl,
          `SELECT act_by FROM deadlines WHERE mini_program_id = $1 AND requirement_code = 'food_business_licence'`,
          [mp.id],
        )
      )[0].act_by as string;
    const before = await actBy();

    // The ICP/EDI licence's 90 days are confirmed: not overridable.
    const refused = await t
      .http()
      .put('/api/v1/organization/catalogue-overrides')
      .set('Authorization', org.bearer)
      .send({ icp_vas_licence: { applyBy: { amount: 10, unit: 'days' } } })
      .expect(400);
    expect(JSON.stringify(refused.body)).toContain('icp_vas_licence');
    expect(JSON.stringify(refused.body)).toContain('applyBy');
    await t
      .http()
      .put('/api/v1/organization/catalogue-overrides')
      .set('Authorization', org.bearer)
      .send({ food_business_licence: { applyBy: { amount: 5, unit: 'fortnights' } } })
      .expect(400);
    expect(await actBy()).toBe(before);

    // 10 days before Thursday 2027-09-30 is Monday 2027-09-20.
    const ok = await t
      .http()
      .put('/api/v1/organization/catalogue-overrides')
      .set('Authorization', org.bearer)
      .send({ food_business_licence: { applyBy: { amount: 10, unit: 'days' } } })
      .expect(200);
    expect(ok.body.overrides).toEqual({ food_business_licence: { applyBy: { amount: 10, unit: 'days' } } });
    expect(await actBy()).toBe('2027-09-20');
    const audit = await outbox(
      t.databaseUrl,
      `SELECT action FROM audit_events WHERE organization_id = $1 AND action = 'organization.catalogue_overrides_changed'`,
      [org.id],
    );
    expect(audit).toHaveLength(1);
    // Another organization still sees the catalogue's own value and no overrides.
    const theirs = await t
      .http()
      .get('/api/v1/organization/catalogue-overrides')
      .set('Authorization', other.bearer)
      .expect(200);
    expect(theirs.body.overrides).toEqual({});
    expect(
      theirs.body.overridable.find((f: any) => f.code === 'food_business_licence').applyBy,
    ).toMatchObject({
      amount: 30,
      unit: 'working_days',
    });
  }, 120_000);
});
