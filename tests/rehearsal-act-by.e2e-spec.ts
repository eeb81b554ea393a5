import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '../libs/common/src/clock.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { contactBody, miniProgramBody } from './factories/registry.factory.js';
import { outbox } from './support/outbox.js';
import { headerText, SmtpSink } from './support/smtp-sink.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
const clock = new FixedClock(new Date('2026-09-01T01:30:00Z'));

beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await startTestApp({ clock, env: { SMTP_URL: sink.url() } });
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

const DAY = 86_400_000;
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const weekly = (from: string, end: string) => {
  const out: string[] = [];
  for (let n = 1; plus(from, 7 * n) <= end; n++)
    out.push(`${n === 1 ? 'overdue' : `overdue-${n}`}@${plus(from, 7 * n)}`);
  return out;
};
const END = '2027-12-31';

// Counted by hand, not by the code under test.
// ICP/EDI licence expiring Wednesday 2027-06-30: apply at least 90 days before, later is refused.
// 2027-04-01 + 90 days = 2027-06-30 (April 29 + May 31 + June 30), so the last filing day is Thursday
// 2027-04-01, and the ladder counts back from it: 90 days before is 2027-01-01 (March 31 + February 28 +
// January 31), 60 is 2027-01-31, 30 is 2027-03-02, then 03-18, 03-25, 03-29 and 03-31.
const ICP = {
  lastFilingDay: '2027-04-01',
  stages: [
    'd-90@2027-01-01',
    'd-60@2027-01-31',
    'd-30@2027-03-02',
    'd-14@2027-03-18',
    'd-7@2027-03-25',
    'd-3@2027-03-29',
    'd-1@2027-03-31',
    'closed@2027-04-02',
    'due@2027-06-30',
    ...weekly('2027-06-30', END),
  ],
};
// Medical-device business licence expiring Thursday 2027-09-30: apply between 90 and 30 working days
// before (SAMR order 54 of 2022). 2027 has no official holiday data, so Monday to Friday: back from 30 Sep,
// 21 working days in September (1st to 29th), then 31, 30, 27, 26, 25, 24, 23, 20 and 19 August: the last
// filing day is Thursday 2027-08-19. 90 days before it is 2027-05-21 (19 + 31 + 30 + 10), 60 is 06-20,
// 30 is 07-20, then 08-05, 08-12, 08-16 and 08-18.
const DEVICE = {
  lastFilingDay: '2027-08-19',
  stages: [
    'd-90@2027-05-21',
    'd-60@2027-06-20',
    'd-30@2027-07-20',
    'd-14@2027-08-05',
    'd-7@2027-08-12',
    'd-3@2027-08-16',
    'd-1@2027-08-18',
    'closed@2027-08-20',
    'due@2027-09-30',
    ...weekly('2027-09-30', END),
  ],
};

describe('a rehearsal from 2026-09-01 to 2027-12-31, one tick a day', () => {
  it('sends every stage before each licence’s last filing day, then says the window has closed', async () => {
    const org = await t.createOrg('Act-by rehearsal');
    const post = (path: string, body: object) =>
      t.http().post(path).set('Authorization', org.bearer).send(body).expect(201);
    for (const role of ['operator', 'manager', 'executive', 'legal'])
      await post('/api/v1/contacts', contactBody({ email: `${role}@actby.example.cn`, role }));
    const mp = (
      await post(
        '/api/v1/mini-programs',
        miniProgramBody({
          name: '康宁器械商城',
          certificationExpiresOn: null,
          serviceCategories: ['医疗 > 医疗器械'],
          features: ['commercial_internet_info_service'],
          qualifications: [
            { requirementCode: 'icp_vas_licence', expiresOn: '2027-06-30' },
            { requirementCode: 'medical_device_business_licence', expiresOn: '2027-09-30' },
          ],
        }),
      )
    ).body;
    const deadlines = await outbox(
      t.databaseUrl,
      `SELECT id, requirement_code FROM deadlines WHERE mini_program_id = $1 AND kind = 'qualification_expiry'`,
      [mp.id],
    );
    const idOf = (code: string) => deadlines.find((d) => d.requirement_code === code)!.id as string;
    const licences = { [idOf('icp_vas_licence')]: ICP, [idOf('medical_device_business_licence')]: DEVICE };

    const got = new Map<string, string[]>(Object.keys(licences).map((id) => [id, []]));
    const recipients = new Map<string, string[]>();
    const subjects = new Map<string, string>();
    for (let day = '2026-09-01'; day <= END; day = plus(day, 1)) {
      const at = new Date(`${day}T01:30:00Z`); // 09:30 in Shanghai
      clock.set(at);
      sink.messages.length = 0;
      await t.app.get(TickService).tick(at, () => 0.5);
      for (const m of sink.messages) {
        const deadline = headerText(m.headers.get('x-mp-guard-deadline'));
        if (!got.has(deadline)) continue;
        const key = `${headerText(m.headers.get('x-mp-guard-stage'))}@${day}`;
        if (!recipients.has(`${deadline}|${key}`)) got.get(deadline)!.push(key);
        const to = [m.to].flat()[0]!.value[0].address!;
        recipients.set(`${deadline}|${key}`, [...(recipients.get(`${deadline}|${key}`) ?? []), to].sort());
        subjects.set(`${deadline}|${key}|${to}`, m.subject ?? '');
      }
    }

    for (const [id, licence] of Object.entries(licences)) {
      expect(got.get(id)).toEqual(licence.stages);
      // Every stage before the due date went out before the last filing day.
      const before = licence.stages.filter((s) => s.startsWith('d-')).map((s) => s.split('@')[1]);
      expect(before.every((date) => date < licence.lastFilingDay)).toBe(true);
      expect(recipients.get(`${id}|${licence.stages[0]}`)).toEqual(['operator@actby.example.cn']);
      expect(recipients.get(`${id}|${licence.stages[7]}`)).toEqual(
        ['executive', 'legal', 'manager', 'operator'].map((r) => `${r}@actby.example.cn`),
      );
    }
    // The mail says both dates and the working days left: Thursday 18 March to Thursday 1 April 2027 is
    // 18-19, 22-26, 29-31 March and 1 April: 11 working days.
    const icp = idOf('icp_vas_licence');
    expect(subjects.get(`${icp}|d-14@2027-03-18|operator@actby.example.cn`)).toBe(
      '【请于 2027-04-01 前申请·剩 11 个工作日】康宁器械商城：增值电信业务经营许可证（ICP/EDI）（2027-06-30 到期）',
    );
    // 2027-04-02 to 2027-06-30: 28 + 31 + 30 = 89 days.
    expect(subjects.get(`${icp}|closed@2027-04-02|legal@actby.example.cn`)).toBe(
      '【申请期已过·剩 89 天到期】康宁器械商城：增值电信业务经营许可证（ICP/EDI）（2027-06-30 到期）',
    );
  }, 600_000);
});
