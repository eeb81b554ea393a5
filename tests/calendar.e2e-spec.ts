import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import { FixedClock } from '../libs/common/src/clock.js';
import { contactBody, miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
// 10:00 in Shanghai on 2026-11-25.
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));
const fixture: Record<string, any> = {};

const post = (path: string, body: object = {}, bearer = org.bearer) =>
  t.http().post(path).set('Authorization', bearer).send(body);
const get = (path: string, bearer = org.bearer) => t.http().get(path).set('Authorization', bearer);
const feedPath = (url: string) => new URL(url).pathname;

interface ParsedEvent {
  uid: string;
  start: string;
  sequence: number;
  summary: string;
  alarms: number;
}

function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events: ParsedEvent[] = calendar.getAllSubcomponents('vevent').map((e) => ({
    uid: String(e.getFirstPropertyValue('uid')),
    start: (e.getFirstPropertyValue('dtstart') as ICAL.Time).toString(),
    sequence: Number(e.getFirstPropertyValue('sequence')),
    summary: String(e.getFirstPropertyValue('summary')),
    alarms: e.getAllSubcomponents('valarm').length,
  }));
  return {
    name: calendar.getFirstPropertyValue('x-wr-calname'),
    timeZone: calendar.getFirstPropertyValue('x-wr-timezone'),
    events,
  };
}

async function fetchFeed(url: string) {
  const res = await t.http().get(feedPath(url));
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
  return { text: res.text, ...parseIcs(res.text) };
}

async function liveDeadlines(query = '') {
  const res = await get(`/api/v1/deadlines?limit=200${query}`).expect(200);
  return res.body.items as Record<string, any>[];
}

/** The events the feed must hold for the API's deadlines: due date, and act-by when it differs. */
function expectedEvents(deadlines: Record<string, any>[]) {
  return deadlines
    .flatMap((d) => [
      { uid: `${d.id}-due@mp-guard`, start: d.dueOn, sequence: d.sequence },
      ...(d.actBy === d.dueOn
        ? []
        : [{ uid: `${d.id}-actby@mp-guard`, start: d.actBy, sequence: d.sequence }]),
    ])
    .sort((a, b) => a.uid.localeCompare(b.uid));
}
const strip = (events: ParsedEvent[]) =>
  events
    .map(({ uid, start, sequence }) => ({ uid, start, sequence }))
    .sort((a, b) => a.uid.localeCompare(b.uid));

beforeAll(async () => {
  t = await startTestApp({ clock });
  org = await t.createOrg('康宁健康集团');
  other = await t.createOrg('Other org');
  const vendor = (await post('/api/v1/vendors', vendorBody({ name: '深圳市云速科技有限公司' })).expect(201))
    .body;
  fixture.contact = (await post('/api/v1/contacts', contactBody({ name: '李娜' })).expect(201)).body;
  fixture.hospital = (
    await post(
      '/api/v1/mini-programs',
      miniProgramBody({
        name: '康宁互联网医院',
        vendorId: vendor.id,
        serviceCategories: ['餐饮 > 外卖'],
        qualifications: [{ requirementCode: 'food_business_licence', expiresOn: '2027-06-30' }],
      }),
    ).expect(201)
  ).body;
  fixture.pharmacy = (
    await post('/api/v1/mini-programs', miniProgramBody({ name: '康宁药房' })).expect(201)
  ).body;
  fixture.theirs = (
    await post('/api/v1/mini-programs', miniProgramBody({ name: '别家' }), other.bearer).expect(201)
  ).body;
});
afterAll(() => t.close());

