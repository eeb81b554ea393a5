import { randomBytes } from 'node:crypto';
import { computeCreditCodeCheckCharacter } from '../../libs/domain/src/validation/index.js';

let serial = 0;

export function appId(): string {
  return `wx${randomBytes(8).toString('hex')}`;
}

/** A well-formed unified social credit code with a correct check character (fictional company). */
export function creditCode(): string {
  const body = `91440300${String(Date.now() % 1e8).padStart(8, '0')}${(++serial % 10).toString()}`.slice(
    0,
    17,
  );
  return body + computeCreditCodeCheckCharacter(body)!;
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
