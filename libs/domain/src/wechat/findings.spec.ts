import {
  assessAccount,
  assessIcp,
  errorFinding,
  planCertificationDate,
  whitelistAddressOf,
} from './findings.js';

describe('planCertificationDate', () => {
  it.each([
    // registry, lastApplied, wechat, expected
    [null, null, null, { action: 'keep' }],
    ['2027-03-15', null, null, { action: 'keep' }], // no window open is not expiry
    [null, null, '2027-03-15', { action: 'set', from: null, to: '2027-03-15' }],
    ['2027-03-15', null, '2027-03-15', { action: 'keep' }],
    ['2026-03-15', '2026-03-15', '2027-03-15', { action: 'set', from: '2026-03-15', to: '2027-03-15' }],
    [
      '2027-01-01',
      '2026-03-15',
      '2027-03-15',
      { action: 'disagree', registry: '2027-01-01', wechat: '2027-03-15' },
    ],
    ['2027-01-01', null, '2027-03-15', { action: 'disagree', registry: '2027-01-01', wechat: '2027-03-15' }],
  ])('registry %s, last applied %s, WeChat %s', (registry, lastApplied, wechat, expected) => {
    expect(planCertificationDate({ registry, lastApplied, wechat })).toEqual(expected);
  });
});

describe('whitelistAddressOf', () => {
  it.each([
    ['invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: 6747-1a2b', '203.0.113.7'],
    ['access clientip is not registered requestIP: 198.51.100.23 rid: 1', '198.51.100.23'],
    ['invalid ip 2001:db8::1 ipv6 2001:db8:0:0:0:0:0:1, not in whitelist', '2001:db8:0:0:0:0:0:1'],
    ['not in whitelist', null],
    ['invalid ip 999.1.1.1', null],
  ])('%s', (errmsg, address) => {
    expect(whitelistAddressOf(errmsg)).toBe(address);
  });
});

describe('errorFinding', () => {
  it.each([
    [40001, 'stable_token', 'invalid_secret'],
    [40125, 'stable_token', 'invalid_secret'],
    [40001, 'getaccountbasicinfo', 'token_expired'],
    [42001, 'getaccountbasicinfo', 'token_expired'],
    [40014, 'get_icp_entrance_info', 'token_expired'],
    [40013, 'stable_token', 'invalid_app_id'],
    [40164, 'stable_token', 'ip_not_whitelisted'],
    [61004, 'stable_token', 'ip_not_whitelisted'],
    [48001, 'get_icp_entrance_info', 'api_unauthorized'],
    [45009, 'stable_token', 'quota_exceeded'],
    [45011, 'getaccountbasicinfo', 'quota_exceeded'],
    [-1, 'getaccountbasicinfo', 'wechat_busy'],
    [47001, 'getaccountbasicinfo', 'wechat_error'],
  ] as const)('%i from %s is %s', (code, api, expected) => {
    expect(errorFinding(code, 'x', api).code).toBe(expected);
  });

  it('tells the owner which address to add to the whitelist, in both languages', () => {
    const f = errorFinding(
      40164,
      'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: x',
      'stable_token',
    );
    expect(f.details.address).toBe('203.0.113.7');
    expect(f.message['zh-CN']).toContain('IP白名单”中加入本服务器的出口地址 203.0.113.7');
    expect(f.message.en).toContain("add this server's outbound address 203.0.113.7");
  });
});

describe('assessAccount', () => {
  const base = {
    reviewStartsOn: null,
    reviewEndsOn: null,
    registry: null,
    lastApplied: null,
    previouslyQualified: null,
  };
  it('certification held before and now gone is urgent', () => {
    const a = assessAccount({ ...base, info: { qualification_verify: false }, previouslyQualified: true });
    expect(a.certificationLost).toBe(true);
    expect(a.findings.map((f) => [f.code, f.severity])).toEqual([['certification_lost', 'urgent']]);
  });
  it('never certified and nothing registered is information, not an alarm', () => {
    const a = assessAccount({ ...base, info: { qualification_verify: false } });
    expect(a.certificationLost).toBe(false);
    expect(a.findings.map((f) => f.code)).toEqual(['not_certified']);
  });
  it('a registered date counts as certification held', () => {
    expect(
      assessAccount({ ...base, info: { qualification_verify: false }, registry: '2027-01-01' })
        .certificationLost,
    ).toBe(true);
  });
  it('no review end time keeps the registered date', () => {
    const a = assessAccount({ ...base, info: { qualification_verify: true }, registry: '2027-01-01' });
    expect(a.plan).toEqual({ action: 'keep' });
    expect(a.findings.map((f) => f.code)).toEqual(['no_review_window']);
  });
  it('a hand-entered date that differs is a finding with both values', () => {
    const a = assessAccount({
      ...base,
      info: { qualification_verify: true },
      reviewStartsOn: '2026-12-15',
      reviewEndsOn: '2027-03-15',
      registry: '2027-02-01',
    });
    expect(a.findings.map((f) => f.code)).toEqual(['review_window_open', 'registry_disagrees']);
    expect(a.findings[1].details).toEqual({ registry: '2027-02-01', wechat: '2027-03-15' });
  });
});

describe('assessIcp', () => {
  it.each([
    [6, ['icp_filed']],
    [2, ['icp_in_review']],
    [4, ['icp_in_review']],
    [3, ['icp_rejected']],
    [5, ['icp_rejected']],
    [1024, ['icp_not_filed']],
    [1025, ['icp_not_filed']],
  ])('status %i', (status, codes) => {
    expect(assessIcp({ status }).map((f) => f.code)).toEqual(codes);
  });
  it('a cancellation in progress is urgent', () => {
    expect(assessIcp({ status: 6, is_canceling: true }).map((f) => f.code)).toEqual([
      'icp_filed',
      'icp_canceling',
    ]);
  });
});
