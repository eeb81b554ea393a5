import { describe, expect, it } from '@jest/globals';

import { isServiceCategory, validateServiceCategory } from './service-category.js';

const LEVELS =
  "must be levels joined by ' > ', each 1-20 characters of Chinese, letters, digits, 、, /, - or brackets";

describe('validateServiceCategory', () => {
  it.each([
    '医疗',
    '医疗 > 互联网医院',
    '医疗服务 > 公立医疗机构',
    '生活服务 > 百货/超市/便利店',
    '商家自营 > 家电/数码/手机',
    'IT科技 > 硬件与设备',
    '教育 > 培训机构（线下）',
    '工具 > 信息查询 > 企业信息(工商)',
    '社交 > 直播、短视频',
    '金融业 > 保险 > 互联网保险-代理',
    '一二三四五六七八九十一二三四五六七八九十',
  ])('accepts %s', (value) => {
    expect(validateServiceCategory(value)).toBeNull();
    expect(isServiceCategory(value)).toBe(true);
  });

  it.each([
    ['a > b > c > d', "must have at most 3 levels separated by ' > '"],
    ['', LEVELS],
    ['医疗>互联网医院', LEVELS],
    ['医疗  >  互联网医院', LEVELS],
    ['医疗 ＞ 互联网医院', LEVELS],
    ['医疗 > ', LEVELS],
    [' > 互联网医院', LEVELS],
    [' 医疗 > 互联网医院', LEVELS],
    ['医疗 > 互联网医院\n', LEVELS],
    ['医疗 > 互联\u202e网医院', LEVELS],
    ['医疗 > 互联网 医院', LEVELS],
    ['医疗 > 互联网医院!', LEVELS],
    ['一二三四五六七八九十一二三四五六七八九十一', LEVELS],
  ])('rejects %j: %s', (value, message) => {
    expect(validateServiceCategory(value)).toBe(message);
    expect(isServiceCategory(value)).toBe(false);
  });
});
