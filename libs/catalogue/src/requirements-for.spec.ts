import { describe, expect, it } from '@jest/globals';
import { getRequirement, loadCatalogue } from './catalogue.loader.js';
import { consequenceStage, localize } from './localize.js';
import { isKnownFeature, knownFeatures, normalizeCategoryPath, requirementsFor } from './requirements-for.js';

const catalogue = loadCatalogue();
const universal = ['wechat_certification_annual_review', 'mini_program_icp_filing'];
// Every owner's recurring obligations, added after the industry entries (catalogue order).
const everyOwner = ['enterprise_annual_report', 'domain_name_registration', 'tls_certificate'];

describe('requirementsFor', () => {
  it.each([
    [['医疗 > 药品信息'], ['internet_drug_info_certificate']],
    [['医疗>药品信息'], ['internet_drug_info_certificate']],
    [[' 医疗 ＞ 药品信息 '], ['internet_drug_info_certificate']],
    [
      ['医疗 > 互联网医院'],
      ['medical_institution_licence', 'internet_hospital'],
      ['internet_hospital_classified_protection', 'medical_institution_inspection'],
    ],
    [['餐饮 > 食品销售'], ['food_business_licence']],
    // Online games need a publication approval number, not the internet culture licence (since 2019).
    [['游戏 > 休闲游戏'], [], ['game_publication_approval']],
    [['游戏'], [], ['game_publication_approval']],
    [['金融业 > 支付'], ['payment_business_licence']],
    [['教育 > 培训机构'], ['private_school_licence']],
    [['文娱 > 演出'], ['internet_culture_licence']],
    // A parent category does not match its children's keys.
    [['医疗'], []],
    [['工具 > 效率'], []],
  ])('%j needs %j besides the universal ones', (categories, codes, later: string[] = []) => {
    const result = requirementsFor({ serviceCategories: categories, features: [] }, catalogue);
    const [first, ...rest] = later;
    const tail = first === 'game_publication_approval' ? [first, ...everyOwner] : [...everyOwner, ...later];
    expect(result.map((r) => r.code)).toEqual([...universal, ...codes, ...tail]);
    expect(rest.length >= 0).toBe(true);
  });

  it('explains each requirement, including the matched prefix', () => {
    const result = requirementsFor(
      {
        serviceCategories: ['游戏 > 休闲游戏', '文娱 > 演出'],
        features: ['third_party_merchants', 'wechat_pay'],
        hasVendor: true,
      },
      catalogue,
    );
    expect(result).toEqual([
      { code: 'wechat_certification_annual_review', reasons: [{ type: 'all_mini_programs' }] },
      { code: 'mini_program_icp_filing', reasons: [{ type: 'all_mini_programs' }] },
      { code: 'icp_vas_licence', reasons: [{ type: 'feature', feature: 'third_party_merchants' }] },
      { code: 'icp_annual_report', reasons: [{ type: 'implied_by', code: 'icp_vas_licence' }] },
      {
        code: 'internet_culture_licence',
        reasons: [{ type: 'service_category', category: '文娱 > 演出', matchedKey: '文娱 > 演出' }],
      },
      { code: 'wechat_pay_api_certificate', reasons: [{ type: 'feature', feature: 'wechat_pay' }] },
      { code: 'wechat_pay_platform_certificate', reasons: [{ type: 'feature', feature: 'wechat_pay' }] },
      { code: 'vendor_contract', reasons: [{ type: 'vendor' }] },
      {
        code: 'game_publication_approval',
        reasons: [{ type: 'service_category', category: '游戏 > 休闲游戏', matchedKey: '游戏' }],
      },
      { code: 'enterprise_annual_report', reasons: [{ type: 'all_mini_programs' }] },
      { code: 'domain_name_registration', reasons: [{ type: 'all_mini_programs' }] },
      { code: 'tls_certificate', reasons: [{ type: 'all_mini_programs' }] },
      { code: 'wechat_pay_public_key_migration', reasons: [{ type: 'feature', feature: 'wechat_pay' }] },
    ]);
  });

  it('ignores features the catalogue no longer knows', () => {
    const result = requirementsFor({ serviceCategories: [], features: ['retired_feature'] }, catalogue);
    expect(result.map((r) => r.code)).toEqual([...universal, ...everyOwner]);
  });
});

describe('features and category paths', () => {
  it('lists the known features for the registry to validate against', () => {
    expect(knownFeatures(catalogue).map((f) => f.code)).toEqual([
      'wechat_pay',
      'third_party_merchants',
      'commercial_internet_info_service',
    ]);
    expect(isKnownFeature(catalogue, 'wechat_pay')).toBe(true);
    expect(isKnownFeature(catalogue, 'user_content')).toBe(false);
  });

  it.each([
    ['医疗>药品信息', '医疗 > 药品信息'],
    ['  医疗  >  药品信息 ', '医疗 > 药品信息'],
    ['医疗＞药品信息', '医疗 > 药品信息'],
    ['游戏', '游戏'],
    ['a >> b', 'a > b'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeCategoryPath(input)).toBe(expected);
  });
});

describe('localize', () => {
  const review = getRequirement(catalogue, 'wechat_certification_annual_review');

  it('gives a flat view in one language', () => {
    const zh = localize(review, 'zh-CN');
    expect(zh.name).toBe('微信认证年审');
    expect(zh.documents[0]).toEqual({ id: 'business_licence', name: '营业执照', note: null });
    expect(zh.steps[0].actor).toBe('admin_binding');
    const en = localize(review, 'en');
    expect(en.name).toBe('WeChat certification annual review');
    expect(en.consequences.map((c) => c.capability)).toEqual([
      'publish_and_search',
      'sharing',
      'new_users_and_payments',
    ]);
    expect(en.consequences[1].text).toBe('30 days after expiry: the mini-program can no longer be shared');
  });
});

describe('consequenceStage tells what is lost now and next', () => {
  const review = getRequirement(catalogue, 'wechat_certification_annual_review');

  it.each([
    [-5, null, 'publish_and_search'],
    [0, 'publish_and_search', 'sharing'],
    [29, 'publish_and_search', 'sharing'],
    [30, 'sharing', 'new_users_and_payments'],
    [61, 'new_users_and_payments', null],
  ])('%d days past due: current %p, next %p', (days, current, next) => {
    const stage = consequenceStage(review, days);
    expect(stage.current?.capability ?? null).toBe(current);
    expect(stage.next?.capability ?? null).toBe(next);
  });
});
