import { describe, expect, it } from '@jest/globals';
import { validateLadder } from '../reminders/ladder.js';
import {
  CERTIFICATE_LADDER,
  certificateCycle,
  evaluateCertificate,
  type PresentedCertificate,
  type ProbeResult,
} from './evaluate-certificate.js';
import { certificateCovers, certificateNames } from './certificate-names.js';

const NOW = new Date('2026-11-25T02:00:00Z'); // 2026-11-25 10:00 in Shanghai
const TZ = 'Asia/Shanghai';

const cert = (over: Partial<PresentedCertificate> = {}): ProbeResult => ({
  outcome: 'certificate',
  certificate: {
    notBefore: new Date('2026-10-01T00:00:00Z'),
    notAfter: new Date('2027-06-30T12:00:00Z'),
    issuer: 'CN=Test CA',
    subject: 'CN=api.example.cn',
    names: ['api.example.cn'],
    fingerprint: 'AA:BB',
    chainValid: true,
    chainError: null,
    protocol: 'TLSv1.3',
    ...over,
  },
});

describe('evaluateCertificate', () => {
  it.each<[string, ProbeResult, string[], number | null, string | null]>([
    ['valid, far from expiry', cert(), [], 217, '2027-06-30'],
    [
      'near expiry: no finding, the deadline is close',
      cert({ notAfter: new Date('2026-12-05T02:00:00Z') }),
      [],
      10,
      '2026-12-05',
    ],
    [
      'expired yesterday: overdue deadline',
      cert({ notAfter: new Date('2026-11-24T01:00:00Z') }),
      ['expired'],
      -1,
      '2026-11-24',
    ],
    ['expires this very instant', cert({ notAfter: NOW }), ['expired'], 0, '2026-11-25'],
    ['wrong name', cert({ names: ['www.other.cn'] }), ['wrong_name'], 217, '2027-06-30'],
    ['wildcard covers one label', cert({ names: ['*.example.cn'] }), [], 217, '2027-06-30'],
    [
      'untrusted chain',
      cert({ chainValid: false, chainError: 'SELF_SIGNED_CERT_IN_CHAIN' }),
      ['chain_invalid'],
      217,
      '2027-06-30',
    ],
    [
      'expired, wrong name and untrusted: most severe first',
      cert({ notAfter: new Date('2026-01-01T00:00:00Z'), names: ['x.cn'], chainValid: false }),
      ['expired', 'wrong_name', 'chain_invalid'],
      -328,
      '2026-01-01',
    ],
    [
      'unreachable keeps the deadline',
      { outcome: 'unreachable', error: 'ECONNREFUSED' },
      ['unreachable'],
      null,
      null,
    ],
    [
      'timeout keeps the deadline',
      { outcome: 'timeout', error: 'no handshake within 10000 ms' },
      ['timeout'],
      null,
      null,
    ],
    [
      'handshake failure keeps the deadline',
      { outcome: 'tls_error', error: 'EPROTO' },
      ['tls_error'],
      null,
      null,
    ],
  ])('%s', (_name, probe, findings, daysLeft, dueDate) => {
    const r = evaluateCertificate(probe, 'api.example.cn', NOW, TZ);
    expect(r.findings).toEqual(findings);
    expect(r.finding).toBe(findings[0] ?? null);
    expect(r.daysLeft).toBe(daysLeft);
    expect(r.cycle?.dueDate ?? null).toBe(dueDate);
  });
});

describe('certificateCycle', () => {
  it.each([
    // 00:30 on 1 February in Shanghai: due that local day, not the UTC one.
    ['2027-01-31T16:30:00Z', 'Asia/Shanghai', '2027-02-01'],
    ['2027-01-31T15:59:59Z', 'Asia/Shanghai', '2027-01-31'],
    ['2027-01-31T16:30:00Z', 'UTC', '2027-01-31'],
    ['2027-02-01T03:00:00Z', 'America/Los_Angeles', '2027-01-31'],
  ])('notAfter %s in %s is due %s', (notAfter, tz, due) => {
    expect(certificateCycle('api.example.cn', new Date(notAfter), tz, 'en').dueDate).toBe(due);
  });

  it('keys the cycle by the notAfter instant and the obligation by the domain', () => {
    const c = certificateCycle('api.example.cn', new Date('2027-01-31T16:30:00Z'), TZ, 'zh-CN');
    expect(c).toMatchObject({
      kind: 'certificate_expiry',
      subjectKey: 'tls:api.example.cn',
      cycleKey: '2027-01-31T16:30:00.000Z',
      windowOpensOn: '2027-01-02',
      applyBy: '2027-01-25',
      requirementCode: null,
      title: 'api.example.cn 的 TLS 证书',
    });
    // 2027-01-25 is a Monday, a working day: act by the apply-by date itself.
    expect(c.actBy).toBe('2027-01-25');
  });
});

describe('certificateCovers', () => {
  it.each<[string[], string, boolean]>([
    [['api.example.cn'], 'api.example.cn', true],
    [['API.Example.CN'], 'api.example.cn', true],
    [['api.example.cn.'], 'api.example.cn', true],
    [['www.example.cn'], 'api.example.cn', false],
    [['*.example.cn'], 'api.example.cn', true],
    [['*.example.cn'], 'a.b.example.cn', false],
    [['*.example.cn'], 'example.cn', false],
    [['example.cn', '*.example.cn'], 'example.cn', true],
    [['a*.example.cn'], 'api.example.cn', false],
    [['*.cn'], 'example.cn', false],
    [['*.*.example.cn'], 'a.b.example.cn', false],
    [[], 'api.example.cn', false],
  ])('%j covers %s: %s', (names, host, covered) => {
    expect(certificateCovers(names, host)).toBe(covered);
  });
});

describe('certificateNames', () => {
  it.each<[string | undefined, string | undefined, string[]]>([
    ['DNS:api.example.cn, DNS:*.example.cn', 'ignored.cn', ['api.example.cn', '*.example.cn']],
    ['IP Address:10.0.0.1, DNS:api.example.cn', undefined, ['api.example.cn']],
    ['IP Address:10.0.0.1', 'legacy.example.cn', ['legacy.example.cn']],
    [undefined, 'legacy.example.cn', ['legacy.example.cn']],
    [undefined, undefined, []],
  ])('alt names %j, CN %j', (san, cn, names) => {
    expect(certificateNames(san, cn)).toEqual(names);
  });
});

describe('CERTIFICATE_LADDER', () => {
  it('is a valid ladder', () => {
    expect(validateLadder(CERTIFICATE_LADDER).problems).toEqual([]);
  });
});
