import { rmSync } from 'node:fs';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FixedClock } from '../libs/common/src/clock.js';
import { DomainRegistrationService } from '../libs/domains/src/domain-registration.service.js';
import { miniProgramBody } from './factories/registry.factory.js';
import { FakeRdapServer } from './support/fakes/rdap.fake.js';
import { HostTable } from './support/host-table.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';
import { TestPki } from './support/test-pki.js';

// 10:00 in Shanghai on 2026-12-01.
const NOW = new Date('2026-12-01T02:00:00Z');

/** Names no real DNS answers: only the resolver seam knows them, so a second, system lookup would fail. */
const GOOD = 'rdap.tls-registry.test';
const WRONG_NAME = 'rdap.wrong-name.test';
const UNTRUSTED = 'rdap.self-signed.test';

/**
 * The RDAP client over https against a real local TLS server: certificates from a CA made for this run
 * (openssl), trusted through RDAP_EXTRA_CA_FILE and nothing else. Each registry name resolves (through the
 * seam) to 127.0.0.1, which OUTBOUND_ALLOW_CIDRS admits.
 */
describe('domain registration expiry over RDAP, over https', () => {
  const fake = new FakeRdapServer('/rdap/');
  const clock = new FixedClock(NOW);
  const resolver = new HostTable({
    [GOOD]: ['127.0.0.1'],
    [WRONG_NAME]: ['127.0.0.1'],
    [UNTRUSTED]: ['127.0.0.1'],
  });
  let pki: TestPki;
  let t: TestApp;
  let db: pg.Client;
  let service: DomainRegistrationService;

  beforeAll(async () => {
    pki = new TestPki();
    const contexts = new Map([
      [GOOD, tls.createSecureContext(pki.leaf([GOOD], '20260101000000Z', '20271231000000Z'))],
      // Signed by the trusted CA, but for another name.
      [
        WRONG_NAME,
        tls.createSecureContext(pki.leaf(['rdap.other.test'], '20260101000000Z', '20271231000000Z')),
      ],
      // The right name, but no trusted issuer.
      [UNTRUSTED, tls.createSecureContext(pki.selfSigned(UNTRUSTED))],
    ]);
    const port = await fake.start('127.0.0.1', {
      ...pki.leaf(['fallback.tls-registry.test'], '20260101000000Z', '20271231000000Z'),
      SNICallback: (name, cb) => cb(null, contexts.get(name)),
    });
    t = await startTestApp({
      clock,
      resolver,
      env: {
        RDAP_BASE_URL: [
          `com=https://${GOOD}:${port}/rdap/`,
          `net=https://${WRONG_NAME}:${port}/rdap/`,
          `org=https://${UNTRUSTED}:${port}/rdap/`,
        ].join(','),
        RDAP_EXTRA_CA_FILE: pki.caFile,
        OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
        RDAP_TIMEOUT_MS: '5000',
      },
    });
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    service = t.app.get(DomainRegistrationService);
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await t?.close();
    await fake.stop();
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  async function register(org: TestOrg, serverDomains: string[]): Promise<void> {
    await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', org.bearer)
      .send(miniProgramBody({ serverDomains }))
      .expect(201);
  }

  const stored = async (orgId: string) =>
    (
      await db.query<{ number: string; expires_on: string; expiry_source: string; issuer: string }>(
        `SELECT number, expires_on::text, expiry_source, issuer FROM qualifications
          WHERE organization_id = $1 AND requirement_code = 'domain_name_registration' ORDER BY number`,
        [orgId],
      )
    ).rows;

  const checks = async (orgId: string) =>
    (
      await db.query<{ domain: string; outcome: string; error: string | null; expires_at: Date | null }>(
        `SELECT domain, outcome, error, expires_at FROM domain_registration_checks WHERE organization_id = $1
          ORDER BY domain`,
        [orgId],
      )
    ).rows;

  it('connects to the admitted address with the registry name as SNI, verifies the certificate and reads the expiry', async () => {
    const org = await t.createOrg('RDAP over https');
    // 16:00 UTC on 30 June is 00:00 on 1 July in Shanghai: due 2027-07-01.
    fake.domains.set('kangning-tls.com', {
      expiresAt: '2027-06-30T16:00:00Z',
      registrar: 'Xin Net Technology',
    });
    await register(org, ['api.kangning-tls.com']);
    const lookupsBefore = resolver.lookups.get(GOOD) ?? 0;
    const connectionsBefore = fake.tlsConnections.length;

    const r = await service.run(NOW, { trigger: 'on_demand', organizationId: org.id });

    expect(r.checks).toEqual([
      expect.objectContaining({
        domain: 'kangning-tls.com',
        outcome: 'expiry',
        server: `https://${GOOD}:${fake.port}`,
        expiresAt: '2027-06-30T16:00:00.000Z',
        expiresOn: '2027-07-01',
        registrar: 'Xin Net Technology',
        action: 'created',
      }),
    ]);
    // One TLS connection, at the address the guard admitted, asking for the registry's own name.
    expect(fake.tlsConnections.slice(connectionsBefore)).toEqual([
      { servername: GOOD, localAddress: '127.0.0.1' },
    ]);
    // The name was resolved once, by the guard; the connection did not look it up again.
    expect(resolver.lookups.get(GOOD)).toBe(lookupsBefore + 1);
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/rdap/domain/kangning-tls.com',
      accept: 'application/rdap+json',
      host: `${GOOD}:${fake.port}`,
    });
    expect(await stored(org.id)).toEqual([
      {
        number: 'kangning-tls.com',
        expires_on: '2027-07-01',
        expiry_source: 'rdap',
        issuer: 'Xin Net Technology',
      },
    ]);
  });

  it.each([
    [
      'a certificate for another name',
      WRONG_NAME,
      'net',
      /^https:.*: TLS: Hostname\/IP does not match certificate's altnames/,
    ],
    ['a certificate from no trusted CA', UNTRUSTED, 'org', /^https:.*: TLS: self[- ]signed certificate/],
  ])('%s is refused: a finding, and nothing is stored', async (_, server, tld, finding) => {
    const org = await t.createOrg(`RDAP ${tld} over https`);
    const domain = `kangning-tls.${tld}`;
    fake.domains.set(domain, { expiresAt: '2027-06-30T16:00:00Z' });
    await register(org, [`api.${domain}`]);
    const requestsBefore = fake.requests.length;
    const connectionsBefore = fake.tlsConnections.length;

    const r = await service.run(NOW, { trigger: 'on_demand', organizationId: org.id });

    expect(r.checks).toEqual([
      expect.objectContaining({
        domain,
        outcome: 'unavailable',
        server: `https://${server}:${fake.port}`,
        expiresOn: null,
        action: 'none',
      }),
    ]);
    expect(r.checks[0].message).toMatch(finding);
    // The handshake never completed, so no request was sent and no answer read.
    expect(fake.tlsConnections.length).toBe(connectionsBefore);
    expect(fake.requests.length).toBe(requestsBefore);
    expect(await stored(org.id)).toEqual([]);
    expect(await checks(org.id)).toEqual([
      { domain, outcome: 'unavailable', error: expect.stringMatching(finding), expires_at: null },
    ]);
    const api = await t
      .http()
      .get('/api/v1/domain-registrations')
      .set('Authorization', org.bearer)
      .expect(200);
    expect(JSON.stringify(api.body)).toMatch(/TLS: /);
  });
});
