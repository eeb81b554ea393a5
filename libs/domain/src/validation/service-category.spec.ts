import { describe, expect, it } from '@jest/globals';

import {
  isServiceCategory,
  UNKNOWN_SERVICE_CATEGORY,
  unknownServiceCategories,
  validateServiceCategory,
} from './service-category.js';

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

// The catalogue's category paths on 2026-12-01, written out so the expectations do not move with the data file.
const KNOWN = [
  '医疗 > 医疗机构',
  '医疗 > 互联网医院',
  '医疗 > 药品信息',
  '医疗 > 医疗器械',
  '金融业 > 支付',
  '餐饮',
  '教育 > 培训机构',
  '教育 > 民办学校',
  '文娱 > 演出',
  '游戏',
];

describe('unknownServiceCategories', () => {
  it.each([
    ['a mapped path', ['医疗 > 互联网医院']],
    ['a sub-category of a mapped path', ['医疗 > 互联网医院 > 问诊']],
    ['a sub-category of a mapped first level', ['餐饮 > 外卖']],
    ['a game of any kind', ['游戏 > 休闲']],
    ['nothing registered', []],
  ])('flags nothing for %s', (_, categories) => {
    expect(unknownServiceCategories(categories, KNOWN)).toEqual([]);
  });

  // Distances counted by hand, one CJK character = 1; ties in code-point order (器 U+5668 < 机 U+673A < 药 U+836F).
  it.each([
    [
      'a typo: 购 for 构 (distance 1), and the other path under 教育',
      '教育 > 培训机购',
      ['教育 > 培训机构', '教育 > 民办学校'],
    ],
    [
      'a first level alone: three of its four paths (distance 7; 互联网医院 is 8)',
      '医疗',
      ['医疗 > 医疗器械', '医疗 > 医疗机构', '医疗 > 药品信息'],
    ],
    ['a two-character typo (distance 1), but not 餐饮 at distance 2', '游虚', ['游戏']],
    ['a missing character in the first level (distance 1)', '金融 > 支付', ['金融业 > 支付']],
    ['a real WeChat category the catalogue does not map', '旅游 > 酒店服务', []],
    ['a name in another language', 'Games', []],
  ])('flags %s', (_, value, near) => {
    expect(unknownServiceCategories([value], KNOWN)).toEqual([
      { index: 0, value, rule: UNKNOWN_SERVICE_CATEGORY, nearMatches: near },
    ]);
  });

  it('names the position of each unknown category among the registered ones', () => {
    expect(
      unknownServiceCategories(['医疗 > 互联网医院', '金融 > 支付', '餐饮', 'Games'], KNOWN).map((n) => [
        n.index,
        n.value,
      ]),
    ).toEqual([
      [1, '金融 > 支付'],
      [3, 'Games'],
    ]);
  });

  it('gives at most three near matches', () => {
    const many = ['医疗 > A', '医疗 > B', '医疗 > C', '医疗 > D'];
    expect(unknownServiceCategories(['医疗 > E'], many)[0].nearMatches).toEqual([
      '医疗 > A',
      '医疗 > B',
      '医疗 > C',
    ]);
  });
});
