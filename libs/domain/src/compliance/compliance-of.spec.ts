import { describe, expect, it } from '@jest/globals';
import { loadCatalogue } from '../../../catalogue/src/index.js';
import { complianceOf, type HeldQualification } from './compliance-of.js';

const catalogue = loadCatalogue();
const TODAY = '2026-11-25';

describe('complianceOf', () => {
  it('shows what is valid, expiring, expired and missing', () => {
    const qualifications: HeldQualification[] = [
      { id: 'q1', requirementCode: 'medical_institution_licence', expiresOn: '2026-11-20' },
      { id: 'q2', requirementCode: 'wechat_pay_api_certificate', expiresOn: '2030-05-01' },
      { id: 'q3', requirementCode: 'wechat_pay_platform_certificate', expiresOn: '2027-02-01' },
      { id: 'q4', requirementCode: 'food_business_licence', expiresOn: '2026-12-01' },
    ];
    const items = complianceOf(
      {
        serviceCategories: ['医疗 > 互联网医院'],
        features: ['wechat_pay'],
        certificationExpiresOn: '2027-01-10',
        hasVendor: true,
      },
      qualifications,
      catalogue,
      TODAY,
    );
    expect(
      items.map((i) => [i.requirementCode, i.state, i.qualificationId ?? null, i.expiresOn ?? null]),
    ).toEqual([
      ['wechat_certification_annual_review', 'expiring', null, '2027-01-10'],
      ['mini_program_icp_filing', 'missing', null, null],
      ['medical_institution_licence', 'expired', 'q1', '2026-11-20'],
      ['internet_hospital', 'missing', null, null],
      ['wechat_pay_api_certificate', 'valid', 'q2', '2030-05-01'],
      ['wechat_pay_platform_certificate', 'expiring', 'q3', '2027-02-01'],
      // Implied by the internet hospital and the institution's licence; the yearly report, the domain, the
      // probed TLS certificate and the one-time WeChat Pay key move are deadlines, not holdings.
      ['internet_hospital_classified_protection', 'missing', null, null],
      ['medical_institution_inspection', 'missing', null, null],
    ]);
    expect(items[3].reason).toEqual({
      type: 'service_category',
      category: '医疗 > 互联网医院',
      matchedKey: '医疗 > 互联网医院',
    });
  });

  it.each([
    ['2027-02-23', 'expiring'],
    ['2027-02-24', 'valid'],
    ['2026-11-25', 'expiring'],
    ['2026-11-24', 'expired'],
  ])('a certification expiring %s is %s with the default 90 days', (expiresOn, state) => {
    const [review] = complianceOf(
      { serviceCategories: [], features: [], certificationExpiresOn: expiresOn },
      [],
      catalogue,
      TODAY,
    );
    expect(review.state).toBe(state);
  });

  it('honours a custom expiring threshold', () => {
    const [review] = complianceOf(
      { serviceCategories: [], features: [], certificationExpiresOn: '2027-01-10' },
      [],
      catalogue,
      TODAY,
      30,
    );
    expect(review.state).toBe('valid');
  });

  it('counts the longest-lasting of several qualifications for one requirement', () => {
    const items = complianceOf(
      { serviceCategories: ['文娱 > 演出'], features: [], certificationExpiresOn: null },
      [
        { id: 'old', requirementCode: 'internet_culture_licence', expiresOn: '2026-10-01' },
        { id: 'new', requirementCode: 'internet_culture_licence', expiresOn: '2029-10-01' },
      ],
      catalogue,
      TODAY,
    );
    expect(items.find((i) => i.requirementCode === 'internet_culture_licence')).toMatchObject({
      state: 'valid',
      qualificationId: 'new',
    });
  });

  it('an uncertified mini-program misses its certification; a filing number satisfies the ICP filing', () => {
    const items = complianceOf(
      {
        serviceCategories: [],
        features: [],
        certificationExpiresOn: null,
        icpFilingNumber: '粤ICP备2024000001号-1X',
      },
      [],
      catalogue,
      TODAY,
    );
    expect(items.map((i) => [i.requirementCode, i.state])).toEqual([
      ['wechat_certification_annual_review', 'missing'],
      ['mini_program_icp_filing', 'valid'],
    ]);
  });

  it('leaves yearly reports and vendor contracts to the deadlines', () => {
    const items = complianceOf(
      {
        serviceCategories: [],
        features: ['third_party_merchants'],
        certificationExpiresOn: '2027-06-01',
        hasVendor: true,
      },
      [{ id: 'q1', requirementCode: 'icp_vas_licence', expiresOn: '2029-01-01' }],
      catalogue,
      TODAY,
    );
    expect(items.map((i) => [i.requirementCode, i.state])).toEqual([
      ['wechat_certification_annual_review', 'valid'],
      ['mini_program_icp_filing', 'missing'],
      ['icp_vas_licence', 'valid'],
    ]);
  });
});
