import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FixedClock } from '../libs/common/src/clock.js';
import { DomainRegistrationService } from '../libs/domains/src/domain-registration.service.js';
import { miniProgramBody } from './factories/registry.factory.js';
import { FakeRdapServer } from './support/fakes/rdap.fake.js';
import { HostTable } from './support/host-table.js';
import { startTestApp, type TestApp, type TestOrg } from './support/test-app.js';

// 10:00 in Shanghai on 2026-12-01.
const NOW = new Date('2026-12-01T02:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);

const REGISTRY = 'rdap.fake-registry.test';
/** Resolves to 127.0.0.2: loopback, not in OUTBOUND_ALLOW_CIDRS (127.0.0.1/32). */
const INTERNAL = 'rdap.internal-registry.test';

describe('domain registration expiry over RDAP', () => {
  const fake = new FakeRdapServer('/rdap/');
  const clock = new FixedClock(NOW);
  let t: TestApp;
  let db: pg.Client;
  let service: DomainRegistrationService;

  beforeAll(async () => {
    const port = await fake.start('127.0.0.1');
    t = await startTestApp({
      clock,
      resolver: new HostTable({ [REGISTRY]: ['127.0.0.1'], [INTERNAL]: ['127.0.0.2'] }),
      env: {
        RDAP_BASE_URL: `com=http://${REGISTRY}:${port}/rdap/,net=http://${INTERNAL}:${port}/rdap/`,
        OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
        RDAP_RETRY_MINUTES: '30',
        RDAP_TIMEOUT_MS: '3000',
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
  });

  async function register(org: TestOrg, body: Record<string, unknown>): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', org.bearer)
      .send(miniProgramBody(body))
      .expect(201);
    return (res.body as { id: string }).id;
  }

  const registrationDeadlines = async (orgId: string) =>
    (
      await db.query<{
        due_on: string;
        window_opens_on: string;
        apply_by: string;
        act_by: string;
        state: string;
        kind: string;
      }>(
        `SELECT due_on::text, window_opens_on::text, apply_by::text, act_by::text, state, kind FROM deadlines
          WHERE organization_id = $1 AND requirement_code = 'domain_name_registration' ORDER BY due_on`,
        [orgId],
      )
    ).rows;

  const registrations = async (orgId: string) =>
    (
      await db.query<{
        number: string;
        expires_on: string | null;
        expiry_source: string;
        issuer: string | null;
      }>(
        `SELECT number, expires_on::text, expiry_source, issuer FROM qualifications
          WHERE organization_id = $1 AND requirement_code = 'domain_name_registration' ORDER BY number`,
        [orgId],
      )
    ).rows;

  it('reads the expiry once per registrable domain and opens its deadline; a renewal at the registrar opens the next cycle', async () => {
    const org = await t.createOrg('RDAP reads');
    // 17:00 UTC on 28 February is 01:00 on 1 March in Shanghai: the deadline is due 2027-03-01.
    fake.domains.set('kangning-rdap.com', {
      expiresAt: '2027-02-28T17:00:00Z',
      registrar: 'Alibaba Cloud Computing',
    });
    await register(org, { serverDomains: ['api.kangning-rdap.com', 'img.kangning-rdap.com'] });

    const r = await service.run(NOW, { trigger: 'on_demand', organizationId: org.id });

    expect(fake.hits('kangning-rdap.com')).toBe(1);
    const req = fake.requests.find((q) => q.path === '/rdap/domain/kangning-rdap.com')!;
    expect(req).toMatchObject({ method: 'GET', accept: 'application/rdap+json' });
    expect(req.host).toBe(`${REGISTRY}:${fake.port}`);
    expect(r.checks).toEqual([
      expect.objectContaining({
        domain: 'kangning-rdap.com',
        outcome: 'expiry',
        expiresAt: '2027-02-28T17:00:00.000Z',
        expiresOn: '2027-03-01',
        registrar: 'Alibaba Cloud Computing',
        action: 'created',
      }),
    ]);
    expect(await registrations(org.id)).toEqual([
      {
        number: 'kangning-rdap.com',
        expires_on: '2027-03-01',
        expiry_source: 'rdap',
        issuer: 'Alibaba Cloud Computing',
      },
    ]);
    // Catalogue: window opens 90 days before, apply by 30 days before. By hand: 2027-03-01 − 90 days =
    // 2026-12-01 (Dec 31 + Jan 31 + Feb 28 = 90); − 30 days = 2027-01-30, a Saturday (2027-01-01 is a
    // Friday), so the last day to act is the Friday before, 2027-01-29.
    expect(await registrationDeadlines(org.id)).toEqual([
      {
        due_on: '2027-03-01',
        window_opens_on: '2026-12-01',
        apply_by: '2027-01-30',
        act_by: '2027-01-29',
        state: 'open',
        kind: 'qualification_expiry',
      },
    ]);

    // A second on-demand run with nothing new: asked again, nothing changes.
    const again = await service.run(at(60_000), { trigger: 'on_demand', organizationId: org.id });
    expect(again.checks[0]).toMatchObject({ action: 'unchanged' });
    // The scheduled run does not ask a domain read less than RDAP_REFRESH_DAYS (7) ago.
    const scheduled = await service.run(at(6 * 86_400_000), { trigger: 'scheduled', organizationId: org.id });
    expect(scheduled.checks).toEqual([]);
    expect(fake.hits('kangning-rdap.com')).toBe(2);

    // Renewed for a year at the registrar: the record follows RDAP and the deadline cycle renews.
    fake.domains.set('kangning-rdap.com', {
      expiresAt: '2028-02-28T17:00:00Z',
      registrar: 'Alibaba Cloud Computing',
    });
    const renewed = await service.run(at(8 * 86_400_000), { trigger: 'scheduled', organizationId: org.id });
    expect(renewed.checks[0]).toMatchObject({ expiresOn: '2028-02-29', action: 'updated' });
    expect((await registrations(org.id))[0]).toMatchObject({
      expires_on: '2028-02-29',
      expiry_source: 'rdap',
    });
    expect((await registrationDeadlines(org.id)).map((d) => [d.due_on, d.state])).toEqual([
      ['2027-03-01', 'completed'],
      ['2028-02-29', 'open'],
    ]);
  });

  it('keeps a date the owner entered and says that RDAP disagrees', async () => {
    const org = await t.createOrg('RDAP owner date');
    fake.domains.set('owner-rdap.com', { expiresAt: '2027-06-01T00:00:00Z' });
    await register(org, {
      serverDomains: ['api.owner-rdap.com'],
      qualifications: [
        { requirementCode: 'domain_name_registration', number: 'owner-rdap.com', expiresOn: '2027-05-10' },
      ],
    });

    const r = await service.run(NOW, { trigger: 'on_demand', organizationId: org.id });

    expect(r.checks[0]).toMatchObject({ expiresOn: '2027-06-01', action: 'kept_owner_date' });
    expect(r.checks[0].message).toBe(
      'RDAP says owner-rdap.com expires on 2027-06-01; the date entered by hand, 2027-05-10, is kept: correct it if RDAP is right',
    );
    expect(await registrations(org.id)).toEqual([
      { number: 'owner-rdap.com', expires_on: '2027-05-10', expiry_source: 'owner', issuer: null },
    ]);
    expect((await registrationDeadlines(org.id)).map((d) => d.due_on)).toEqual(['2027-05-10']);
    const audit = await db.query(
      `SELECT after FROM audit_events WHERE organization_id = $1 AND action = 'qualification.expiry_differs'`,
      [org.id],
    );
    expect(audit.rows).toEqual([{ after: { rdapExpiresOn: '2027-06-01', kept: 'owner date' } }]);
    const listed = await t
      .http()
      .get('/api/v1/domain-registrations')
      .set('Authorization', org.bearer)
      .expect(200);
    expect(listed.body).toMatchObject({
      items: [
        {
          domain: 'owner-rdap.com',
          outcome: 'expiry',
          action: 'kept_owner_date',
          finding: r.checks[0].message,
        },
      ],
    });
  });

  it('404: invents no deadline and shows the finding (to this organization only)', async () => {
    const org = await t.createOrg('RDAP 404');
    const other = await t.createOrg('RDAP other');
    await register(org, { serverDomains: ['api.never-registered.com'] });

    const r = await service.run(NOW, { trigger: 'on_demand', organizationId: org.id });

    expect(fake.hits('never-registered.com')).toBe(1);
    expect(r.checks[0]).toMatchObject({ outcome: 'not_found', action: 'none', retryAfter: null });
    expect(await registrations(org.id)).toEqual([]);
    expect(await registrationDeadlines(org.id)).toEqual([]);
    const listed = await t
      .http()
      .get('/api/v1/domain-registrations')
      .set('Authorization', org.bearer)
      .expect(200);
    expect(listed.body).toEqual({
      items: [
        expect.objectContaining({
          domain: 'never-registered.com',
          outcome: 'not_found',
          finding: `http://${REGISTRY}:${fake.port} has no registration for never-registered.com (404): check the domain's spelling and registry; no deadline was made`,
        }),
      ],
    });
    const theirs = await t
      .http()
      .get('/api/v1/domain-registrations')
      .set('Authorization', other.bearer)
      .expect(200);
    expect(theirs.body).toEqual({ items: [] });
  });

  it('429: writes nothing but the check, waits its Retry-After, then reads', async () => {
    const org = await t.createOrg('RDAP 429');
    fake.domains.set('busy-rdap.com', {
      expiresAt: '2027-04-30T16:00:00Z',
      mode: { type: 'rate_limited', retryAfter: 120 },
    });
    await register(org, { serverDomains: ['api.busy-rdap.com'] });

    const first = await service.run(NOW, { trigger: 'on_demand', organizationId: org.id });
    expect(first.checks[0]).toMatchObject({
      outcome: 'rate_limited',
      action: 'none',
      retryAfter: '2026-12-01T02:02:00.000Z',
    });
    expect(await registrations(org.id)).toEqual([]);
    expect(await registrationDeadlines(org.id)).toEqual([]);

    fake.domains.get('busy-rdap.com')!.mode = { type: 'ok' };
    // Before Retry-After is over, not even an operator's run asks again.
    expect((await service.run(at(119_000), { trigger: 'on_demand', organizationId: org.id })).checks).toEqual(
      [],
    );
    expect(fake.hits('busy-rdap.com')).toBe(1);

    const later = await service.run(at(120_000), { trigger: 'scheduled', organizationId: org.id });
    expect(later.checks[0]).toMatchObject({ outcome: 'expiry', expiresOn: '2027-05-01', action: 'created' });
    expect(fake.hits('busy-rdap.com')).toBe(2);
    expect((await registrationDeadlines(org.id)).map((d) => d.due_on)).toEqual(['2027-05-01']);
  });

  it('5xx: writes nothing but the check and is asked again after RDAP_RETRY_MINUTES', async () => {
    const org = await t.createOrg('RDAP 503');
    fake.domains.set('down-rdap.com', {
      expiresAt: '2027-08-15T00:00:00Z',
      mode: { type: 'error', status: 503 },
    });
    await register(org, { serverDomains: ['www.down-rdap.com'] });

    const first = await service.run(NOW, { trigger: 'scheduled', organizationId: org.id });
    expect(first.checks[0]).toMatchObject({
      outcome: 'unavailable',
      action: 'none',
      retryAfter: '2026-12-01T02:30:00.000Z',
    });
    expect(first.checks[0].message).toContain('HTTP 503');
    expect(await registrations(org.id)).toEqual([]);

    fake.domains.get('down-rdap.com')!.mode = { type: 'ok' };
    expect(
      (await service.run(at(29 * 60_000), { trigger: 'scheduled', organizationId: org.id })).checks,
    ).toEqual([]);
    const later = await service.run(at(30 * 60_000), { trigger: 'scheduled', organizationId: org.id });
    expect(later.checks[0]).toMatchObject({ outcome: 'expiry', expiresOn: '2027-08-15', action: 'created' });
    expect(fake.hits('down-rdap.com')).toBe(2);
  });

  it('refuses an RDAP server on a private address not in OUTBOUND_ALLOW_CIDRS: nothing is sent', async () => {
    const org = await t.createOrg('RDAP private');
    fake.domains.set('internal-rdap.net', { expiresAt: '2027-01-01T00:00:00Z' });
    await register(org, { serverDomains: ['api.internal-rdap.net'] });

    const r = await service.run(NOW, { trigger: 'on_demand', organizationId: org.id });

    expect(fake.hits('internal-rdap.net')).toBe(0);
    expect(r.checks[0]).toMatchObject({ outcome: 'refused', action: 'none' });
    expect(r.checks[0].message).toBe(
      `${INTERNAL} resolves to 127.0.0.2 (loopback), not a public address; OUTBOUND_ALLOW_CIDRS does not allow it`,
    );
    expect(await registrations(org.id)).toEqual([]);
  });

  it('a TLD without an RDAP server is a finding, and .com.cn is registered at three labels', async () => {
    const org = await t.createOrg('RDAP no server');
    await register(org, { serverDomains: ['api.shop.kangning-rdap.com.cn'] });
    const r = await service.run(NOW, { trigger: 'on_demand', organizationId: org.id });
    expect(r.checks).toEqual([
      expect.objectContaining({
        domain: 'kangning-rdap.com.cn',
        outcome: 'no_server',
        message: 'no RDAP server for .cn: set RDAP_BASE_URL',
      }),
    ]);
  });
});

describe('the daily RDAP budget of an organization', () => {
  const fake = new FakeRdapServer('/rdap/');
  let t: TestApp;

  beforeAll(async () => {
    const port = await fake.start('127.0.0.1');
    t = await startTestApp({
      clock: new FixedClock(NOW),
      resolver: new HostTable({ [REGISTRY]: ['127.0.0.1'] }),
      env: {
        RDAP_BASE_URL: `http://${REGISTRY}:${port}/rdap/`,
        OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
        RDAP_DAILY_QUERY_LIMIT: '2',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  it('asks at most RDAP_DAILY_QUERY_LIMIT domains per local day and the rest the next day', async () => {
    const org = await t.createOrg('RDAP budget');
    for (const name of ['a-budget.com', 'b-budget.com', 'c-budget.com'])
      fake.domains.set(name, { expiresAt: '2027-09-01T00:00:00Z' });
    await t
      .http()
      .post('/api/v1/mini-programs')
      .set('Authorization', org.bearer)
      .send(miniProgramBody({ serverDomains: ['api.a-budget.com', 'api.b-budget.com', 'api.c-budget.com'] }))
      .expect(201);
    const service = t.app.get(DomainRegistrationService);

    const first = await service.run(NOW, { trigger: 'on_demand', organizationId: org.id });
    expect(first.checks.map((c) => c.domain)).toEqual(['a-budget.com', 'b-budget.com']);
    expect(first.limited).toEqual([{ organizationId: org.id, day: '2026-12-01', limit: 2, skipped: 1 }]);
    // Later the same local day (23:59 in Shanghai): nothing left in the budget.
    const later = await service.run(new Date('2026-12-01T15:59:00Z'), {
      trigger: 'on_demand',
      organizationId: org.id,
    });
    expect(later.checks).toEqual([]);
    expect(fake.requests).toHaveLength(2);
    // The next local day (00:00 in Shanghai): the domain never asked goes first.
    const next = await service.run(new Date('2026-12-01T16:00:00Z'), {
      trigger: 'scheduled',
      organizationId: org.id,
    });
    expect(next.checks.map((c) => c.domain)).toEqual(['c-budget.com']);
  });
});
