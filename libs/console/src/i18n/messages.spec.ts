import { describe, expect, it } from '@jest/globals';
import { en } from './en.js';
import { negotiateLocale, stageName, translator } from './messages.js';
import { translateRule } from './rules.js';
import { zhCN } from './zh-CN.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console messages', () => {
  it('has every key in both languages, none empty, with the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [key, zh] of Object.entries(zhCN)) {
      const english = en[key as keyof typeof zhCN];
      expect([key, zh.trim().length > 0, english.trim().length > 0]).toEqual([key, true, true]);
      expect([key, placeholders(english)]).toEqual([key, placeholders(zh)]);
    }
  });

  it.each([
    [undefined, 'en-US,en;q=0.9', 'en'],
    [undefined, 'zh-TW,zh;q=0.9,en;q=0.8', 'zh-CN'],
    [undefined, 'fr-FR,de;q=0.8', 'zh-CN'],
    [undefined, undefined, 'zh-CN'],
    ['en', 'zh-CN', 'en'],
    ['zh-CN', 'en', 'zh-CN'],
    ['xx', 'en', 'en'],
  ])('speaks the cookie %j / Accept-Language %j as %s', (cookie, accept, expected) => {
    expect(negotiateLocale(cookie, accept)).toBe(expected);
  });

  it.each([
    ['d-90', '到期前 90 天', '90 days before'],
    ['d-1', '到期前 1 天', '1 days before'],
    ['due', '到期当天', 'On the due date'],
    ['overdue', '逾期提醒', 'Overdue reminder'],
    ['overdue-3', '逾期提醒（第 3 次）', 'Overdue reminder (number 3)'],
    ['early', '提前提醒', 'Early reminder'],
    ['failure:6f1c', '投递失败报告', 'Delivery failure report'],
  ])('names the stage %s without showing its code', (code, zh, english) => {
    expect(stageName(code, translator('zh-CN'))).toBe(zh);
    expect(stageName(code, translator('en'))).toBe(english);
  });
});

describe('validator rules on pages', () => {
  const zh = translator('zh-CN');
  it.each([
    [
      'has a wrong check character (the 18th); check the code for a typo',
      '校验码（第 18 位）不正确，请检查是否有输错的字符',
    ],
    ["must be 'wx' followed by 16 lowercase hexadecimal characters", '必须是 wx 加 16 位小写十六进制字符'],
    ['must be a real calendar date written YYYY-MM-DD', '必须是真实存在的日期，格式为 YYYY-MM-DD'],
    ['must be a date from 1900-01-01 to 2999-12-31', '必须是 1900-01-01 至 2999-12-31 之间的日期'],
    ['must be at most 200 characters', '最多 200 个字符'],
    ['must not be after the due date (2027-03-15)', '不能晚于截止日期（2027-03-15）'],
  ])('shows %j in Chinese', (rule, expected) => {
    expect(translateRule(rule, 'zh-CN', zh)).toBe(expected);
  });

  it('shows an unknown rule in Chinese as a problem followed by the rule, never silently', () => {
    expect(translateRule('must be prime', 'zh-CN', zh)).toBe('填写有误：must be prime');
    expect(translateRule('must be prime', 'en', translator('en'))).toBe('Must be prime');
  });
});
