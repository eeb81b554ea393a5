import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { CertificateWatchService } from '../libs/certificates/src/certificate-watch.service.js';
import { FixedClock } from '../libs/common/src/clock.js';
import { miniProgramBody } from './factories/registry.factory.js';
import { HostTable } from './support/host-table.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// 10:00 in Shanghai on 2026-11-25.
const NOW = new Date('2026-11-25T02:00:00Z');

/** A local listener that counts every TCP connection it accepts (TLS with a certificate, or bare TCP). */
interface Listener {
  server: Server;
  port: number;
  connections: number;
}

let dir: string;
let cert: { key: string; cert: string };
const listeners: Listener[] = [];

async function listen(host: string, port = 0, withTls = true): Promise<Listener> {
  const entry = { port: 0, connections: 0 } as Listener;
  const server = withTls ? tls.createServer(cert) : createTcpServer((socket) => socket.destroy());
  // Counted at TCP accept, before any TLS: "nothing connected" means not even a SYN was answered.
  server.on('connection', () => entry.connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  entry.server = server;
  entry.port = (server.address() as { port: number }).port;
  listeners.push(entry);
  return entry;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mpg-outbound-'));
  execFileSync('/usr/bin/openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '365',
    '-subj', '/O=Internal Only/CN=intranet.corp.internal',
    '-addext', 'subjectAltName=DNS:intranet.corp.internal',
  ], { stdio: 'pipe' }); // prettier-ignore
  cert = {
    key: readFileSync(path.join(dir, 'k.pem'), 'utf8'),
    cert: readFileSync(path.join(dir, 'c.pem'), 'utf8'),
  };
});

