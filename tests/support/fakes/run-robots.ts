/**
 * `npm run fake:robots`: the four robot fakes of the tests on local ports, so a reader of the README can
 * watch reminders arrive (README, "Chat channels"). Never part of the app: the app only knows
 * WECOM_API_BASE_URL, DINGTALK_API_BASE_URL, FEISHU_API_BASE_URL and each webhook's own URL.
 *
 * Each fake knows one demo robot (printed below) and checks every request as the platform documents it:
 * signature, timestamp window, size and rate limit. What arrives is printed as it comes.
 */
import { FakeDingtalk } from './dingtalk.fake.js';
import { FakeFeishu } from './feishu.fake.js';
import type { RobotFake, RobotRequestSeen } from './robot-fake.js';
import { FakeWebhookReceiver } from './webhook-receiver.fake.js';
import { FakeWecom } from './wecom.fake.js';

const base = Number(process.env.FAKE_ROBOTS_PORT ?? 8790);
const demo = {
  wecomKey: 'demo-wecom-key-0001',
  dingToken: 'demodingtalktoken0001',
  dingSecret: 'SEC0123456789abcdef0123456789abcdef',
  feishuToken: 'demo-feishu-hook-0001',
  feishuSecret: 'demofeishusecret01',
  whsec: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};
const wecom = await new FakeWecom().addKey(demo.wecomKey).start(base);
const dingtalk = await new FakeDingtalk().addRobot(demo.dingToken, demo.dingSecret).start(base + 1);
const feishu = await new FakeFeishu().addBot(demo.feishuToken, demo.feishuSecret).start(base + 2);
const receiver = await new FakeWebhookReceiver().withSecret(demo.whsec).start(base + 3);

const w = (line = '') => process.stdout.write(line + '\n');
w('Fake robots are listening. Start mp-guard with:');
w(`  WECOM_API_BASE_URL=${wecom.baseUrl} DINGTALK_API_BASE_URL=${dingtalk.baseUrl} \\`);
w(
  `  FEISHU_API_BASE_URL=${feishu.baseUrl} OUTBOUND_ALLOW_CIDRS=127.0.0.1/32 CHANNEL_WEBHOOK_ALLOW_HTTP=true npm start`,
);
w(
  "and add the demo channels (the URLs are the real platforms' forms; the base URLs above redirect them here):",
);
w(`  kind=wecom    url=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${demo.wecomKey}`);
w(
  `  kind=dingtalk url=https://oapi.dingtalk.com/robot/send?access_token=${demo.dingToken}  secret=${demo.dingSecret}`,
);
w(
  `  kind=feishu   url=https://open.feishu.cn/open-apis/bot/v2/hook/${demo.feishuToken}  secret=${demo.feishuSecret}`,
);
w(`  kind=webhook  url=${receiver.url}  secret=${demo.whsec}`);
w();

const textOf = (r: RobotRequestSeen): string => {
  const b = r.body as Record<string, any> | null;
  return String(
    b?.markdown?.content ??
      b?.markdown?.text ??
      b?.card?.header?.title?.content ??
      b?.content?.text ??
      b?.data?.text ??
      r.raw,
  );
};
const watch = (name: string, fake: RobotFake) => {
  let seen = 0;
  let bad = 0;
  setInterval(() => {
    for (const r of fake.received.slice(seen)) w(`[${name}] ${new Date(r.at).toISOString()}\n${textOf(r)}\n`);
    seen = fake.received.length;
    for (const v of fake.violations.slice(bad)) w(`[${name}] REFUSED ${v}`);
    bad = fake.violations.length;
  }, 500);
};
watch('wecom', wecom);
watch('dingtalk', dingtalk);
watch('feishu', feishu);
watch('webhook', receiver);
