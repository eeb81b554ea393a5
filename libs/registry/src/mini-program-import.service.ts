import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { csvImportFailed, type CsvUpload, readCsvUpload } from '../../common/src/csv-body.js';
import { problemsOf } from '../../common/src/validation.js';
import { splitList } from '../../domain/src/csv/index.js';
import { unknownServiceCategories, validateFreeText } from '../../domain/src/validation/index.js';
import { CreateMiniProgramDto } from './dto/mini-program.dto.js';
import { yieldToIo } from './mini-program-creation.js';
import { MiniProgramService } from './mini-program.service.js';
import { RequirementLookup } from './registry-ports.js';
import { VendorEntity } from './vendor.entity.js';

/** CSV column → DTO field. The example file in database/seed uses exactly these headers. */
export const IMPORT_COLUMNS = {
  app_id: 'appId',
  name: 'name',
  owner_name: 'ownerName',
  owner_credit_code: 'ownerCreditCode',
  service_categories: 'serviceCategories',
  features: 'features',
  vendor_name: 'vendorName',
  certification_expires_on: 'certificationExpiresOn',
  icp_filing_number: 'icpFilingNumber',
  server_domains: 'serverDomains',
  notes: 'notes',
} as const;
const REQUIRED = ['app_id', 'name', 'owner_name', 'owner_credit_code'];
const LISTS = new Set(['service_categories', 'features', 'server_domains']);
/** Rows handed to the creation at a time: one statement's worth (see `MiniProgramCreation`). */
const WRITE_EVERY = 5000;
const COLUMN_OF = Object.fromEntries(Object.entries(IMPORT_COLUMNS).map(([c, f]) => [f, c]));

export interface RowProblem {
  line: number;
  column: string | null;
  rule: string;
}

/** Imported as written, but the owner should look: a service category the catalogue does not know. */
export interface RowWarning {
  line: number;
  column: string;
  value: string;
  rule: string;
  nearMatches: string[];
}

export interface ImportResult {
  imported: number;
  encoding: string;
  vendorsCreated: string[];
  miniProgramIds: string[];
  warnings: RowWarning[];
}

/**
 * All rows or none: every row is validated with the same DTO rules as the API, every problem is
 * reported with its line and column, and only a clean file is written, in one transaction.
 */
@Injectable()
export class MiniProgramImportService {
  constructor(
    private readonly db: DataSource,
    private readonly miniPrograms: MiniProgramService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly requirements: RequirementLookup,
  ) {}

  async import(
    ctx: AuthContext,
    file: Buffer | CsvUpload,
    onProgress: (done: number, total: number) => void = () => undefined,
  ): Promise<ImportResult> {
    const parsed = readCsvUpload(file, { columns: Object.keys(IMPORT_COLUMNS), required: REQUIRED });
    const { encoding } = parsed;
    const total = parsed.rows.length;
    const problems: RowProblem[] = [...parsed.errors];
    const warnings: RowWarning[] = [];
    const knownPaths = this.requirements.serviceCategoryPaths();
    const seen = new Map<string, number>();

    /** The row as the API's DTO, validated by the same rules; its problems and warnings are collected. */
    const validate = (row: (typeof parsed.rows)[number]) => {
      const plain: Record<string, unknown> = {};
      let vendorName: string | null = null;
      for (const [column, value] of Object.entries(row.values)) {
        const field = IMPORT_COLUMNS[column as keyof typeof IMPORT_COLUMNS];
        if (value === '') continue;
        if (field === 'vendorName') {
          vendorName = value.trim();
          const rule = validateFreeText(vendorName, { maxLength: 200 });
          if (rule) problems.push({ line: row.line, column, rule });
        } else plain[field] = LISTS.has(column) ? splitList(value) : value;
      }
      const dto = plainToInstance(CreateMiniProgramDto, plain);
      // Every rule of the DTO is synchronous (`Satisfies` and `ValidateBy` wrap plain functions): `validate`
      // built and awaited promises per rule and row for the same answer (it was the import's largest CPU cost).
      const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
      const rowProblems = errors.length ? problemsOf(errors) : this.miniPrograms.catalogueProblems(dto, '');
      for (const p of rowProblems) {
        problems.push({
          line: row.line,
          column: COLUMN_OF[p.field.replace(/\[\d+\]$/, '')] ?? p.field,
          rule: p.rule,
        });
      }
      const appId = typeof plain.appId === 'string' ? plain.appId : '';
      if (appId && seen.has(appId)) {
        problems.push({
          line: row.line,
          column: 'app_id',
          rule: `duplicates the AppID on line ${seen.get(appId)}`,
        });
      } else if (appId) seen.set(appId, row.line);
      for (const n of unknownServiceCategories(dto.serviceCategories ?? [], knownPaths)) {
        warnings.push({
          line: row.line,
          column: 'service_categories',
          value: n.value,
          rule: n.rule,
          nearMatches: n.nearMatches,
        });
      }
      return { dto, vendorName };
    };

    // AppIDs already registered, looked up before anything is written: their rows would abort the
    // transaction half-way, and each clash is to be listed. Reported only when the file has no other problem.
    const clashes = problems.length ? [] : await this.registeredAppIds(ctx, parsed.rows);
    // Vendors are written first, so their names are judged before anything is.
    const vendorNames = parsed.rows.map((row) => row.values.vendor_name?.trim() || null);
    const badVendorName = vendorNames.some((n) => n && validateFreeText(n, { maxLength: 200 }));
    if (problems.length || clashes.length || badVendorName) {
      for (const [i, row] of parsed.rows.entries()) {
        validate(row);
        if (i % 200 === 0) onProgress(i, total);
      }
      throw csvImportFailed(problems.length ? problems : clashes);
    }

    // Rows are validated and written in one pass: while PostgreSQL writes a chunk, the next is validated
    // and prepared. A problem found on any row rolls back everything written before it, and the rest of the
    // file is still read so that every problem is listed.
    const result = await this.db.transaction(async (m) => {
      const { vendorIdOf, created: vendorsCreated } = await this.resolveVendors(m, ctx, vendorNames);
      const creation = await this.miniPrograms.beginCreation(m, ctx, [...vendorIdOf.values()]);
      try {
        let pending: CreateMiniProgramDto[] = [];
        for (const [i, row] of parsed.rows.entries()) {
          const { dto, vendorName } = validate(row);
          if (!problems.length) {
            if (vendorName) dto.vendorId = vendorIdOf.get(vendorName);
            pending.push(dto);
            if (pending.length === WRITE_EVERY) {
              await creation.add(pending);
              pending = [];
            }
          }
          if (i % 200 === 0) onProgress(i, total);
          if (i % 500 === 499) await yieldToIo();
        }
        if (problems.length) throw csvImportFailed(problems);
        await creation.add(pending);
      } catch (error) {
        // before the transaction's ROLLBACK: no statement of the creation may follow it
        await creation.abort();
        throw error;
      }
      const views = await creation.finish();
      await this.audit.record(m, ctx, {
        action: 'mini_program.imported',
        entityType: 'import',
        entityId: null,
        after: { rows: total, encoding, vendorsCreated },
      });
      return {
        imported: views.length,
        encoding,
        vendorsCreated,
        miniProgramIds: views.map((v) => v.id),
        warnings,
      };
    });
    onProgress(total, total);
    return result;
  }

