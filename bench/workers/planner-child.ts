// The planner in a process of its own, so its peak RSS is the planner's alone: boots the Nest context once,
// then runs one tick per 'tick' message and answers with the time and the peak RSS of that tick.
import { createContext } from '../../apps/bootstrap.js';
import { FixedClock } from '../../libs/common/src/clock.js';
import { loadConfig } from '../../libs/config/src/app-config.js';
import { PlannerService } from '../../libs/reminders/src/planner.service.js';
import { resetPeakRss, rssOf } from '../support/processes.js';

const url = process.env.DATABASE_URL!;
const now = new Date(process.env.BENCH_NOW!);
const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', NODE_ENV: 'production' });
const app = await createContext({ config, databaseUrl: url, clock: new FixedClock(now) });
const planner = app.get(PlannerService);

process.on('message', (m: { type: string }) => {
  if (m.type === 'exit') {
    void app.close().then(() => process.disconnect());
    return;
  }
  void (async () => {
    globalThis.gc?.();
    const before = rssOf(process.pid).rss;
    resetPeakRss(process.pid);
    const started = performance.now();
    const result = await planner.plan(now);
    const ms = performance.now() - started;
    const { peak } = rssOf(process.pid);
    process.send!({ type: 'done', ms, result, rssBefore: before, peakRss: peak });
  })();
});
process.send!({ type: 'ready' });
