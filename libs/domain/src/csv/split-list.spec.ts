import { describe, expect, it } from '@jest/globals';

import { splitList } from './split-list.js';

describe('splitList', () => {
  it.each([
    ['', []],
    ['  ', []],
    ['wechat_pay', ['wechat_pay']],
    ['wechat_pay;third_party_merchants', ['wechat_pay', 'third_party_merchants']],
    ['wechat_pay；third_party_merchants', ['wechat_pay', 'third_party_merchants']],
    ['a.example.cn | b.example.cn', ['a.example.cn', 'b.example.cn']],
    [' a ;; b ;|； c ;', ['a', 'b', 'c']],
    ['医疗 > 互联网医院;教育 > 教育信息服务', ['医疗 > 互联网医院', '教育 > 教育信息服务']],
  ])('splits %j into %j', (value, items) => {
    expect(splitList(value)).toEqual(items);
  });
});
