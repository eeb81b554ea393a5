import { randomBytes } from 'node:crypto';

let serial = 0;

export function appId(): string {
  return `wx${randomBytes(8).toString('hex')}`;
}

/**
 * Unified social credit codes as published on the entities' business licences and in public registries
 * (the same ones libs/domain's credit-code spec accepts). Taken as written, never completed by the
 * implementation's check-character function, so a broken check cannot make its own test data agree.
 */
export const PUBLISHED_CREDIT_CODES = [
  '91440300708461136T', // 深圳市腾讯计算机系统有限公司
  '914403001922038216', // 华为技术有限公司
  '91330100716105852F', // 阿里巴巴（中国）有限公司
  '91110000802100433B', // 北京百度网讯科技有限公司
  '91110108551385082Q', // 小米科技有限责任公司
  '91440300192317458F', // 比亚迪股份有限公司
  '9144030010001686XA', // 招商银行股份有限公司
  '91440300100012316L', // 中国平安保险（集团）股份有限公司
  '91310000132260250X', // 上海汽车集团股份有限公司
  '12100000425006133D', // 华东师范大学
] as const;

/** A valid unified social credit code: the published ones in turn. */
export function creditCode(): string {
  return PUBLISHED_CREDIT_CODES[++serial % PUBLISHED_CREDIT_CODES.length];
}

export function miniProgramBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appId: appId(),
    name: `测试小程序 ${++serial}`,
    ownerName: '广州测试科技有限公司',
    ownerCreditCode: creditCode(),
    serviceCategories: ['工具 > 效率'],
    serverDomains: ['api.example-test.cn'],
    certificationExpiresOn: '2027-03-15',
    ...overrides,
  };
}

export function contactBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `联系人 ${++serial}`, email: `person${serial}@example.cn`, role: 'operator', ...overrides };
}

export function vendorBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `服务商 ${++serial}`, contractEndsOn: '2027-06-30', ...overrides };
}
