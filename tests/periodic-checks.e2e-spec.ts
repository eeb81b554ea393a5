import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FixedClock } from '../libs/common/src/clock.js';
import { miniProgramBody } from './factories/registry.factory.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NOW = new Date('2026-12-01T02:00:00Z');

describe('medical institution 校验 by bed count, yearly 等保', () => {
  let t: TestApp;
  let db: pg.Client;
  beforeAll(async () => {
    t = await startTestApp({ clock: new FixedClock(NOW) });
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it.each([
    [-1, 'must be 0 or more'],
    [12.5, 'must be a whole number of beds (an integer)'],
    ['80', 'must be a whole number of beds (an integer)'],
  ])('refuses bedCount %p with a 400 naming the field, writing nothing', async (beds, rule) => {
    const org = await t.createOrg();
    const res = await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', org.bearer)
      .send(miniProgramBody({ bedCount: beds }))
      .expect(400);
    expect((res.body as { problems: unknown }).problems).toEqual([{ field: 'bedCount', rule }]);
    const { rows } = await db.query(`SELECT 1 FROM mini_programs WHERE organization_id = $1`, [org.id]);
    expect(rows).toEqual([]);
  });

  it('counts the next 校验 from the last one by beds, and 等保 a year after the last assessment', async () => {
    const org = await t.createOrg();
    const qualifications = [
      { requirementCode: 'medical_institution_inspection', issuedOn: '2026-04-15' },
      { requirementCode: 'internet_hospital_classified_protection', issuedOn: '2026-06-30' },
    ];
    const small = await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', org.bearer)
      .send(miniProgramBody({ bedCount: 80, qualifications }))
      .expect(201);
    expect(small.body).toMatchObject({ bedCount: 80 });
    const due = async (id: string) =>
      (
        await db.query<{ requirement_code: string; due_on: string; state: string }>(
          `SELECT requirement_code, due_on::text, state FROM deadlines WHERE mini_program_id = $1
              AND requirement_code IN ('medical_institution_inspection', 'internet_hospital_classified_protection')
            ORDER BY requirement_code, due_on`,
          [id],
        )
      ).rows;
    const id = (small.body as { id: string }).id;
    // By hand: 80 beds → yearly: 2026-04-15 + 1 year; 等保 2026-06-30 + 1 year.
    expect(await due(id)).toEqual([
      { requirement_code: 'internet_hospital_classified_protection', due_on: '2027-06-30', state: 'open' },
      { requirement_code: 'medical_institution_inspection', due_on: '2027-04-15', state: 'open' },
    ]);
    // 120 beds → every 3 years: 2029-04-15; the 1-year cycle no longer applies.
    await t
      .http()
      .patch(`/api/v1/mini-programs/${id}`)
      .set('Authorization', org.bearer)
      .send({ bedCount: 120 })
      .expect(200);
    const after = (await due(id)).filter((d) => d.requirement_code === 'medical_institution_inspection');
    expect(after.filter((d) => d.state !== 'completed' && d.state !== 'cancelled')).toEqual([
      { requirement_code: 'medical_institution_inspection', due_on: '2029-04-15', state: 'open' },
    ]);
  });

  it('corrects the live 校验 cycle when the beds change its period, and renews it only on a new inspection', async () => {
    const org = await t.createOrg();
    const http = (method: 'post' | 'patch' | 'get', path: string, body?: object) => {
      const req = t.http()[method](path).set('Authorization', org.bearer);
      return body ? req.send(body) : req;
    };
    const mp = (
      await http(
        'post',
        '/api/v1/mini-programs',
        miniProgramBody({
          bedCount: 80,
          qualifications: [{ requirementCode: 'medical_institution_inspection', issuedOn: '2026-04-15' }],
        }),
      ).expect(201)
    ).body as { id: string; qualifications: { id: string }[] };
    const rows = async () =>
      (
        await db.query(
          `SELECT id, due_on::text, state, sequence FROM deadlines
            WHERE mini_program_id = $1 AND requirement_code = 'medical_institution_inspection'
            ORDER BY created_at, due_on`,
          [mp.id],
        )
      ).rows as { id: string; due_on: string; state: string; sequence: number }[];
    const [first] = await rows();
    expect(first).toMatchObject({ due_on: '2027-04-15', state: 'open', sequence: 0 });
    await http('post', `/api/v1/deadlines/${first.id}/acknowledge`, {}).expect(200);
    // 120 beds: every 3 years, 2026-04-15 + 3 = 2029-04-15. The same cycle, moved: no renewal, still acknowledged.
    await http('patch', `/api/v1/mini-programs/${mp.id}`, { bedCount: 120 }).expect(200);
    expect(await rows()).toEqual([
      { id: first.id, due_on: '2029-04-15', state: 'acknowledged', sequence: 1 },
    ]);
    // Back to 90 beds: yearly again, 2027-04-15, the same cycle once more.
    await http('patch', `/api/v1/mini-programs/${mp.id}`, { bedCount: 90 }).expect(200);
    expect(await rows()).toEqual([
      { id: first.id, due_on: '2027-04-15', state: 'acknowledged', sequence: 2 },
    ]);
    const { rows: audit } = await db.query(
      `SELECT action, after->>'dueOn' AS due FROM audit_events WHERE entity_id = $1 ORDER BY occurred_at, id`,
      [first.id],
    );
    expect(audit.filter((a) => a.action === 'deadline.corrected').map((a) => a.due)).toEqual([
      '2029-04-15',
      '2027-04-15',
    ]);
    // A new inspection on 2027-04-10 is the renewal: this cycle completes, the next is 2028-04-10 (90 beds).
    const qualificationId = mp.qualifications[0].id;
    await http('patch', `/api/v1/mini-programs/${mp.id}/qualifications/${qualificationId}`, {
      issuedOn: '2027-04-10',
    }).expect(200);
    const renewed = await rows();
    expect(renewed.map((r) => [r.id === first.id, r.due_on, r.state])).toEqual([
      [true, '2027-04-15', 'completed'],
      [false, '2028-04-10', 'open'],
    ]);
  });
});
