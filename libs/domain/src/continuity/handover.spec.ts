import { describe, expect, it } from '@jest/globals';

import { handoverInput } from './handover.fixture.js';
import { composeHandover, RECOVERY_STEPS, WITHHELD_TEXT } from './index.js';

describe('composeHandover', () => {
  it('lists vendor-held, then unknown, then owner-held assets (in register order), recovery steps for the first two', () => {
    const pack = composeHandover(handoverInput(), 'zh-CN');
    expect(pack.assets.map((a) => [a.kind, a.holder, a.recovery])).toEqual([
      ['source_code', 'vendor', RECOVERY_STEPS.source_code['zh-CN']],
      ['admin_binding', 'vendor', RECOVERY_STEPS.admin_binding['zh-CN']],
      ['servers', 'unknown', RECOVERY_STEPS.servers['zh-CN']],
      ['backups', 'owner', null],
    ]);
    expect(composeHandover(handoverInput(), 'en').assets[0].recovery).toBe(RECOVERY_STEPS.source_code.en);
  });

  it('names the asset kinds the register says nothing about', () => {
    const pack = composeHandover(handoverInput(), 'en');
    expect(pack.unrecorded).toEqual([
      'developer_accounts',
      'app_secret',
      'cloud_account',
      'domain_registrar',
      'tls_certificates',
      'payment_merchant_account',
      'payment_keys',
      'original_licences',
      'message_push_url',
    ]);
  });

  it.each<
    [string, { kind: string; subjectKey: string; dueOn: string }[], [string, string | null, number | null][]]
  >([
    [
      'the earliest live certificate deadline per domain, and watched domains the registry lacks',
      handoverInput().subjectDeadlines,
      [
        ['api.kangning.example.cn', '2027-01-10', 46],
        ['static.kangning.example.cn', null, null],
        ['pay.kangning.example.cn', '2026-12-01', 6],
      ],
    ],
    [
      'no certificate deadlines at all',
      [],
      [
        ['api.kangning.example.cn', null, null],
        ['static.kangning.example.cn', null, null],
      ],
    ],
    [
      'an overdue certificate, and a subject key of another kind ignored',
      [
        { kind: 'certificate_expiry', subjectKey: 'tls:STATIC.kangning.example.cn', dueOn: '2026-11-20' },
        { kind: 'custom', subjectKey: 'tls:api.kangning.example.cn', dueOn: '2026-12-01' },
      ],
      [
        ['api.kangning.example.cn', null, null],
        ['static.kangning.example.cn', '2026-11-20', -5],
      ],
    ],
  ])('domains: %s', (_, subjectDeadlines, expected) => {
    const pack = composeHandover(handoverInput({ subjectDeadlines }), 'zh-CN');
    expect(pack.domains.map((d) => [d.domain, d.certificateExpiresOn, d.daysLeft])).toEqual(expected);
  });

  it('orders contacts as the escalation ladder reaches them', () => {
    const pack = composeHandover(handoverInput(), 'zh-CN');
    expect(pack.ownerContacts.map((c) => c.role)).toEqual(['operator', 'manager']);
    expect(pack.vendorContacts).toEqual([
      { name: '陈工', role: 'operator', email: 'chen@vendor.example.cn' },
    ]);
  });

  it('keeps the facts, the vendor and the deadlines as given', () => {
    const input = handoverInput();
    const pack = composeHandover(input, 'zh-CN');
    expect(pack.facts).toEqual(input.miniProgram);
    expect(pack.vendor).toEqual(input.vendor);
    expect(pack.deadlines).toEqual(input.deadlines);
    expect(pack.qualifications).toEqual(input.qualifications);
    expect(pack.withheld).toBe(0);
  });

  const SECRETS = [
    '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    '3f1c0a9b2d4e5f60718293a4b5c6d7e8',
    'password: hunter2hunter2',
    'https://deploy:s3cr3t@git.vendor.example.cn/app',
    'eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0abcdefghij',
  ];

  it.each(SECRETS)('withholds %s wherever free text could carry it', (secret) => {
    const base = handoverInput();
    const pack = composeHandover(
      handoverInput({
        assets: [
          {
            kind: 'app_secret',
            holder: 'vendor',
            location: secret,
            notes: `AppSecret ${secret}`,
            lastVerifiedOn: null,
          },
        ],
        vendor: { ...base.vendor!, reason: secret, evidence: secret },
        qualifications: [{ ...base.qualifications[0], number: secret, issuer: secret }],
        ownerContacts: [{ name: secret, role: 'operator', email: 'a@example.cn' }],
        deadlines: [{ ...base.deadlines[0], requirementName: secret }],
      }),
      'en',
    );
    expect(JSON.stringify(pack)).not.toContain(secret);
    expect(pack.withheld).toBe(8);
    expect(pack.assets[0].location).toBe(WITHHELD_TEXT.en);
  });
});
