import { describe, expect, it } from '@jest/globals';
import { getRequirement, loadCatalogue, type Requirement } from '../../../catalogue/src/index.js';
import { checklistFor, consequenceFor } from './checklist.js';

const catalogue = loadCatalogue();
const annualReview = getRequirement(catalogue, 'wechat_certification_annual_review');

describe('checklistFor', () => {
  it('groups the annual review steps by who can do them, in Chinese', () => {
    const checklist = checklistFor(annualReview, 'zh-CN');
    expect(checklist.documents[0]).toBe('营业执照');
    expect(checklist.documents).toHaveLength(5);
    expect(checklist.ownerSteps).toEqual([
      '填写账号名称、发票信息和联系电话，上传营业执照并完成主体身份核验',
      '支付 300 元审核费（每次提交收费，不退还；政府机构免费）',
    ]);
    expect(checklist.adminBindingSteps).toEqual([
      '管理员扫码登录微信公众平台，进入 设置 > 基本信息 > 微信认证，发起年审',
    ]);
    // third_party and wechat steps both wait on someone outside the organization.
    expect(checklist.thirdPartySteps).toHaveLength(2);
    expect(checklist.vendorSteps).toEqual([]);
  });

  it('puts vendor steps in their own group and speaks English', () => {
    const checklist = checklistFor(getRequirement(catalogue, 'wechat_pay_api_certificate'), 'en');
    expect(checklist.vendorSteps.length).toBeGreaterThan(0);
    expect(checklist.ownerSteps.length).toBeGreaterThan(0);
    expect([...checklist.documents, ...checklist.ownerSteps].join(' ')).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('adds a document note in brackets', () => {
    const requirement: Requirement = {
      ...annualReview,
      documents: [
        {
          id: 'licence',
          name: { 'zh-CN': '营业执照', en: 'Business licence' },
          note: { 'zh-CN': '副本', en: 'copy' },
        },
      ],
    };
    expect(checklistFor(requirement, 'zh-CN').documents).toEqual(['营业执照（副本）']);
    expect(checklistFor(requirement, 'en').documents).toEqual(['Business licence (copy)']);
  });
});

describe('consequenceFor the annual review (lost at 0, 30 and 60 days past due)', () => {
  it.each([
    [-30, 'publish_and_search', false],
    [0, 'publish_and_search', false],
    [1, 'sharing', false],
    [30, 'sharing', false],
    [31, 'new_users_and_payments', false],
    [60, 'new_users_and_payments', false],
    [61, 'new_users_and_payments', true],
  ])('%d days overdue: %s next (already lost: %p)', (days, capability, alreadyLost) => {
    const consequence = consequenceFor(annualReview, days, 'en');
    expect(consequence?.capability).toBe(capability);
    expect(consequence?.alreadyLost).toBe(alreadyLost);
  });

  it('is localized', () => {
    expect(consequenceFor(annualReview, 10, 'zh-CN')?.text).toBe('到期 30 天后：小程序无法再被分享');
  });
});
