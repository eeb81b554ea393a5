import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '../libs/common/src/clock.js';
import { TickService } from '../libs/reminders/src/tick.service.js';
import { contactBody, miniProgramBody } from './factories/registry.factory.js';
import { SmtpSink } from './support/smtp-sink.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

let t: TestApp;
let sink: SmtpSink;
let org: TestOrg;
const clock = new FixedClock(new Date('2026-11-25T02:00:00Z'));

beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await startTestApp({ clock, env: { SMTP_URL: sink.url() } });
  org = await t.createOrg('Reminder org');
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

const post = (path: string, body: object, bearer = org.bearer) =>
  t
    .http()
    .post(path)
    .set('Authorization', bearer)
    .send(body)
    .expect(201)
    .then((r) => r.body);
const tick = (iso: string) => {
  const at = new Date(iso);
  clock.set(at);
  return t.app.get(TickService).tick(at, () => 0.5);
};

describe('reminders', () => {
  it('sends the operator stage 90 days before the due date at 09:00 local, once', async () => {
    await post('/api/v1/contacts', contactBody({ email: 'op@owner.cn', role: 'operator' }));
    await post('/api/v1/contacts', contactBody({ email: 'boss@owner.cn', role: 'manager', locale: 'en' }));
    await post(
      '/api/v1/mini-programs',
      miniProgramBody({ name: '提醒测试', certificationExpiresOn: '2027-03-15' }),
    );
    // 2027-03-15 - 90 days = 2026-12-15. 08:59 local: not yet.
    expect((await tick('2026-12-15T00:59:00Z')).plan.planned).toBe(0);
    const r = await tick('2026-12-15T01:00:00Z');
    expect(r.plan.planned).toBe(1);
    expect(r.delivery.sent).toBe(1);
    expect(sink.to('op@owner.cn')).toHaveLength(1);
    expect(sink.to('boss@owner.cn')).toHaveLength(0);
    const again = await tick('2026-12-15T05:00:00Z');
    expect(again.plan.planned).toBe(0);
    expect(sink.to('op@owner.cn')).toHaveLength(1);
    const mail = sink.to('op@owner.cn')[0];
    expect(mail.subject).toContain('提醒测试');
    expect(mail.messageId).toMatch(/^<notification-[0-9a-f-]+@/);
  });
});
