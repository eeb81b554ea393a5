import { describe, expect, it } from '@jest/globals';
describe('scaffold', () => {
  it('runs typescript specs as ESM', () => {
    expect([1, 2].map((n) => n * 2)).toEqual([2, 4]);
  });
});
