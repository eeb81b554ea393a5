import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { CertificateWatchService } from '../libs/certificates/src/certificate-watch.service.js';
import { FixedClock } from '../libs/common/src/clock.js';
import { PlannerService } from '../libs/reminders/src/planner.service.js';
import { miniProgramBody, vendorBody } from './factories/registry.factory.js';
import { freePort } from './support/free-port.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';
import { TestPki } from './support/test-pki.js';

// 10:00 in Shanghai: the organization's local date is 2026-11-25.
const NOW = new Date('2026-11-25T02:00:00Z');
const clock = new FixedClock(NOW);

const D = {
  valid: 'valid.example-test.cn',
  near: 'near.example-test.cn',
  expired: 'expired.example-test.cn',
  wrong: 'wrong.example-test.cn',
  untrusted: 'untrusted.example-test.cn',
  closed: 'closed.example-test.cn',
  silent: 'silent.example-test.cn',
  // Mapped to the local server but registered by no mini-program: the watch must never connect to it.
  stray: 'stray.example-test.cn',
};

let pki: TestPki;
let tlsServer: tls.Server;
let validServer: tls.Server;
let silentServer: TcpServer;
const silentSockets: Socket[] = [];
const served = new Map<string, tls.SecureContext>();
/** Every SNI name the local TLS server was asked for. */
const asked: string[] = [];
let t: TestApp;
let org: TestOrg;
let db: pg.Client;
let overrides: string;
let watch: CertificateWatchService;

const serve = (domain: string, pair: { key: string; cert: string }) =>
  served.set(domain, tls.createSecureContext(pair));

