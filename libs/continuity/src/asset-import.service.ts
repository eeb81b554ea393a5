import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { csvImportFailed, type CsvUpload, readCsvUpload } from '../../common/src/csv-body.js';
import {
  ASSET_IMPORT_COLUMNS,
  ASSET_IMPORT_REQUIRED,
  type AssetRow,
  assetIdentity,
  validateAssetRow,
} from '../../domain/src/continuity/index.js';
import { isAppId } from '../../domain/src/validation/index.js';
import { AssetEntity } from './asset.entity.js';
import { view } from './asset.service.js';

export interface AssetRowProblem {
  line: number;
  column: string | null;
  rule: string;
}

export interface AssetImportResult {
  /** Rows in the file. */
  imported: number;
  created: number;
  updated: number;
  /** Rows that matched an entry already saying exactly that. */
  unchanged: number;
  encoding: string;
  /** The entries the rows created or matched, in file order. */
  assetIds: string[];
}

export const NOT_REGISTERED = 'is not a mini-program registered in this organization';

/**
 * The custody register from a CSV file: all rows or none. Every row is checked with the rules of the API
 * (kinds, holders, dates, and no secret-looking text), every AppID must be one of the organization's
 * mini-programs, and every problem is reported with its line and column before anything is written.
 *
 * A row whose (AppID, kind, location) matches an entry updates that entry: its holder always, and its notes
 * and last-verified date when the cell is not empty (an empty cell never erases what is stored; use PATCH
 * for that). Any other row adds an entry. Importing the same file twice therefore changes nothing.
 */
@Injectable()
export class AssetImportService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async import(
    ctx: AuthContext,
    file: Buffer | CsvUpload,
    onProgress: (done: number, total: number) => void = () => undefined,
  ): Promise<AssetImportResult> {
    const parsed = readCsvUpload(file, { columns: ASSET_IMPORT_COLUMNS, required: ASSET_IMPORT_REQUIRED });
    const { encoding } = parsed;
    const problems: AssetRowProblem[] = [...parsed.errors];
    const rows: { line: number; row: AssetRow }[] = [];
    const seen = new Map<string, number>();
    const linesOfAppId = new Map<string, number[]>();
    for (const { line, values } of parsed.rows) {
      const checked = validateAssetRow(values);
      for (const p of checked.problems) problems.push({ line, ...p });
      const appId = values.app_id;
      if (isAppId(appId)) linesOfAppId.set(appId, [...(linesOfAppId.get(appId) ?? []), line]);
      if (!checked.row) continue;
      const identity = assetIdentity(checked.row);
      const first = seen.get(identity);
      if (first !== undefined) {
        problems.push({
          line,
          column: 'location',
          rule: `duplicates line ${first}: the same AppID, kind and location`,
        });
      } else seen.set(identity, line);
      rows.push({ line, row: checked.row });
    }

    const result = await this.db.transaction(async (m) => {
      const miniPrograms = await this.lockMiniPrograms(m, ctx, [...linesOfAppId.keys()]);
      for (const [appId, lines] of linesOfAppId) {
        if (!miniPrograms.has(appId))
          for (const line of lines) problems.push({ line, column: 'app_id', rule: NOT_REGISTERED });
      }
      if (problems.length) throw csvImportFailed(problems);
      return this.write(m, ctx, rows, miniPrograms, encoding, onProgress);
    });
    onProgress(rows.length, rows.length);
    return result;
  }

  /**
   * The organization's mini-programs with these AppIDs, locked like a single POST locks its mini-program,
   * in id order so that two imports over the same mini-programs queue instead of deadlocking.
   */
  private async lockMiniPrograms(
    m: EntityManager,
    ctx: AuthContext,
    appIds: string[],
  ): Promise<Map<string, string>> {
    if (!appIds.length) return new Map();
    const found = await m.query<{ id: string; app_id: string }[]>(
      `SELECT id, app_id FROM mini_programs WHERE organization_id = $1 AND app_id = ANY($2::text[])
        ORDER BY id FOR UPDATE`,
      [ctx.organizationId, appIds],
    );
    return new Map(found.map((r) => [r.app_id, r.id]));
  }

  private async write(
    m: EntityManager,
    ctx: AuthContext,
    rows: { line: number; row: AssetRow }[],
    miniPrograms: Map<string, string>,
    encoding: string,
    onProgress: (done: number, total: number) => void,
  ): Promise<AssetImportResult> {
    const appIdOf = new Map([...miniPrograms].map(([appId, id]) => [id, appId]));
    const existing = await m.find(AssetEntity, {
      where: { organizationId: ctx.organizationId, miniProgramId: In([...miniPrograms.values()]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const byIdentity = new Map<string, AssetEntity[]>();
    for (const a of existing) {
      const key = assetIdentity({ appId: appIdOf.get(a.miniProgramId)!, kind: a.kind, location: a.location });
      byIdentity.set(key, [...(byIdentity.get(key) ?? []), a]);
    }
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const ids: (string | null)[] = [];
    const fresh: { slot: number; row: AssetRow }[] = [];
    for (const [i, { row }] of rows.entries()) {
      const matches = byIdentity.get(assetIdentity(row)) ?? [];
      if (!matches.length) {
        fresh.push({ slot: ids.length, row });
        ids.push(null);
      }
      // Two entries with the same identity can exist (the API allows them): the row speaks for both.
      for (const match of matches) {
        const change = {
          holder: row.holder,
          notes: row.notes ?? match.notes,
          lastVerifiedOn: row.lastVerifiedOn ?? match.lastVerifiedOn,
        };
        if (
          change.holder === match.holder &&
          change.notes === match.notes &&
          change.lastVerifiedOn === match.lastVerifiedOn
        ) {
          counts.unchanged++;
        } else {
          const before = view(match);
          await m.update(AssetEntity, { id: match.id, organizationId: ctx.organizationId }, change);
          const after = view(await m.findOneByOrFail(AssetEntity, { id: match.id }));
          await this.audit.record(m, ctx, {
            action: 'asset.updated',
            entityType: 'asset',
            entityId: match.id,
            before,
            after,
          });
          counts.updated++;
        }
        ids.push(match.id);
      }
      if (i % 200 === 0) onProgress(i, rows.length);
    }
    // New entries go in as multi-row INSERTs; the generated id and timestamps come back with them.
    const saved = await m.save(
      AssetEntity,
      fresh.map(({ row }) => ({
        organizationId: ctx.organizationId,
        miniProgramId: miniPrograms.get(row.appId)!,
        kind: row.kind,
        holder: row.holder,
        location: row.location,
        notes: row.notes,
        lastVerifiedOn: row.lastVerifiedOn,
      })),
      { chunk: 500 },
    );
    for (const [i, asset] of saved.entries()) {
      await this.audit.record(m, ctx, {
        action: 'asset.created',
        entityType: 'asset',
        entityId: asset.id,
        after: view(asset),
      });
      ids[fresh[i].slot] = asset.id;
    }
    counts.created = saved.length;
    await this.audit.record(m, ctx, {
      action: 'asset.imported',
      entityType: 'import',
      entityId: null,
      after: { rows: rows.length, ...counts, encoding },
    });
    return { imported: rows.length, ...counts, encoding, assetIds: ids as string[] };
  }
}
