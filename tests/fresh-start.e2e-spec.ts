import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { freePort } from './support/free-port.js';

const MAIN = path.resolve('dist/apps/main.js');
let home: string;

interface Running {
  child: ChildProcess;
  output: string;
  url: string;
}

/**
 * Starts the built app the way `npm start` does, in an empty folder, with no configuration at all
 * except free ports (so it cannot collide with a developer's running instance).
 */
async function start(apiPort: number, pgPort: number, smtpPort: number): Promise<Running> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: home,
    env: {
      PATH: process.env.PATH,
      PORT: String(apiPort),
      EMBEDDED_PG_PORT: String(pgPort),
      // Never the default 2525: another process's inbox there would receive this app's demo alerts.
      LOCAL_SMTP_PORT: String(smtpPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running: Running = { child, output: '', url: `http://127.0.0.1:${apiPort}` };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 120 s:\n${running.output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      running.output += chunk.toString();
      if (running.output.includes('Ready in')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${running.output}`));
    });
  });
  return running;
}

const ALERT_ZH = '【紧急】服务商「杭州快码网络科技有限公司」已停止经营';
const ALERT_EN = 'Urgent: vendor 杭州快码网络科技有限公司 has ceased';
const times = (page: string, text: string) => page.split(text).length - 1;

/**
 * The subjects of the mail the local inbox captured (its folder, DATA_DIR/inbox: the console's inbox page
 * needs a signed-in administrator), once both continuity alerts are there (the scheduler delivers within
 * seconds). Other mail may be there too: after 09:00 Shanghai time the demo's due reminders go out as well.
 */
async function capturedSubjects(): Promise<string> {
  const folder = path.join(home, '.data', 'inbox');
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.eml'));
  const mails = await Promise.all(names.map(async (n) => simpleParser(await readFile(path.join(folder, n)))));
  return mails.map((m) => m.subject ?? '').join('\n');
}

async function inboxWithAlerts(): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const page = await capturedSubjects();
    if ((page.includes(ALERT_ZH) && page.includes(ALERT_EN)) || attempt === 120) return page;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function stop(running: Running): Promise<void> {
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'mpguard-fresh-'));
  await chmod(home, 0o755);
});
afterAll(() => rm(home, { recursive: true, force: true }));

describe('fresh start with no environment', () => {
  it('starts the embedded database, seeds the demo once, prints its key, and keeps data across a restart', async () => {
    const [apiPort, pgPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
    const first = await start(apiPort, pgPort, smtpPort);
    let key: string;
    try {
      const health = await fetch(`${first.url}/health`);
      expect(health.status).toBe(200);
      expect(
        ((await health.json()) as { checks: { database: { status: string } } }).checks.database.status,
      ).toBe('up');
      const match = /(mpg_[0-9a-f]{12}_[A-Za-z0-9_-]{32})/.exec(first.output);
      expect(match).not.toBeNull();
      key = match![1]!;
      expect(first.output).toContain(`${first.url}/docs`);
      const list = await fetch(`${first.url}/api/v1/mini-programs`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { page: { total: number } }).page.total).toBe(3);
      const created = await fetch(`${first.url}/api/v1/contacts`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Kept across restarts', email: 'kept@example.cn', role: 'operator' }),
      });
      expect(created.status).toBe(201);

      // The printed one-time console link sets the demo administrator's password and opens the overview.
      const link = /(http:\/\/\S+\/console\/invitations\/\S+)/.exec(first.output)![1];
      const invitation = await fetch(link, { redirect: 'manual' });
      expect(invitation.status).toBe(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await invitation.text())![1];
      const pre = invitation.headers.getSetCookie().map((c) => c.split(';')[0]);
      const accepted = await fetch(link, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: pre.join('; '), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, name: '演示管理员', password: 'a demo password' }),
      });
      expect([accepted.status, accepted.headers.get('location')]).toEqual([303, '/console']);
      const session = accepted.headers.getSetCookie().map((c) => c.split(';')[0]);
      const overview = await fetch(`${first.url}/console`, { headers: { Cookie: session.join('; ') } });
      expect(overview.status).toBe(200);
      expect(await overview.text()).toContain('康宁互联网医院');

      // The demo's vendor ceased during the seed: its continuity alert reaches the manager and the executive.
      const inbox = await inboxWithAlerts();
      expect([times(inbox, ALERT_ZH), times(inbox, ALERT_EN)]).toEqual([1, 1]);
      const risk = (await (
        await fetch(`${first.url}/api/v1/risk`, { headers: { Authorization: `Bearer ${key}` } })
      ).json()) as { items: { name: string; factors: { code: string }[] }[] };
      expect(risk.items.map((i) => i.name)).toEqual(['康宁健康课堂', '康宁互联网医院', '康宁优选商城']);
      expect(risk.items[0].factors.map((f) => f.code)).toContain('vendor_ceased');
    } finally {
      await stop(first);
    }

    const second = await start(apiPort, pgPort, smtpPort);
    try {
      expect(second.output).not.toMatch(/mpg_[0-9a-f]{12}_/);
      const contacts = await fetch(`${second.url}/api/v1/contacts?limit=200`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(contacts.status).toBe(200);
      const names = ((await contacts.json()) as { items: { name: string }[] }).items.map((c) => c.name);
      expect(names).toContain('Kept across restarts');
      // A restart neither seeds again nor sends the alert a second time.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const inbox = await capturedSubjects();
      expect([times(inbox, ALERT_ZH), times(inbox, ALERT_EN)]).toEqual([1, 1]);
    } finally {
      await stop(second);
    }
  }, 240_000);
});
