import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import { decodeCsv, parseCsvRecords } from '../csv/index.js';
import {
  ASSET_IMPORT_COLUMNS,
  ASSET_IMPORT_REQUIRED,
  assetIdentity,
  HOLDER_RULE,
  KIND_RULE,
  validateAssetRow,
} from './index.js';

const APP_ID = 'wx3f9a1c2e7b4d8a06';
const row = (values: Record<string, string>) => ({
  app_id: APP_ID,
  kind: 'source_code',
  holder: 'vendor',
  location: '',
  notes: '',
  last_verified_on: '',
  ...values,
});

describe('validateAssetRow', () => {
  it.each<[string, Record<string, string>, { column: string; rule: string | RegExp }[]]>([
    ['a minimal row', {}, []],
    [
      'every optional cell',
      { location: 'https://git.vendor.example.cn/app', notes: '合同第 8 条', last_verified_on: '2026-11-20' },
      [],
    ],
    ['an unknown kind', { kind: 'spaceship' }, [{ column: 'kind', rule: KIND_RULE }]],
    ['a kind in capitals', { kind: 'SOURCE_CODE' }, [{ column: 'kind', rule: KIND_RULE }]],
    ['an unknown holder', { holder: 'nobody' }, [{ column: 'holder', rule: HOLDER_RULE }]],
    ['an empty AppID', { app_id: '' }, [{ column: 'app_id', rule: 'must not be empty' }]],
    ['a malformed AppID', { app_id: 'wxBAD' }, [{ column: 'app_id', rule: /16 lowercase hexadecimal/ }]],
    [
      'February 30th',
      { last_verified_on: '2026-02-30' },
      [{ column: 'last_verified_on', rule: /calendar date/ }],
    ],
    [
      'a date with slashes',
      { last_verified_on: '2026/11/20' },
      [{ column: 'last_verified_on', rule: /YYYY-MM-DD/ }],
    ],
    [
      'a PEM private key',
      { location: '-----BEGIN PRIVATE KEY-----' },
      [{ column: 'location', rule: 'must not contain secrets: looks like a PEM private key or certificate' }],
    ],
    [
      'a 32-character AppSecret in the notes',
      { notes: 'AppSecret 3f1c0a9b2d4e5f60718293a4b5c6d7e8' },
      [{ column: 'notes', rule: /^must not contain secrets: looks like a 32-character key/ }],
    ],
    [
      'a password assignment',
      { notes: 'password=hunter2' },
      [{ column: 'notes', rule: /^must not contain secrets: looks like a password/ }],
    ],
    [
      'credentials in a URL',
      { location: 'https://deploy:s3cr3t@git.vendor.example.cn/app' },
      [{ column: 'location', rule: /^must not contain secrets: looks like credentials inside a URL/ }],
    ],
    ['a control character', { notes: 'a\u0007b' }, [{ column: 'notes', rule: /control characters/ }]],
    [
      'a location over 500 characters',
      { location: '仓'.repeat(501) },
      [{ column: 'location', rule: 'must be at most 500 characters' }],
    ],
    [
      'several problems at once',
      { kind: 'x', holder: 'y', last_verified_on: 'soon' },
      [
        { column: 'kind', rule: KIND_RULE },
        { column: 'holder', rule: HOLDER_RULE },
        { column: 'last_verified_on', rule: /calendar date/ },
      ],
    ],
  ])('%s', (_, values, expected) => {
    const result = validateAssetRow(row(values));
    expect(result.problems).toEqual(
      expected.map((p) => ({
        column: p.column,
        rule: typeof p.rule === 'string' ? p.rule : expect.stringMatching(p.rule),
      })),
    );
    expect(result.row === null).toBe(expected.length > 0);
  });

  it('turns empty optional cells into nulls', () => {
    expect(validateAssetRow(row({ kind: 'backups', holder: 'owner' })).row).toEqual({
      appId: APP_ID,
      kind: 'backups',
      holder: 'owner',
      location: null,
      notes: null,
      lastVerifiedOn: null,
    });
  });
});

describe('assetIdentity', () => {
  it.each<[string, [string, string, string | null], [string, string, string | null], boolean]>([
    ['the same entry', [APP_ID, 'source_code', 'repo'], [APP_ID, 'source_code', 'repo'], true],
    ['no location and an empty one', [APP_ID, 'backups', null], [APP_ID, 'backups', ''], true],
    ['another location', [APP_ID, 'source_code', 'repo'], [APP_ID, 'source_code', 'mirror'], false],
    ['another kind', [APP_ID, 'source_code', 'repo'], [APP_ID, 'backups', 'repo'], false],
    [
      'another mini-program',
      [APP_ID, 'source_code', 'repo'],
      ['wx8c27e5b0f1a94d3e', 'source_code', 'repo'],
      false,
    ],
  ])('%s', (_, [a1, k1, l1], [a2, k2, l2], same) => {
    const id = (appId: string, kind: string, location: string | null) =>
      assetIdentity({ appId, kind: kind as 'backups', location });
    expect(id(a1, k1, l1) === id(a2, k2, l2)).toBe(same);
  });
});

describe('database/seed/assets.example.csv', () => {
  const bytes = readFileSync(new URL('../../../../database/seed/assets.example.csv', import.meta.url));
  const decoded = decodeCsv(bytes);
  const parsed = parseCsvRecords(decoded.text, {
    columns: ASSET_IMPORT_COLUMNS,
    required: ASSET_IMPORT_REQUIRED,
  });

  it('is UTF-8 with a BOM and has the documented header', () => {
    expect(decoded.encoding).toBe('utf-8-bom');
    expect(decoded.text.split('\n')[0]).toBe(ASSET_IMPORT_COLUMNS.join(','));
    expect(parsed.errors).toEqual([]);
  });

  it('passes the row rules on every line, with AppIDs of the mini-program example file', () => {
    const miniPrograms = readFileSync(
      new URL('../../../../database/seed/mini-programs.example.csv', import.meta.url),
      'utf8',
    );
    expect(parsed.rows.length).toBeGreaterThanOrEqual(5);
    for (const { line, values } of parsed.rows) {
      expect({ line, problems: validateAssetRow(values).problems }).toEqual({ line, problems: [] });
      expect(miniPrograms).toContain(values.app_id);
    }
  });
});
