import { describe, expect, it } from '@jest/globals';
import { validateLocalDate } from './rules.js';

describe('validateLocalDate', () => {
  it.each([
    ['2026-12-01', null],
    ['1900-01-01', null],
    ['2999-12-31', null],
    ['2028-02-29', null],
    ['1899-12-31', 'must be a date from 1900-01-01 to 2999-12-31'],
    ['0001-01-02', 'must be a date from 1900-01-01 to 2999-12-31'],
    ['3000-01-01', 'must be a date from 1900-01-01 to 2999-12-31'],
    ['9999-12-31', 'must be a date from 1900-01-01 to 2999-12-31'],
    ['2027-02-29', 'must be a real calendar date written YYYY-MM-DD'],
    ['2026-1-01', 'must be a real calendar date written YYYY-MM-DD'],
  ])('%s: %s', (value, rule) => {
    expect(validateLocalDate(value)).toBe(rule);
  });
});