beforeAll(async () => {
  pki = new TestPki();
  serve(D.valid, pki.leaf([D.valid], '20260101000000Z', '20270630120000Z'));
  serve(D.near, pki.leaf([D.near], '20260901000000Z', '20261205010000Z'));
  serve(D.expired, pki.leaf([D.expired], '20260801000000Z', '20261120000000Z'));
  serve(D.wrong, pki.leaf(['other.example-test.cn'], '20260101000000Z', '20270301000000Z'));
  serve(D.untrusted, pki.selfSigned(D.untrusted));
  serve(D.stray, pki.leaf([D.stray], '20260101000000Z', '20270301000000Z'));

  const fallback = pki.leaf(['fallback.example-test.cn'], '20260101000000Z', '20270101000000Z');
  const tlsServerFor = () =>
    tls.createServer({
      ...fallback,
      SNICallback: (name, cb) => {
        asked.push(name);
        cb(null, served.get(name));
      },
    });
  tlsServer = tlsServerFor();
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  // The valid domain has a server of its own, so that it can go away.
  validServer = tlsServerFor();
  await new Promise<void>((resolve) => validServer.listen(0, '127.0.0.1', resolve));
  // Accepts the connection and never answers the ClientHello.
  silentServer = createTcpServer((socket) => silentSockets.push(socket));
  await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
  const tlsPort = (tlsServer.address() as { port: number }).port;
  const silentPort = (silentServer.address() as { port: number }).port;
  const closedPort = await freePort();
  overrides = [
    ...[D.near, D.expired, D.wrong, D.untrusted, D.stray].map((d) => `${d}=127.0.0.1:${tlsPort}`),
    `${D.valid}=127.0.0.1:${(validServer.address() as { port: number }).port}`,
    `${D.closed}=127.0.0.1:${closedPort}`,
    `${D.silent}=127.0.0.1:${silentPort}`,
  ].join(',');

  t = await startTestApp({
    clock,
    env: {
      CERT_WATCH_CONNECT_OVERRIDE: overrides,
      CERT_WATCH_EXTRA_CA_FILE: pki.caFile,
      // Long enough that a handshake on a loaded machine is never taken for a timeout (three racing runs).
      CERT_WATCH_TIMEOUT_MS: '5000',
      // The local servers are on loopback, which the watch refuses unless an operator allows it.
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
    },
  });
  org = await t.createOrg('Certificates');
  watch = t.app.get(CertificateWatchService);
  db = new pg.Client({ connectionString: t.databaseUrl });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await db?.end();
  await t?.close();
  for (const s of silentSockets) s.destroy();
  await new Promise((resolve) => silentServer?.close(resolve));
  await new Promise((resolve) => tlsServer?.close(resolve));
  if (validServer?.listening) await new Promise((resolve) => validServer.close(resolve));
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

const api = {
  post: (p: string, body: object) => t.http().post(p).set('Authorization', org.bearer).send(body),
  patch: (p: string, body: object) => t.http().patch(p).set('Authorization', org.bearer).send(body),
  get: (p: string) => t.http().get(p).set('Authorization', org.bearer),
};

interface Row {
  subject_key: string;
  cycle_key: string;
  due_on: string;
  state: string;
  completed_by: string | null;
  completion_note: string | null;
  mini_program_id: string | null;
}
const certDeadlines = async (): Promise<Row[]> =>
  (
    await db.query<Row>(
      `SELECT subject_key, cycle_key, due_on::text AS due_on, state, completed_by, completion_note, mini_program_id
         FROM deadlines WHERE organization_id = $1 AND kind = 'certificate_expiry' ORDER BY subject_key, created_at`,
      [org.id],
    )
  ).rows;
const live = async (domain: string) =>
  (await certDeadlines()).filter(
    (d) => d.subject_key === `tls:${domain}` && ['open', 'acknowledged', 'snoozed'].includes(d.state),
  );

let shopId: string;
let appId: string;

describe('certificate watch', () => {
  it('checks every registered domain once, records each finding and opens one deadline per certificate seen', async () => {
    const vendor = (await api.post('/api/v1/vendors', vendorBody()).expect(201)).body;
    shopId = (
      await api
        .post(
          '/api/v1/mini-programs',
          miniProgramBody({
            serverDomains: [D.valid, D.near, D.expired, D.wrong],
            vendorId: vendor.id,
          }),
        )
        .expect(201)
    ).body.id;
    appId = (
      await api
        .post(
          '/api/v1/mini-programs',
          miniProgramBody({
            // D.valid is shared: still one check and one deadline.
            serverDomains: [D.valid, D.untrusted, D.closed, D.silent],
          }),
        )
        .expect(201)
    ).body.id;

    const r = await watch.run(clock.now(), { trigger: 'on_demand' });
    const by = Object.fromEntries(r.domains.map((d) => [d.domain, d]));
    expect(Object.keys(by).sort()).toEqual(
      [D.closed, D.expired, D.near, D.silent, D.untrusted, D.valid, D.wrong].sort(),
    );
    expect(by[D.valid]).toMatchObject({ finding: null, dueOn: '2027-06-30', deadlineAction: 'opened' });
    expect(by[D.near]).toMatchObject({
      finding: null,
      dueOn: '2026-12-05',
      daysLeft: 10,
      deadlineAction: 'opened',
    });
    expect(by[D.expired]).toMatchObject({
      finding: 'expired',
      dueOn: '2026-11-20',
      daysLeft: -5,
      deadlineAction: 'opened',
    });
    expect(by[D.wrong]).toMatchObject({
      finding: 'wrong_name',
      dueOn: '2027-03-01',
      deadlineAction: 'opened',
    });
    expect(by[D.untrusted]).toMatchObject({ finding: 'chain_invalid', deadlineAction: 'opened' });
    expect(by[D.closed]).toMatchObject({
      outcome: 'unreachable',
      finding: 'unreachable',
      deadlineAction: 'kept',
      dueOn: null,
    });
    expect(by[D.silent]).toMatchObject({
      outcome: 'timeout',
      finding: 'timeout',
      deadlineAction: 'kept',
      dueOn: null,
    });
    expect(r).toMatchObject({
      checked: 7,
      ok: 2,
      failed: 0,
      deadlines: { opened: 5, renewed: 0, cancelled: 0 },
    });
    expect(r.findings).toMatchObject({
      expired: 1,
      wrong_name: 1,
      chain_invalid: 1,
      unreachable: 1,
      timeout: 1,
      tls_error: 0,
    });

    // Only registered domains were asked for, each once; the mapped but unregistered one never.
    expect([...asked].sort()).toEqual([D.expired, D.near, D.untrusted, D.valid, D.wrong].sort());
    expect(asked).not.toContain(D.stray);

    const rows = await certDeadlines();
    expect(rows.map((d) => [d.subject_key, d.due_on, d.state])).toEqual([
      [`tls:${D.expired}`, '2026-11-20', 'open'],
      [`tls:${D.near}`, '2026-12-05', 'open'],
      [`tls:${D.untrusted}`, by[D.untrusted].dueOn, 'open'],
      [`tls:${D.valid}`, '2027-06-30', 'open'],
      [`tls:${D.wrong}`, '2027-03-01', 'open'],
    ]);
    // The shared domain belongs to the mini-program registered first.
    expect(rows.find((d) => d.subject_key === `tls:${D.valid}`)?.mini_program_id).toBe(shopId);
  }, 30_000);

  it('shows the findings through the API, per mini-program and organization-wide', async () => {
    const mine = (await api.get(`/api/v1/mini-programs/${appId}/certificates`).expect(200)).body;
    expect(mine.map((c: any) => [c.domain, c.finding])).toEqual([
      [D.closed, 'unreachable'],
      [D.silent, 'timeout'],
      [D.untrusted, 'chain_invalid'],
      [D.valid, null],
    ]);
    const valid = mine.find((c: any) => c.domain === D.valid);
    expect(valid).toMatchObject({
      chainValid: true,
      names: [D.valid],
      issuer: expect.stringContaining('CN=mp-guard Test CA'),
      notAfter: '2027-06-30T12:00:00.000Z',
      miniProgramIds: [shopId, appId],
      deadline: { dueOn: '2027-06-30', state: 'open' },
    });
    expect(mine.find((c: any) => c.domain === D.untrusted)).toMatchObject({ chainValid: false });

    const expired = (await api.get('/api/v1/certificates?finding=expired').expect(200)).body;
    expect(expired.items.map((c: any) => c.domain)).toEqual([D.expired]);
    const any = (await api.get('/api/v1/certificates?finding=any&limit=2').expect(200)).body;
    expect(any.page).toMatchObject({ total: 5, next: '/api/v1/certificates?finding=any&limit=2&offset=2' });
    const ok = (await api.get('/api/v1/certificates?finding=ok').expect(200)).body;
    expect(ok.items.map((c: any) => c.domain)).toEqual([D.near, D.valid]);
    await api.get('/api/v1/certificates?finding=bogus').expect(400);
    const stranger = await t.createOrg('Stranger');
    await t
      .http()
      .get(`/api/v1/mini-programs/${appId}/certificates`)
      .set('Authorization', stranger.bearer)
      .expect(404);
    expect(
      (await t.http().get('/api/v1/certificates').set('Authorization', stranger.bearer).expect(200)).body
        .items,
    ).toEqual([]);
  });

  it('plans reminders for the near-expiry certificate on the certificate ladder', async () => {
    await t.app.get(PlannerService).plan(NOW);
    const { rows } = await db.query<{ subject_key: string; stage: string }>(
      `SELECT d.subject_key, n.stage FROM notifications n JOIN deadlines d ON d.id = n.deadline_id
        WHERE d.organization_id = $1 AND d.kind = 'certificate_expiry' AND n.kind = 'reminder' ORDER BY d.subject_key`,
      [org.id],
    );
    const stages = Object.fromEntries(rows.map((r) => [r.subject_key, r.stage]));
    // 10 days left: the 14-day stage. Far-off certificates get nothing yet; the expired one is overdue.
    expect(stages[`tls:${D.near}`]).toMatch(/^d-14/);
    expect(stages[`tls:${D.valid}`]).toBeUndefined();
    expect(stages[`tls:${D.expired}`]).toMatch(/^overdue/);
  });

  it('a second check of the same certificates changes nothing', async () => {
    const before = await certDeadlines();
    const r = await watch.run(clock.now(), { trigger: 'on_demand' });
    expect(r.deadlines).toEqual({ opened: 0, renewed: 0, cancelled: 0 });
    expect(
      r.domains
        .filter((d) => d.deadlineAction === 'unchanged')
        .map((d) => d.domain)
        .sort(),
    ).toEqual([D.expired, D.near, D.untrusted, D.valid, D.wrong].sort());
    expect(await certDeadlines()).toEqual(before);
  }, 30_000);

  it('a renewed certificate completes the old cycle and opens the next, due on the new expiry in Shanghai', async () => {
    serve(D.near, pki.leaf([D.near], '20261120000000Z', '20270131163000Z'));
    const r = await watch.run(clock.now(), { trigger: 'on_demand' });
    expect(r.domains.find((d) => d.domain === D.near)).toMatchObject({
      deadlineAction: 'renewed',
      notAfter: '2027-01-31T16:30:00.000Z',
      dueOn: '2027-02-01',
    });
    const near = (await certDeadlines()).filter((d) => d.subject_key === `tls:${D.near}`);
    expect(near.map((d) => [d.due_on, d.state, d.completed_by])).toEqual([
      ['2026-12-05', 'completed', 'certificate-watch'],
      ['2027-02-01', 'open', null],
    ]);
    expect(near[0].completion_note).toContain('2027-01-31T16:30:00.000Z');
  }, 30_000);

  it('an unreachable host keeps the deadline it had', async () => {
    // The valid domain's server goes away: its deadline stays exactly as it was.
    const before = await live(D.valid);
    await new Promise((resolve) => validServer.close(resolve));
    const r = await watch.run(clock.now(), { trigger: 'on_demand' });
    const check = r.domains.find((d) => d.domain === D.valid)!;
    expect(check).toMatchObject({ outcome: 'unreachable', finding: 'unreachable', deadlineAction: 'kept' });
    expect(await live(D.valid)).toEqual(before);
    expect(before).toHaveLength(1);
  }, 30_000);

  it('removing a domain cancels its live cycle on the next run; the registry sync leaves certificate deadlines alone', async () => {
    // An edit of the mini-program runs the deadline sync: the certificate deadlines survive it.
    await api
      .patch(`/api/v1/mini-programs/${shopId}`, { serverDomains: [D.valid, D.near, D.expired] })
      .expect(200);
    expect(await live(D.wrong)).toHaveLength(1);
    expect(await live(D.near)).toHaveLength(1);
    const r = await watch.run(clock.now(), { trigger: 'on_demand' });
    expect(r.deadlines.cancelled).toBe(1);
    expect(await live(D.wrong)).toEqual([]);
    expect((await certDeadlines()).find((d) => d.subject_key === `tls:${D.wrong}`)?.state).toBe('cancelled');
    expect(r.domains.map((d) => d.domain)).not.toContain(D.wrong);
    expect(await live(D.expired)).toHaveLength(1);
  }, 30_000);

  it('a domain registered again reopens the cycle of the certificate it still presents, not a second one', async () => {
    const cancelled = (await certDeadlines()).filter((d) => d.subject_key === `tls:${D.wrong}`);
    await api
      .patch(`/api/v1/mini-programs/${appId}`, {
        serverDomains: [D.valid, D.untrusted, D.closed, D.silent, D.wrong],
      })
      .expect(200);
    const r = await watch.run(clock.now(), { trigger: 'on_demand' });
    expect(r.domains.find((d) => d.domain === D.wrong)).toMatchObject({ deadlineAction: 'opened' });
    const rows = (await certDeadlines()).filter((d) => d.subject_key === `tls:${D.wrong}`);
    expect(rows.map((d) => [d.cycle_key, d.state, d.mini_program_id])).toEqual([
      [cancelled[0].cycle_key, 'open', appId],
    ]);
  }, 30_000);

  it('the daily run checks each domain once per local day and skips before CERT_WATCH_HOUR', async () => {
    const early = new Date('2026-11-26T18:30:00Z'); // 02:30 on the 27th in Shanghai: before 03:00
    expect((await watch.run(early, { trigger: 'scheduled' })).domains).toEqual([]);
    const later = new Date('2026-11-26T20:00:00Z'); // 04:00 on the 27th
    const first = await watch.run(later, { trigger: 'scheduled', organizationId: org.id });
    expect(first.domains.length).toBeGreaterThan(0);
    const again = await watch.run(new Date('2026-11-26T23:00:00Z'), {
      trigger: 'scheduled',
      organizationId: org.id,
    });
    expect(again).toMatchObject({ ran: true, checked: 0, domains: [] });
  }, 30_000);

  it('cli certs check prints one line per domain and a summary, exit code 0 with findings', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['dist/apps/cli/main.js', 'certs', 'check', '--org', org.id, '--at', '2026-11-25T10:00:00+08:00'],
      {
        env: {
          ...process.env,
          DATABASE_URL: t.databaseUrl,
          LOG_LEVEL: 'silent',
          CERT_WATCH_CONNECT_OVERRIDE: overrides,
          CERT_WATCH_EXTRA_CA_FILE: pki.caFile,
          CERT_WATCH_TIMEOUT_MS: '5000',
          OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
        },
        timeout: 60_000,
      },
    );
    const lines = stdout.trim().split('\n');
    expect(lines.find((l) => l.startsWith(D.expired))).toMatch(
      /expired .*due 2026-11-20 \(-5 days\)\s+deadline unchanged/,
    );
    expect(lines.find((l) => l.startsWith(D.closed))).toMatch(/unreachable .*deadline kept/);
    expect(lines.at(-1)).toMatch(
      /checked 7 domains: ok 1, findings expired 1, wrong_name 1, chain_invalid 1, unreachable 2, timeout 1; deadlines opened 0, renewed 0, cancelled 0/,
    );
  }, 60_000);
  it('two processes at once: one daily run, and one renewal however many runs race over it', async () => {
    const day = new Date('2026-11-27T20:00:00Z'); // 04:00 on the 28th in Shanghai, a day not checked yet
    const daily = await Promise.all([
      watch.run(day, { trigger: 'scheduled', organizationId: org.id }),
      watch.run(day, { trigger: 'scheduled', organizationId: org.id }),
    ]);
    expect(daily.map((r) => r.ran).sort()).toEqual([false, true]);
    expect(daily.find((r) => r.ran)!.checked).toBe(7);

    serve(D.near, pki.leaf([D.near], '20261125000000Z', '20270331000000Z'));
    const racing = await Promise.all([1, 2, 3].map(() => watch.run(clock.now(), { trigger: 'on_demand' })));
    const actions = racing.map((r) => r.domains.find((d) => d.domain === D.near)!.deadlineAction).sort();
    expect(actions).toEqual(['renewed', 'unchanged', 'unchanged']);
    expect(racing.map((r) => r.failed)).toEqual([0, 0, 0]);
    const near = (await certDeadlines()).filter((d) => d.subject_key === `tls:${D.near}`);
    expect(near.map((d) => [d.due_on, d.state])).toEqual([
      ['2026-12-05', 'completed'],
      ['2027-02-01', 'completed'],
      ['2027-03-31', 'open'],
    ]);
  }, 60_000);
});
