import { isValidLocalDate } from '../time/index.js';
import { validateAppId, validateFreeText } from '../validation/index.js';
import { ASSET_HOLDERS, ASSET_KINDS, type AssetHolder, type AssetKind } from './assets.js';

/** Columns of the custody-register CSV, in the order of the example file (database/seed/assets.example.csv). */
export const ASSET_IMPORT_COLUMNS = [
  'app_id',
  'kind',
  'holder',
  'location',
  'notes',
  'last_verified_on',
] as const;
export type AssetImportColumn = (typeof ASSET_IMPORT_COLUMNS)[number];
export const ASSET_IMPORT_REQUIRED: readonly AssetImportColumn[] = ['app_id', 'kind', 'holder'];

export const LOCATION_MAX = 500;
export const NOTES_MAX = 2000;

/** Free text of the register: well-formed and not a secret pasted by mistake. Shared with the API's DTO. */
export function custodyTextProblem(value: string, maxLength: number): string | null {
  return validateFreeText(value, { maxLength });
}

export const KIND_RULE = `must be one of: ${ASSET_KINDS.join(', ')}`;
export const HOLDER_RULE = `must be one of: ${ASSET_HOLDERS.join(', ')}`;
export const DATE_RULE = 'must be a real calendar date written YYYY-MM-DD';

export interface AssetRow {
  appId: string;
  kind: AssetKind;
  holder: AssetHolder;
  location: string | null;
  notes: string | null;
  lastVerifiedOn: string | null;
}

export interface AssetRowProblem {
  column: AssetImportColumn;
  rule: string;
}

const isKind = (v: string): v is AssetKind => (ASSET_KINDS as readonly string[]).includes(v);
const isHolder = (v: string): v is AssetHolder => (ASSET_HOLDERS as readonly string[]).includes(v);

/**
 * One CSV row of the custody register (cells already trimmed, '' when empty) checked with the rules of
 * POST /mini-programs/:id/assets, every problem named by its column. The row is returned only when clean.
 * Whether the AppID is registered is the caller's question: it needs the database.
 */
export function validateAssetRow(values: Readonly<Record<string, string>>): {
  row: AssetRow | null;
  problems: AssetRowProblem[];
} {
  const problems: AssetRowProblem[] = [];
  const cell = (c: AssetImportColumn) => values[c] ?? '';
  const appId = cell('app_id');
  const appIdRule = appId === '' ? 'must not be empty' : validateAppId(appId);
  if (appIdRule) problems.push({ column: 'app_id', rule: appIdRule });
  const kind = cell('kind');
  if (!isKind(kind)) problems.push({ column: 'kind', rule: KIND_RULE });
  const holder = cell('holder');
  if (!isHolder(holder)) problems.push({ column: 'holder', rule: HOLDER_RULE });
  for (const [column, max] of [
    ['location', LOCATION_MAX],
    ['notes', NOTES_MAX],
  ] as const) {
    const rule = cell(column) === '' ? null : custodyTextProblem(cell(column), max);
    if (rule) problems.push({ column, rule });
  }
  const date = cell('last_verified_on');
  if (date !== '' && !isValidLocalDate(date)) problems.push({ column: 'last_verified_on', rule: DATE_RULE });
  if (problems.length || !isKind(kind) || !isHolder(holder)) return { row: null, problems };
  return {
    row: {
      appId,
      kind,
      holder,
      location: cell('location') || null,
      notes: cell('notes') || null,
      lastVerifiedOn: date || null,
    },
    problems,
  };
}

/**
 * What identifies an entry of the register for an import: the mini-program, the kind and where it lives.
 * The same source code may sit in two places (the vendor's repository and the owner's mirror), and those
 * are two entries; importing the same (AppID, kind, location) again updates that entry.
 */
export function assetIdentity(row: Pick<AssetRow, 'appId' | 'kind' | 'location'>): string {
  return JSON.stringify([row.appId, row.kind, row.location ?? '']);
}