describe('calendar feed', () => {
  it('issues a secret URL once, lists the feed without it, and serves the live deadlines as ICS', async () => {
    const created = await post('/api/v1/calendar-feeds', {}).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      miniProgramId: null,
      createdAt: '2026-11-25T02:00:00.000Z',
      revokedAt: null,
      active: true,
      url: expect.stringMatching(/^http:\/\/[^/]+\/calendar\/[A-Za-z0-9_-]{43}\.ics$/),
    });
    const token = feedPath(created.body.url).slice('/calendar/'.length, -'.ics'.length);
    const list = await get('/api/v1/calendar-feeds').expect(200);
    expect(list.body.items).toEqual([
      {
        id: created.body.id,
        miniProgramId: null,
        createdAt: created.body.createdAt,
        revokedAt: null,
        active: true,
      },
    ]);
    expect(list.text).not.toContain(token);

    const feed = await fetchFeed(created.body.url);
    expect(feed.name).toBe('康宁健康集团');
    expect(feed.timeZone).toBe('Asia/Shanghai');
    const deadlines = await liveDeadlines();
    expect(deadlines.length).toBeGreaterThanOrEqual(4);
    expect(strip(feed.events)).toEqual(expectedEvents(deadlines));
    const food = deadlines.find((d) => d.requirementCode === 'food_business_licence')!;
    const due = feed.events.find((e) => e.uid === `${food.id}-due@mp-guard`)!;
    expect(due.summary).toBe('【到期】食品经营许可证 · 康宁互联网医院');
    // Every default stage that falls before the due date alarms on one of the two events.
    const both = feed.events.filter((e) => e.uid.startsWith(food.id));
    expect(both.reduce((n, e) => n + e.alarms, 0)).toBe(8);
    fixture.feed = created.body;
  });

  it('keeps every UID after an unrelated edit, and raises SEQUENCE when a due date moves', async () => {
    const before = await fetchFeed(fixture.feed.url);
    await t
      .http()
      .patch(`/api/v1/contacts/${fixture.contact.id}`)
      .set('Authorization', org.bearer)
      .send({ name: '李娜（运营）' })
      .expect(200);
    const after = await fetchFeed(fixture.feed.url);
    expect(after.events.map((e) => e.uid).sort()).toEqual(before.events.map((e) => e.uid).sort());
    expect(after.text).toBe(before.text);

    const qid = fixture.hospital.qualifications[0].id;
    await t
      .http()
      .patch(`/api/v1/mini-programs/${fixture.hospital.id}/qualifications/${qid}`)
      .set('Authorization', org.bearer)
      // An earlier date corrects the live cycle (a later one would renew it: a new cycle, a new UID).
      .send({ expiresOn: '2027-05-31' })
      .expect(200);
    const moved = await fetchFeed(fixture.feed.url);
    expect(moved.events.map((e) => e.uid).sort()).toEqual(before.events.map((e) => e.uid).sort());
    const food = (await liveDeadlines()).find((d) => d.requirementCode === 'food_business_licence')!;
    expect(food).toMatchObject({ dueOn: '2027-05-31', sequence: 1 });
    const due = moved.events.find((e) => e.uid === `${food.id}-due@mp-guard`)!;
    expect(due).toMatchObject({ start: '2027-05-31', sequence: 1 });
    const old = before.events.find((e) => e.uid === `${food.id}-due@mp-guard`)!;
    expect(old).toMatchObject({ start: '2027-06-30', sequence: 0 });
    for (const e of moved.events.filter((x) => !x.uid.startsWith(food.id))) {
      expect(e.sequence).toBe(before.events.find((b) => b.uid === e.uid)!.sequence);
    }
  });

  it("limits a mini-program's feed to its deadlines, and refuses another organization's mini-program", async () => {
    const created = await post('/api/v1/calendar-feeds', { miniProgramId: fixture.pharmacy.id }).expect(201);
    expect(created.body.miniProgramId).toBe(fixture.pharmacy.id);
    const feed = await fetchFeed(created.body.url);
    expect(feed.name).toBe('康宁健康集团 · 康宁药房');
    expect(strip(feed.events)).toEqual(
      expectedEvents(await liveDeadlines(`&miniProgramId=${fixture.pharmacy.id}`)),
    );

    const theirs = await post('/api/v1/calendar-feeds', { miniProgramId: fixture.theirs.id });
    const nobody = await post('/api/v1/calendar-feeds', { miniProgramId: crypto.randomUUID() });
    expect(theirs.status).toBe(400);
    expect(theirs.body).toEqual(nobody.body);
    expect(theirs.body.problems).toEqual([{ field: 'miniProgramId', rule: expect.any(String) }]);
    await post('/api/v1/calendar-feeds', { miniProgramId: 'nope' }).expect(400);
  });

  it('rotating makes the old URL 404 and the new one work; revoking ends it; both are audited', async () => {
    const first = (await post('/api/v1/calendar-feeds', {}).expect(201)).body;
    const rotated = (await post(`/api/v1/calendar-feeds/${first.id}/rotate`).expect(201)).body;
    expect(rotated.id).not.toBe(first.id);
    expect(rotated.url).not.toBe(first.url);
    await t.http().get(feedPath(first.url)).expect(404);
    await fetchFeed(rotated.url);
    await post(`/api/v1/calendar-feeds/${first.id}/rotate`).expect(409);

    await t
      .http()
      .delete(`/api/v1/calendar-feeds/${rotated.id}`)
      .set('Authorization', org.bearer)
      .expect(204);
    await t
      .http()
      .delete(`/api/v1/calendar-feeds/${rotated.id}`)
      .set('Authorization', org.bearer)
      .expect(204);
    const gone = await t.http().get(feedPath(rotated.url)).expect(404);
    expect(gone.body).toMatchObject({ statusCode: 404, message: 'Calendar feed not found' });
    const list = (await get('/api/v1/calendar-feeds?limit=200').expect(200)).body.items;
    expect(list.find((f: { id: string }) => f.id === first.id)).toMatchObject({
      active: false,
      revokedAt: '2026-11-25T02:00:00.000Z',
    });
    const audit = (await get(`/api/v1/audit-events?entityId=${first.id}`).expect(200)).body.items;
    expect(audit.map((e: { action: string }) => e.action).sort()).toEqual([
      'calendar_feed.created',
      'calendar_feed.rotated',
    ]);
  });

  it('answers 404 for unknown or malformed tokens, and lets no other organization touch a feed', async () => {
    await t
      .http()
      .get(`/calendar/${'A'.repeat(43)}.ics`)
      .expect(404);
    await t.http().get('/calendar/short.ics').expect(404);
    await t
      .http()
      .get(`/calendar/${'A'.repeat(43)}`)
      .expect(404);
    const mine = (await post('/api/v1/calendar-feeds', {}).expect(201)).body;
    await t.http().delete(`/api/v1/calendar-feeds/${mine.id}`).set('Authorization', other.bearer).expect(404);
    await post(`/api/v1/calendar-feeds/${mine.id}/rotate`, {}, other.bearer).expect(404);
    const theirList = (await get('/api/v1/calendar-feeds', other.bearer).expect(200)).body;
    expect(theirList.items).toEqual([]);
    await fetchFeed(mine.url);
    await t.http().get('/api/v1/calendar-feeds').expect(401);
  });
});
