/**
 * `npm run fake:wechat`: the fake WeChat API of the tests on a local port, to try the whole path by hand
 * (see README, "WeChat sync"). Never part of the app: the app only knows WECHAT_API_BASE_URL.
 *
 * It serves one mini-program per FAKE_WECHAT_APPS entry (`appid:secret`, comma-separated; default
 * wx0123456789abcdef:0123456789abcdef0123456789abcdef), certified, with a review window that opens today
 * and ends in 60 days, and filed (status 6).
 */
import { FakeWechatApi } from './wechat-api.fake.js';

const port = Number(process.env.FAKE_WECHAT_PORT ?? 8787);
const apps = (process.env.FAKE_WECHAT_APPS ?? 'wx0123456789abcdef:0123456789abcdef0123456789abcdef')
  .split(',')
  .map((pair) => pair.split(':'));
const fake = new FakeWechatApi();
const nowSeconds = Math.floor(Date.now() / 1000);
for (const [appId, secret] of apps) {
  fake.add({
    appId,
    secret,
    nickname: `fake ${appId}`,
    wxVerifyInfo: {
      qualification_verify: true,
      naming_verify: true,
      annual_review: true,
      annual_review_begin_time: nowSeconds,
      annual_review_end_time: nowSeconds + 60 * 86_400,
    },
    icp: { status: 6, is_canceling: false, available: 1 },
  });
}
await fake.start(port);
process.stdout.write(`fake WeChat API on ${fake.baseUrl}: set WECHAT_API_BASE_URL=${fake.baseUrl}\n`);
for (const [appId, secret] of apps) process.stdout.write(`  ${appId}  AppSecret ${secret}\n`);
setInterval(() => {
  if (fake.requests.length) {
    for (const r of fake.requests.splice(0)) process.stdout.write(`  ${r.method} ${r.path}\n`);
  }
}, 500);
