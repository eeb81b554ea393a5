import { describe, expect, it } from '@jest/globals';
import {
  type ContinuityAlertInput,
  renderContinuityAlert,
  type RiskInput,
  riskScore,
  secretLikeContent,
} from './index.js';

const owner = (kind: RiskInput['assets'][number]['kind'], lastVerifiedOn: string | null = '2026-10-01') => ({
  kind,
  holder: 'owner' as const,
  lastVerifiedOn,
});
const vendor = (kind: RiskInput['assets'][number]['kind']) => ({
  kind,
  holder: 'vendor' as const,
  lastVerifiedOn: '2026-10-01',
});
const base: RiskInput = {
  today: '2026-11-25',
  vendor: { status: 'active', contractEndsOn: '2027-12-31' },
  assets: [
    owner('admin_binding'),
    owner('source_code'),
    owner('app_secret'),
    owner('servers'),
    owner('cloud_account'),
    owner('domain_registrar'),
  ],
  qualificationOriginals: ['owner'],
  usesWechatPay: false,
  nearestDeadlineDays: 120,
};

describe('continuity risk score', () => {
  it.each<[string, Partial<RiskInput>, Record<string, number>, number]>([
    ['an owner holding everything', {}, {}, 0],
    [
      'admin binding with the vendor',
      { assets: [vendor('admin_binding'), owner('source_code'), owner('app_secret'), owner('servers')] },
      { admin_binding_not_owner: 25 },
      25,
    ],
    [
      'a ceased vendor holding code and keys, contract ending, review in 10 days',
      {
        vendor: { status: 'ceased', contractEndsOn: '2027-01-31' },
        assets: [
          vendor('admin_binding'),
          vendor('source_code'),
          vendor('app_secret'),
          vendor('servers'),
          vendor('payment_keys'),
        ],
        usesWechatPay: true,
        qualificationOriginals: ['vendor', 'vendor', 'vendor'],
        nearestDeadlineDays: 10,
      },
      // 30 + 25 + 20 + 10 + 10 + 10 + min(10, 15) + 10 + 15 = 140, capped at 100
      {
        vendor_ceased: 30,
        admin_binding_not_owner: 25,
        no_source_copy: 20,
        app_secret_not_owner: 10,
        infrastructure_not_owner: 10,
        payment_keys_not_owner: 10,
        qualification_original_with_vendor: 10,
        contract_ends_soon: 10,
        deadline_close_vendor_unavailable: 15,
      },
      100,
    ],
    [
      'an unresponsive vendor, nothing recorded, deadline far',
      { vendor: { status: 'unresponsive', contractEndsOn: null }, assets: [], nearestDeadlineDays: 200 },
      {
        vendor_unresponsive: 20,
        admin_binding_not_owner: 25,
        no_source_copy: 20,
        app_secret_not_owner: 10,
        infrastructure_not_owner: 10,
      },
      85,
    ],
    [
      'custody last verified over 180 days ago',
      { assets: base.assets.map((a) => ({ ...a, lastVerifiedOn: '2026-05-01' })) },
      { custody_unverified: 5 },
      5,
    ],
    ['no vendor at all, contract rule does not apply', { vendor: null }, {}, 0],
  ])('scores %s factor by factor', (_name, override, factors, score) => {
    const result = riskScore({ ...base, ...override });
    expect(Object.fromEntries(result.factors.map((f) => [f.code, f.points]))).toEqual(factors);
    expect(result.score).toBe(score);
    for (const f of result.factors) expect(f.action.en.length).toBeGreaterThan(10);
  });
});

describe('secret-looking content', () => {
  it.each([
    '-----BEGIN PRIVATE KEY-----\nMIIE',
    'AppSecret 3f1c0a9b2d4e5f60718293a4b5c6d7e8',
    'token=abc123',
    'password: hunter2',
    'git clone https://deploy:s3cr3t@git.example.cn/app.git',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9eyJzdWIiOiIxMjM0NTY3ODkwIn0',
  ])('refuses %j', (text) => {
    expect(secretLikeContent(text)).toMatch(/^must not contain secrets/);
  });

  it.each([
    '阿里云 华南1 账号归 服务商',
    'https://git.example.cn/kangning/app',
    '腾讯云 COS 每日备份，保留 30 天',
    'wx3f8a1c2d4e5b6a70 的管理员',
  ])('accepts %j', (text) => {
    expect(secretLikeContent(text)).toBeNull();
  });
});

describe('continuity alert', () => {
  const input: ContinuityAlertInput = {
    organizationName: '康宁健康集团',
    vendor: { name: '杭州快码网络科技有限公司', status: 'ceased', reason: '公司已注销' },
    miniPrograms: [
      {
        name: '康宁健康课堂',
        appId: 'wx0a1b2c3d4e5f6789',
        heldByVendor: ['admin_binding', 'app_secret'],
        originalsWithVendor: ['民办学校办学许可证'],
        nextDeadlines: [
          { title: '微信认证年审', dueOn: '2026-11-20' },
          { title: '民办学校办学许可证', dueOn: '2026-11-25' },
          { title: 'ICP 年报', dueOn: '2027-03-31' },
        ],
      },
    ],
    today: '2026-11-25',
  };

  it.each<[ContinuityAlertInput['vendor']['status'], 'zh-CN' | 'en', string, string[]]>([
    [
      'ceased',
      'zh-CN',
      '【紧急】服务商「杭州快码网络科技有限公司」已停止经营：1 个小程序需要您接手',
      [
        '- 2026-11-20 已逾期：微信认证年审',
        '- 2026-11-25 到期：民办学校办学许可证',
        '- 2027-03-31 到期：ICP 年报',
      ],
    ],
    [
      'unresponsive',
      'en',
      'Urgent: vendor 杭州快码网络科技有限公司 is not answering: 1 mini-program(s) need you',
      [
        '- overdue since 2026-11-20: 微信认证年审',
        '- due 2026-11-25: 民办学校办学许可证',
        '- due 2027-03-31: ICP 年报',
      ],
    ],
  ])(
    'a %s vendor in %s: subject, and deadlines before today written as overdue',
    (status, locale, subject, deadlineLines) => {
      const mail = renderContinuityAlert({ ...input, vendor: { ...input.vendor, status } }, locale);
      expect(mail.subject).toBe(subject);
      const lines = mail.text.split('\n');
      expect(lines.filter((l) => /^- (\d|due|overdue)/.test(l))).toEqual(deadlineLines);
    },
  );

  it('lists recovery steps only for what the vendor holds, then the replacement vendor', () => {
    const text = renderContinuityAlert(input, 'en').text;
    const steps = text.split('== Recovery steps ==\n')[1].split('\n');
    expect(steps.map((l) => l.split(':')[0])).toEqual([
      '- admin binding',
      '- AppSecret',
      '- Find a replacement vendor and hand them the handover checklist.',
    ]);
  });
});
