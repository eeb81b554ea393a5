import { describe, expect, it } from '@jest/globals';

import { neutralizeCell } from './neutralize-cell.js';

describe('neutralizeCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'],
  ])('prefixes %j with an apostrophe', (input, expected) => {
    expect(neutralizeCell(input)).toBe(expected);
  });

  it.each([
    ['-5', '-5'],
    ['+3', '+3'],
    ['-12.5', '-12.5'],
    ['康宁互联网医院', '康宁互联网医院'],
    ['a=b', 'a=b'],
    [' =1', ' =1'],
    ['', ''],
  ])('leaves %j as it is', (input, expected) => {
    expect(neutralizeCell(input)).toBe(expected);
  });

  it('writes numbers as numbers and nothing for null', () => {
    expect(neutralizeCell(-5)).toBe('-5');
    expect(neutralizeCell(0)).toBe('0');
    expect(neutralizeCell(Number.NaN)).toBe('');
    expect(neutralizeCell(null)).toBe('');
    expect(neutralizeCell(undefined)).toBe('');
  });
});
