import type { ValidationResult } from './validation-result.js';

/**
 * ICP filing number (ICP备案号) as shown by MIIT's filing system, e.g. `粤ICP备2023123456号-1X`:
 *   粤        the province whose communications administration holds the filing
 *   ICP备     literal, half-width uppercase
 *   2023…     the owner's filing number: 4-12 digits (older filings have 8, recent ones year + serial)
 *   号        literal
 *   -1        optional: which of the owner's filed services this is
 *   X         optional, only after -N: the service is a mini-program (apps end in A, quick apps in K)
 * The bare owner number (`粤ICP备2023123456号`) is accepted because some owners record that one.
 * Sichuan, Guizhou, Yunnan and Gansu issue numbers as 蜀, 黔, 滇 and 陇 rather than 川, 贵, 云 and 甘;
 * both forms are accepted so a filing is never refused for the prefix its certificate actually shows.
 */
const PROVINCES = '京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新蜀黔滇陇';
const FILING_NUMBER = new RegExp(`^[${PROVINCES}]ICP备[0-9]{4,12}号(?:-[1-9][0-9]{0,3}X?)?$`, 'u');

export function validateIcpFilingNumber(value: string): ValidationResult {
  if (value === '' || !PROVINCES.includes(value.charAt(0))) {
    return 'must start with a province abbreviation such as 京, 沪 or 粤';
  }
  if (!FILING_NUMBER.test(value)) {
    return "must look like 粤ICP备2023123456号-1X: province, 'ICP备', digits, '号', optionally '-N' and 'X'";
  }
  return null;
}

export function isIcpFilingNumber(value: string): boolean {
  return validateIcpFilingNumber(value) === null;
}