afterAll(async () => {
  for (const l of listeners) await new Promise((resolve) => l.server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const overrideFor = (domains: Record<string, number>) =>
  Object.entries(domains)
    .map(([domain, port]) => `${domain}=${domain}:${port}`)
    .join(',');

describe('the certificate watch reaches only public addresses', () => {
  let t: TestApp;
  let db: pg.Client;
  let v4: Listener;
  let v6: Listener;
  const D = {
    loopback: 'loopback.example-test.cn',
    mapped: 'mapped.example-test.cn',
    mappedHex: 'mapped-hex.example-test.cn',
    v6loopback: 'v6.example-test.cn',
    metadata: 'metadata.example-test.cn',
    cgnat: 'cgnat.example-test.cn',
    ula: 'ula.example-test.cn',
    documentation: 'doc.example-test.cn',
    unspecified: 'zero.example-test.cn',
    // One public and one loopback address: the whole name is refused, not the loopback one alone.
    mixed: 'mixed.example-test.cn',
  };
  const table = new HostTable({
    [D.loopback]: ['127.0.0.1'],
    [D.mapped]: ['::ffff:127.0.0.1'],
    [D.mappedHex]: ['::ffff:7f00:1'],
    [D.v6loopback]: ['::1'],
    [D.metadata]: ['169.254.169.254'],
    [D.cgnat]: ['100.64.0.1'],
    [D.ula]: ['fd00::2'],
    [D.documentation]: ['192.0.2.2'],
    [D.unspecified]: ['0.0.0.0'],
    [D.mixed]: ['93.184.216.34', '127.0.0.1'],
  });

  beforeAll(async () => {
    v4 = await listen('127.0.0.1');
    v6 = await listen('::1', 0, false);
    const ports = Object.fromEntries(
      Object.values(D).map((d) => [d, d === D.v6loopback ? v6.port : v4.port]),
    );
    // No OUTBOUND_ALLOW_CIDRS: the production default.
    t = await startTestApp({
      clock: new FixedClock(NOW),
      resolver: table,
      env: { CERT_WATCH_CONNECT_OVERRIDE: overrideFor(ports), CERT_WATCH_TIMEOUT_MS: '1500' },
    });
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('refuses every non-public address as private_address, connects to none, stores no certificate detail', async () => {
    const org = await t.createOrg('Outbound');
    await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', org.bearer)
      .send(miniProgramBody({ serverDomains: Object.values(D) }))
      .expect(201);

    const r = await t.app.get(CertificateWatchService).run(NOW, { trigger: 'on_demand' });

    expect(v4.connections).toBe(0);
    expect(v6.connections).toBe(0);
    expect(r).toMatchObject({ checked: 10, ok: 0, failed: 0, deadlines: { opened: 0 } });
    expect(r.findings.private_address).toBe(10);
    const by = Object.fromEntries(r.domains.map((d) => [d.domain, d]));
    const refusedAs: Record<string, string> = {
      [D.loopback]: '127.0.0.1 (loopback)',
      [D.mapped]: '127.0.0.1 (loopback)',
      [D.mappedHex]: '127.0.0.1 (loopback)',
      [D.v6loopback]: '::1 (loopback)',
      [D.metadata]: '169.254.169.254 (link_local)',
      [D.cgnat]: '100.64.0.1 (cgnat)',
      [D.ula]: 'fd00::2 (unique_local)',
      [D.documentation]: '192.0.2.2 (documentation)',
      [D.unspecified]: '0.0.0.0 (unspecified)',
      [D.mixed]: '127.0.0.1 (loopback)',
    };
    for (const [domain, text] of Object.entries(refusedAs)) {
      expect(by[domain]).toMatchObject({
        outcome: 'private_address',
        finding: 'private_address',
        deadlineAction: 'kept',
        notAfter: null,
      });
      expect(by[domain].error).toContain(`resolves to ${text}`);
    }
    // Each name was resolved exactly once.
    expect([...table.lookups.values()]).toEqual(Object.values(D).map(() => 1));

    const { rows } = await db.query(
      `SELECT outcome, finding, issuer, subject, names, fingerprint, not_after, chain_valid, protocol
         FROM certificate_checks WHERE organization_id = $1`,
      [org.id],
    );
    expect(rows).toHaveLength(10);
    for (const row of rows)
      expect(row).toEqual({
        outcome: 'private_address',
        finding: 'private_address',
        issuer: null,
        subject: null,
        names: null,
        fingerprint: null,
        not_after: null,
        chain_valid: null,
        protocol: null,
      });
    const listed = (
      await t
        .http()
        .get('/api/v1/certificates?finding=private_address&limit=20')
        .set('Authorization', org.bearer)
        .expect(200)
    ).body;
    expect(listed.items.map((c: any) => c.domain).sort()).toEqual(Object.values(D).sort());
    expect(JSON.stringify(listed)).not.toContain('Internal Only');
    expect(JSON.stringify(listed)).not.toContain('intranet.corp.internal');
  }, 30_000);

  it('the database refuses certificate details on a private_address check', async () => {
    const [{ id }] = (await db.query(`SELECT id FROM organizations LIMIT 1`)).rows;
    await expect(
      db.query(
        `INSERT INTO certificate_checks (organization_id, domain, checked_at, trigger, outcome, finding,
                                         subject, deadline_action)
         VALUES ($1, 'x.example-test.cn', now(), 'on_demand', 'private_address', 'private_address',
                 'CN=intranet', 'kept')`,
        [id],
      ),
    ).rejects.toThrow(/certificate_checks_refused_holds_nothing_check/);
  });
});

describe('an operator allows a network of their own; the address checked is the address dialled', () => {
  let t: TestApp;
  let allowed: Listener;
  let other: Listener;
  const rebind = 'rebind.example-test.cn';
  const second = 'loopback-two.example-test.cn';
  const silent = 'no-dns-answer.example-test.cn';
  const busy = ['a', 'b', 'c', 'd', 'e'].map((x) => `${x}.busy.example-test.cn`);
  const table = new HostTable({
    // Checked as 127.0.0.1 (allowed); any later lookup would answer 127.0.0.2 (not allowed).
    [rebind]: (nth) => (nth === 1 ? ['127.0.0.1'] : ['127.0.0.2']),
    [second]: ['127.0.0.2'],
    [silent]: 'silent',
    ...Object.fromEntries(busy.map((d) => [d, ['127.0.0.1']])),
  });
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    allowed = await listen('127.0.0.1');
    // The same port on another loopback address, outside the allowed /32.
    other = await listen('127.0.0.2', allowed.port, false);
    const ports = Object.fromEntries([rebind, second, silent, ...busy].map((d) => [d, allowed.port]));
    t = await startTestApp({
      clock,
      resolver: table,
      env: {
        CERT_WATCH_CONNECT_OVERRIDE: overrideFor(ports),
        CERT_WATCH_TIMEOUT_MS: '1500',
        OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
        CERT_WATCH_DAILY_PROBE_LIMIT: '3',
      },
    });
  }, 60_000);
  afterAll(() => t?.close());

  it('connects to the allowed address it checked, never looks the name up again, refuses the rest of 127/8', async () => {
    const org = await t.createOrg('On premises');
    await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', org.bearer)
      .send(miniProgramBody({ serverDomains: [rebind, second] }))
      .expect(201);
    const r = await t.app
      .get(CertificateWatchService)
      .run(NOW, { trigger: 'on_demand', organizationId: org.id });
    const by = Object.fromEntries(r.domains.map((d) => [d.domain, d]));
    // The self-signed internal certificate was seen (an allowed network), through 127.0.0.1 only.
    expect(by[rebind]).toMatchObject({ outcome: 'certificate', finding: 'wrong_name' });
    expect(by[second]).toMatchObject({ outcome: 'private_address' });
    expect(by[second].error).toContain('resolves to 127.0.0.2 (loopback)');
    expect(allowed.connections).toBe(1);
    expect(other.connections).toBe(0);
    expect(table.lookups.get(rebind)).toBe(1);
  }, 30_000);

  it('a resolver that never answers is a timeout within the probe limit, and nothing is contacted', async () => {
    const org = await t.createOrg('Dead DNS');
    await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', org.bearer)
      .send(miniProgramBody({ serverDomains: [silent] }))
      .expect(201);
    const before = allowed.connections;
    const r = await t.app
      .get(CertificateWatchService)
      .run(NOW, { trigger: 'on_demand', organizationId: org.id });
    expect(r.domains).toMatchObject([{ domain: silent, outcome: 'timeout', finding: 'timeout' }]);
    expect(r.domains[0].error).toContain('no address for');
    expect(allowed.connections).toBe(before);
  }, 30_000);

  it('stops at the daily probe limit, says so in the API, and checks the skipped domains first the next day', async () => {
    const org = await t.createOrg('Fifty thousand domains');
    await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', org.bearer)
      .send(miniProgramBody({ serverDomains: busy }))
      .expect(201);
    const watch = t.app.get(CertificateWatchService);
    const before = allowed.connections;

    const first = await watch.run(NOW, { trigger: 'on_demand', organizationId: org.id });
    expect(first.checked).toBe(3);
    expect(first.limited).toEqual([{ organizationId: org.id, day: '2026-11-25', limit: 3, skipped: 2 }]);
    expect(allowed.connections - before).toBe(3);
    const checkedFirst = first.domains.map((d) => d.domain);
    expect(checkedFirst).toEqual(busy.slice(0, 3));

    const again = await watch.run(NOW, { trigger: 'on_demand', organizationId: org.id });
    expect(again.checked).toBe(0);
    expect(again.limited[0]).toMatchObject({ skipped: 5 });
    expect(allowed.connections - before).toBe(3);
    const budget = (
      await t.http().get('/api/v1/certificates/probe-budget').set('Authorization', org.bearer).expect(200)
    ).body;
    expect(budget).toEqual({
      day: '2026-11-25',
      limit: 3,
      probes: 3,
      skipped: 5,
      limitReachedAt: NOW.toISOString(),
    });

    // The next local day: a fresh budget, the two never checked go first.
    const tomorrow = new Date('2026-11-26T02:00:00Z');
    clock.set(tomorrow);
    const next = await watch.run(tomorrow, { trigger: 'on_demand', organizationId: org.id });
    expect(next.domains.map((d) => d.domain)).toEqual([busy[0], busy[3], busy[4]]);
    expect(
      (await t.http().get('/api/v1/certificates/probe-budget').set('Authorization', org.bearer).expect(200))
        .body,
    ).toMatchObject({ day: '2026-11-26', probes: 3, skipped: 2 });
  }, 30_000);
});