  /** Rows whose AppID the organization already has (the AppID as the file writes it, as the DTO reads it). */
  private async registeredAppIds(
    ctx: AuthContext,
    rows: readonly { line: number; values: Record<string, string> }[],
  ): Promise<RowProblem[]> {
    const lineOf = new Map<string, number>();
    for (const row of rows) {
      const appId = row.values.app_id;
      if (appId && !lineOf.has(appId)) lineOf.set(appId, row.line);
    }
    if (!lineOf.size) return [];
    // One array parameter: `In()` binds one parameter per AppID, and PostgreSQL takes at most 65,535.
    const existing = await this.db.query<{ app_id: string }[]>(
      `SELECT app_id FROM mini_programs WHERE organization_id = $1 AND app_id = ANY($2::text[])`,
      [ctx.organizationId, [...lineOf.keys()]],
    );
    return existing.map((e) => ({
      line: lineOf.get(e.app_id)!,
      column: 'app_id',
      rule: 'must be unique within the organization: already registered',
    }));
  }

  /** Vendors are named in the file; unknown names become new active vendors in the same transaction. */
  private async resolveVendors(
    m: EntityManager,
    ctx: AuthContext,
    vendorNames: readonly (string | null)[],
  ): Promise<{ vendorIdOf: Map<string, string>; created: string[] }> {
    const names = [...new Set(vendorNames.filter((n): n is string => !!n))];
    const vendorIdOf = new Map<string, string>();
    if (!names.length) return { vendorIdOf, created: [] };
    const known = await m.findBy(VendorEntity, { organizationId: ctx.organizationId, name: In(names) });
    for (const v of known) vendorIdOf.set(v.name, v.id);
    // One statement for all new vendors (an INSERT and an audit INSERT each cost a round trip per vendor).
    const missing = names.filter((n) => !vendorIdOf.has(n));
    if (missing.length) {
      const inserted = await m.query<{ id: string; name: string }[]>(
        `INSERT INTO vendors (organization_id, name, status, status_since)
         SELECT $1, v.name, 'active', $3 FROM unnest($2::text[]) WITH ORDINALITY AS v(name, n) ORDER BY v.n
         RETURNING id, name`,
        [ctx.organizationId, missing, this.clock.now()],
      );
      for (const v of inserted) vendorIdOf.set(v.name, v.id);
      await this.audit.recordMany(
        m,
        ctx,
        missing.map((name) => ({
          action: 'vendor.created',
          entityType: 'vendor',
          entityId: vendorIdOf.get(name)!,
          after: { id: vendorIdOf.get(name)!, name },
        })),
      );
    }
    return { vendorIdOf, created: missing };
  }
}
