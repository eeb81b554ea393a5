import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import {
  validateAppId,
  validateCreditCode,
  validateHostname,
  validateIcpFilingNumber,
  validateServiceCategory,
  validateText,
} from '../validation/index.js';
import { decodeCsv } from './decode-csv.js';
import { parseCsvRecords } from './parse-csv-records.js';
import { splitList } from './split-list.js';

const COLUMNS = [
  'app_id',
  'name',
  'owner_name',
  'owner_credit_code',
  'service_categories',
  'features',
  'vendor_name',
  'certification_expires_on',
  'icp_filing_number',
  'server_domains',
] as const;
const FEATURES = new Set(['wechat_pay', 'third_party_merchants']);

function validateDate(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return 'must be YYYY-MM-DD';
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? null : 'must be a calendar date';
}

describe('database/seed/mini-programs.example.csv', () => {
  const bytes = readFileSync(new URL('../../../../database/seed/mini-programs.example.csv', import.meta.url));
  const decoded = decodeCsv(bytes);
  const parsed = parseCsvRecords(decoded.text, { columns: COLUMNS, required: COLUMNS });

  it('is UTF-8 with a BOM so that Excel shows the Chinese text', () => {
    expect(decoded.encoding).toBe('utf-8-bom');
  });

  it('has exactly the documented header and five rows, without errors', () => {
    expect(decoded.text.split('\n')[0]).toBe(COLUMNS.join(','));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((row) => row.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('has distinct AppIDs', () => {
    expect(new Set(parsed.rows.map((row) => row.values.app_id)).size).toBe(parsed.rows.length);
  });

  it('passes every validator in every cell', () => {
    const problems: string[] = [];
    const check = (line: number, column: string, value: string, result: string | null): void => {
      if (result !== null) problems.push(`line ${line} ${column} ${JSON.stringify(value)} ${result}`);
    };
    for (const { line, values } of parsed.rows) {
      const v = (column: (typeof COLUMNS)[number]): string => values[column] ?? '';
      check(line, 'app_id', v('app_id'), validateAppId(v('app_id')));
      for (const column of ['name', 'owner_name', 'vendor_name'] as const) {
        check(line, column, v(column), validateText(v(column), { maxLength: 100 }));
      }
      check(line, 'owner_credit_code', v('owner_credit_code'), validateCreditCode(v('owner_credit_code')));
      const categories = splitList(v('service_categories'));
      check(line, 'service_categories', '', categories.length > 0 ? null : 'must list a category');
      for (const category of categories) {
        check(line, 'service_categories', category, validateServiceCategory(category));
      }
      for (const feature of splitList(v('features'))) {
        check(line, 'features', feature, FEATURES.has(feature) ? null : 'is not a known feature');
      }
      const expiry = v('certification_expires_on');
      check(line, 'certification_expires_on', expiry, validateDate(expiry));
      check(line, 'certification_expires_on', expiry, expiry.startsWith('2027-') ? null : 'must be in 2027');
      const icp = v('icp_filing_number');
      check(line, 'icp_filing_number', icp, validateIcpFilingNumber(icp));
      check(line, 'icp_filing_number', icp, icp.endsWith('X') ? null : 'must be a mini-program filing');
      const domains = splitList(v('server_domains'));
      check(line, 'server_domains', '', domains.length > 0 ? null : 'must list a domain');
      for (const domain of domains) check(line, 'server_domains', domain, validateHostname(domain));
    }
    expect(problems).toEqual([]);
  });
});
