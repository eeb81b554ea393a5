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
    const problems: RowProblem[] = [...parsed.errors];
    const warnings: RowWarning[] = [];
    const knownPaths = this.requirements.serviceCategoryPaths();
    const dtos: { line: number; dto: CreateMiniProgramDto; vendorName: string | null }[] = [];
    const seen = new Map<string, number>();
    for (const [i, row] of parsed.rows.entries()) {
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
      for (const p of problemsOf(errors)) {
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
      dtos.push({ line: row.line, dto, vendorName });
      if (i % 200 === 0) onProgress(i, parsed.rows.length);
    }
    if (!problems.length) {
      // One array parameter: `In()` binds one parameter per AppID, and PostgreSQL takes at most 65,535.
      const existing = await this.db.query<{ app_id: string }[]>(
        `SELECT app_id FROM mini_programs WHERE organization_id = $1 AND app_id = ANY($2::text[])`,
        [ctx.organizationId, [...seen.keys()]],
      );
      for (const e of existing) {
        problems.push({
          line: seen.get(e.app_id)!,
          column: 'app_id',
          rule: 'must be unique within the organization: already registered',
        });
      }
    }
    if (problems.length) throw csvImportFailed(problems);

    const result = await this.db.transaction(async (m) => {
      const vendorsCreated = await this.resolveVendors(m, ctx, dtos);
      const ids: string[] = [];
      // Statements of 5,000 rows: fewer round trips and statements than 1,000, and parameters of a few MB.
      const chunk = 5000;
      for (let start = 0; start < dtos.length; start += chunk) {
        const views = await this.miniPrograms.insertMany(
          m,
          ctx,
          dtos.slice(start, start + chunk).map((d) => d.dto),
        );
        ids.push(...views.map((v) => v.id));
        onProgress(Math.min(start + chunk, dtos.length), dtos.length);
      }
      await this.audit.record(m, ctx, {
        action: 'mini_program.imported',
        entityType: 'import',
        entityId: null,
        after: { rows: dtos.length, encoding, vendorsCreated },
      });
      return { imported: ids.length, encoding, vendorsCreated, miniProgramIds: ids, warnings };
    });
    onProgress(dtos.length, dtos.length);
    return result;
  }

  /** Vendors are named in the file; unknown names become new active vendors in the same transaction. */
  private async resolveVendors(
    m: EntityManager,
    ctx: AuthContext,
    rows: { dto: CreateMiniProgramDto; vendorName: string | null }[],
  ): Promise<string[]> {
    const names = [...new Set(rows.map((r) => r.vendorName).filter((n): n is string => !!n))];
    if (!names.length) return [];
    const known = await m.findBy(VendorEntity, { organizationId: ctx.organizationId, name: In(names) });
    const byName = new Map(known.map((v) => [v.name, v.id]));
    // One statement for all new vendors (an INSERT and an audit INSERT each cost a round trip per vendor).
    const missing = names.filter((n) => !byName.has(n));
    if (missing.length) {
      const inserted = await m.query<{ id: string; name: string; n: string }[]>(
        `INSERT INTO vendors (organization_id, name, status, status_since)
         SELECT $1, v.name, 'active', $3 FROM unnest($2::text[]) WITH ORDINALITY AS v(name, n) ORDER BY v.n
         RETURNING id, name`,
        [ctx.organizationId, missing, this.clock.now()],
      );
      for (const v of inserted) byName.set(v.name, v.id);
      await this.audit.recordMany(
        m,
        ctx,
        missing.map((name) => ({
          action: 'vendor.created',
          entityType: 'vendor',
          entityId: byName.get(name)!,
          after: { id: byName.get(name)!, name },
        })),
      );
    }
    const created = missing;
    for (const r of rows) if (r.vendorName) r.dto.vendorId = byName.get(r.vendorName)!;
    return created;
  }
}
