import { describe, expect, it } from '@jest/globals';

import { isIcpFilingNumber, validateIcpFilingNumber } from './icp-filing-number.js';

const PROVINCE = 'must start with a province abbreviation such as 京, 沪 or 粤';
const SHAPE =
  "must look like 粤ICP备2023123456号-1X: province, 'ICP备', digits, '号', optionally '-N' and 'X'";

describe('validateIcpFilingNumber', () => {
  it.each([
    '粤ICP备2023123456号-1X',
    '京ICP备2023001234号-1X',
    '沪ICP备12345678号-3X',
    '浙ICP备05002571号-12X',
    '京ICP备05002571号',
    '陕ICP备15002899号-4',
    '蜀ICP备2026007879号-1X',
    '黔ICP备2021008357号-2X',
    '滇ICP备2023001289号-1X',
    '陇ICP备2021003158号-1X',
    ...[...'京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新'].map(
      (p) => `${p}ICP备2023000001号-1X`,
    ),
  ])('accepts %s', (value) => {
    expect(validateIcpFilingNumber(value)).toBeNull();
    expect(isIcpFilingNumber(value)).toBe(true);
  });

  it.each([
    ['', PROVINCE],
    ['ICP备2023123456号-1X', PROVINCE],
    ['港ICP备2023123456号-1X', PROVINCE],
    [' 粤ICP备2023123456号-1X', PROVINCE],
    ['粤icp备2023123456号-1X', SHAPE],
    ['粤ＩＣＰ备2023123456号-1X', SHAPE],
    ['粤ICP证2023123456号', SHAPE],
    ['粤B2-20231234', SHAPE],
    ['粤ICP备123号', SHAPE],
    ['粤ICP备2023123456', SHAPE],
    ['粤ICP备2023123456号-', SHAPE],
    ['粤ICP备2023123456号－1X', SHAPE],
    ['粤ICP备2023123456号-0X', SHAPE],
    ['粤ICP备2023123456号-1x', SHAPE],
    ['粤ICP备2023123456号X', SHAPE],
    ['粤ICP备2023123456号-1A', SHAPE],
    ['粤ICP备2023123456号-1X ', SHAPE],
    ['粤ICP备 2023123456号-1X', SHAPE],
  ])('rejects %j: %s', (value, message) => {
    expect(validateIcpFilingNumber(value)).toBe(message);
    expect(isIcpFilingNumber(value)).toBe(false);
  });
});
