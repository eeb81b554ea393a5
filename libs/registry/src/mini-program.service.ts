import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { findOwned } from '../../common/src/find-owned.js';
import { IdGenerator } from '../../common/src/ids.js';
import { DomainError, type FieldProblem } from '../../common/src/domain.error.js';
import { toPage } from '../../common/src/pagination.js';
import { isUniqueViolation } from '../../common/src/pg-errors.js';
import type { CreateMiniProgramDto, UpdateMiniProgramDto } from './dto/mini-program.dto.js';
import type { CreateQualificationDto, UpdateQualificationDto } from './dto/qualification.dto.js';
import type { ListMiniProgramsQuery } from './dto/list-mini-programs.query.js';
import {
  APP_ID_CONSTRAINT,
  duplicateAppId,
  MiniProgramCreation,
  qualificationRow,
  unique,
} from './mini-program-creation.js';

export { APP_ID_CONSTRAINT };
import { MiniProgramEntity } from './mini-program.entity.js';
import { QualificationEntity } from './qualification.entity.js';
import { RegistryObserver, RequirementLookup } from './registry-ports.js';
import { MiniProgramResponse, QualificationResponse } from './responses.js';
import { escapeLike } from './vendor.service.js';
import { VendorEntity } from './vendor.entity.js';

const SORT_COLUMNS = {
  name: 'mp.name',
  appId: 'mp.app_id',
  certificationExpiresOn: 'mp.certification_expires_on',
  createdAt: 'mp.created_at',
} as const;

/** `page.total` of the mini-program list is exact up to this many matches (or to the end of the page). */
export const MINI_PROGRAMS_COUNTED_UP_TO = 1000;

/** The index expression of mini_programs_name_grams_idx, word for word (else the index is not used). */
const SHORT_GRAMS = 'mini_program_short_grams(mp.name, mp.owner_name)';
/** Every character an AppID can hold: `wx` and 16 lower-case hex digits (the CHECK on app_id). */
const APP_ID_CHARACTERS = /^[0-9a-fwx]*$/;
/** The share of mini-programs expected to match below which a short search reads that index (EXPLAIN at
 * 100,000: at 8% and 11% the planner still read the index alone; at every name it scanned). */
const SHORT_SEARCH_RARE_BELOW = 0.15;

@Injectable()
export class MiniProgramService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly requirements: RequirementLookup,
    private readonly observer: RegistryObserver,
    private readonly ids: IdGenerator,
  ) {}

  async list(ctx: AuthContext, query: ListMiniProgramsQuery) {
    // Plain SQL rather than a query builder: building and hydrating through TypeORM cost more CPU per
    // request than the (indexed) statements themselves.
    const params: unknown[] = [ctx.organizationId];
    const p = (value: unknown) => `$${params.push(value)}`;
    const where = ['mp.organization_id = $1'];
    let join = '';
    if (query.vendorId) where.push(`mp.vendor_id = ${p(query.vendorId)}`);
    if (query.vendorStatus) {
      join = ' JOIN vendors v ON v.organization_id = mp.organization_id AND v.id = mp.vendor_id';
      where.push(`v.status = ${p(query.vendorStatus)}`);
    }
    // the category or a sub-category of it: service_category_keys holds every category and its parents
    if (query.serviceCategory)
      where.push(`mp.service_category_keys @> ARRAY[${p(query.serviceCategory)}]::text[]`);
    if (query.certificationExpiresBefore) {
      where.push(`mp.certification_expires_on < ${p(query.certificationExpiresBefore)}::date`);
    }
    if (query.qualificationExpiresBefore) {
      where.push(
        `EXISTS (SELECT 1 FROM qualifications q WHERE q.organization_id = mp.organization_id ` +
          `AND q.mini_program_id = mp.id AND q.expires_on < ${p(query.qualificationExpiresBefore)}::date)`,
      );
    }
    if (query.q) {
      const q = p(`%${escapeLike(query.q)}%`);
      where.push(
        `(mp.name ILIKE ${q} ESCAPE '\\' OR mp.app_id ILIKE ${q} ESCAPE '\\' OR mp.owner_name ILIKE ${q} ESCAPE '\\')`,
      );
      if ([...query.q].length <= 2 && !couldMatchAppId(query.q) && (await this.shortSearchIsRare(query.q)))
        where.push(`${SHORT_GRAMS} @> ARRAY[lower(${p(query.q)})]::text[]`);
    }
    const from = `FROM mini_programs mp${join} WHERE ${where.join(' AND ')}`;
    const descending = query.sort.startsWith('-');
    const column = SORT_COLUMNS[query.sort.replace(/^-/, '') as keyof typeof SORT_COLUMNS];
    // Counting every match costs as much as reading them all; matches are counted up to a limit instead
    // (always past the end of this page, so `next` is right), and `totalIsExact` says whether all were.
    const countLimit = Math.max(MINI_PROGRAMS_COUNTED_UP_TO, query.offset + query.limit) + 1;
    const [rows, counted] = await Promise.all([
      this.db.query<MiniProgramRow[]>(
        `SELECT ${MINI_PROGRAM_COLUMNS} ${from}
          ORDER BY ${column} ${descending ? 'DESC' : 'ASC'} NULLS LAST, mp.id ASC
          LIMIT ${query.limit} OFFSET ${query.offset}`,
        params,
      ),
      this.db
        .query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM (SELECT 1 ${from} LIMIT ${countLimit}) AS m`,
          params,
        )
        .then(([row]) => row.n),
    ]);
    const items = await this.views(this.db.manager, ctx, rows.map(miniProgramOf));
    const { limit: _l, offset: _o, ...filters } = query;
    const { page } = toPage(items, counted, query, '/api/v1/mini-programs', filters);
    return { items, page: { ...page, totalIsExact: counted < countLimit } };
  }

  /**
   * One or two characters have no trigram, so the trigram indexes cannot serve them; the index of every
   * one- and two-character piece of the name and the owner (migration 1764400000000) can. It leaves out
   * the AppID (those pieces cost a second of a 50,000-row import and served almost no query: one or two
   * hex digits, w or x are in a large share of AppIDs), so `list` asks here only for a q that no AppID can
   * contain, for which it is exact. Evaluated row by row the expression costs some 5 µs (258 ms over the
   * 50,000 rows of bench/large-org.ts), so it is added only when the planner, from that index's
   * statistics, expects few of all mini-programs to match (its statistics are the table's, not one
   * organization's); it then reads the index and never evaluates the expression. A piece in many names
   * ('程序') is left to the ordered scan, which finds its 50 and its count of 1,001 within a few
   * thousand rows.
   */
  private async shortSearchIsRare(q: string): Promise<boolean> {
    type Plan = { 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[];
    const estimate = async (sql: string, params: unknown[]) =>
      (await this.db.query<Plan>(`EXPLAIN (FORMAT JSON) ${sql}`, params))[0]['QUERY PLAN'][0].Plan[
        'Plan Rows'
      ];
    const [matching, all] = await Promise.all([
      estimate(`SELECT 1 FROM mini_programs mp WHERE ${SHORT_GRAMS} @> ARRAY[lower($1)]::text[]`, [q]),
      estimate(`SELECT 1 FROM mini_programs`, []),
    ]);
    return matching < all * SHORT_SEARCH_RARE_BELOW;
  }

  async get(ctx: AuthContext, id: string): Promise<MiniProgramResponse> {
    const [view] = await this.views(this.db.manager, ctx, [await this.find(this.db.manager, ctx, id)]);
    return view;
  }

  create(ctx: AuthContext, dto: CreateMiniProgramDto): Promise<MiniProgramResponse> {
    return this.db.transaction(async (m) => {
      const [created] = await this.insertMany(m, ctx, [dto]);
      return created;
    });
  }

  /**
   * Inserts, derives and audits inside the caller's transaction; shared by create (one row) and the bulk
   * import (50,000), which feeds a `MiniProgramCreation` chunk by chunk as it validates.
   */
  async insertMany(
    m: EntityManager,
    ctx: AuthContext,
    dtos: CreateMiniProgramDto[],
  ): Promise<MiniProgramResponse[]> {
    const problems = dtos.flatMap((dto, i) => this.catalogueProblems(dto, dtos.length > 1 ? `[${i}].` : ''));
    if (problems.length) throw DomainError.invalid(problems);
    const creation = await this.beginCreation(m, ctx, [
      ...new Set(dtos.map((d) => d.vendorId?.toLowerCase()).filter((v): v is string => !!v)),
    ]);
    await creation.add(dtos);
    return creation.finish();
  }

  /**
   * Starts creating mini-programs of these vendors (ids of this organization's vendors, else a 400) in the
   * caller's transaction. Their catalogue problems must have been refused before (`catalogueProblems`).
   */
  async beginCreation(m: EntityManager, ctx: AuthContext, vendorIds: string[]): Promise<MiniProgramCreation> {
    const vendors = vendorIds.length
      ? await m.query<Pick<VendorEntity, 'id' | 'name' | 'status'>[]>(
          `SELECT id, name, status FROM vendors WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
          [ctx.organizationId, vendorIds],
        )
      : [];
    if (vendors.length !== new Set(vendorIds).size) {
      throw DomainError.invalid([
        { field: 'vendorId', rule: 'must be the id of a vendor of this organization' },
      ]);
    }
    // The transaction's start, which is what the columns' default `now()` stores: the views need it.
    const [{ now }] = await m.query<{ now: Date }[]>(`SELECT now() AS now`);
    return new MiniProgramCreation(m, ctx, {
      vendors,
      now,
      planner: await this.observer.creationPlanner(m, ctx, vendorIds),
      knownCategoryPaths: this.requirements.serviceCategoryPaths(),
      ids: this.ids,
      audit: this.audit,
    });
  }

  update(ctx: AuthContext, id: string, dto: UpdateMiniProgramDto): Promise<MiniProgramResponse> {
    return this.db.transaction(async (m) => {
      const before = await this.find(m, ctx, id, true);
      const problems = this.catalogueProblems(dto, '');
      if (problems.length) throw DomainError.invalid(problems);
      if (dto.vendorId) await this.assertVendors(m, ctx, [dto.vendorId]);
      const [beforeView] = await this.views(m, ctx, [before]);
      const changes: Partial<MiniProgramEntity> = { ...dto };
      for (const key of ['serviceCategories', 'features', 'serverDomains'] as const) {
        if (dto[key]) changes[key] = unique(dto[key]);
      }
      try {
        await m.update(MiniProgramEntity, { id, organizationId: ctx.organizationId }, changes);
      } catch (error) {
        if (isUniqueViolation(error, APP_ID_CONSTRAINT)) throw duplicateAppId();
        throw error;
      }
      await this.observer.miniProgramsChanged(m, ctx, [id]);
      if (dto.ownerCreditCode !== undefined && dto.ownerCreditCode !== before.ownerCreditCode) {
        await this.observer.ownersChanged(m, ctx, [before.ownerCreditCode]);
      }
      const [after] = await this.views(m, ctx, [await this.find(m, ctx, id)]);
      await this.audit.record(m, ctx, {
        action: 'mini_program.updated',
        entityType: 'mini_program',
        entityId: id,
        before: beforeView,
        after,
      });
      return after;
    });
  }

  remove(ctx: AuthContext, id: string): Promise<void> {
    return this.db.transaction(async (m) => {
      const before = await this.find(m, ctx, id, true);
      const [view] = await this.views(m, ctx, [before]);
      await m.delete(MiniProgramEntity, { id, organizationId: ctx.organizationId });
      await this.observer.ownersChanged(m, ctx, [before.ownerCreditCode]);
      await this.audit.record(m, ctx, {
        action: 'mini_program.deleted',
        entityType: 'mini_program',
        entityId: id,
        before: view,
      });
    });
  }

  async listQualifications(ctx: AuthContext, miniProgramId: string): Promise<QualificationResponse[]> {
    await this.find(this.db.manager, ctx, miniProgramId);
    const rows = await this.db.getRepository(QualificationEntity).find({
      where: { organizationId: ctx.organizationId, miniProgramId },
      order: { expiresOn: 'ASC', id: 'ASC' },
    });
    return rows.map((r) => QualificationResponse.of(r));
  }

  async getQualification(
    ctx: AuthContext,
    miniProgramId: string,
    id: string,
  ): Promise<QualificationResponse> {
    return QualificationResponse.of(await this.findQualification(this.db.manager, ctx, miniProgramId, id));
  }

  addQualification(
    ctx: AuthContext,
    miniProgramId: string,
    dto: CreateQualificationDto,
  ): Promise<QualificationResponse> {
    return this.db.transaction(async (m) => {
      await this.find(m, ctx, miniProgramId, true);
      this.assertRequirement(dto.requirementCode);
      const saved = await m.save(QualificationEntity, qualificationRow(ctx, miniProgramId, dto));
      await this.observer.miniProgramsChanged(m, ctx, [miniProgramId]);
      const view = QualificationResponse.of(await this.findQualification(m, ctx, miniProgramId, saved.id));
      await this.audit.record(m, ctx, {
        action: 'qualification.created',
        entityType: 'qualification',
        entityId: saved.id,
        after: view,
      });
      return view;
    });
  }

  updateQualification(
    ctx: AuthContext,
    miniProgramId: string,
    id: string,
    dto: UpdateQualificationDto,
  ): Promise<QualificationResponse> {
    return this.db.transaction(async (m) => {
      await this.find(m, ctx, miniProgramId, true);
      const before = QualificationResponse.of(await this.findQualification(m, ctx, miniProgramId, id));
      if (dto.requirementCode) this.assertRequirement(dto.requirementCode);
      const merged = { issuedOn: before.issuedOn, expiresOn: before.expiresOn, ...dto };
      if (merged.issuedOn && merged.expiresOn && merged.expiresOn < merged.issuedOn) {
        throw DomainError.invalid([{ field: 'expiresOn', rule: 'must not be before issuedOn' }]);
      }
      // A date the owner types is the owner's again: the RDAP job will not overwrite it.
      await m.update(
        QualificationEntity,
        { id, organizationId: ctx.organizationId },
        { ...dto, ...(dto.expiresOn !== undefined ? { expirySource: 'owner' as const } : {}) },
      );
      await this.observer.miniProgramsChanged(m, ctx, [miniProgramId]);
      const after = QualificationResponse.of(await this.findQualification(m, ctx, miniProgramId, id));
      await this.audit.record(m, ctx, {
        action: 'qualification.updated',
        entityType: 'qualification',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  removeQualification(ctx: AuthContext, miniProgramId: string, id: string): Promise<void> {
    return this.db.transaction(async (m) => {
      await this.find(m, ctx, miniProgramId, true);
      const before = QualificationResponse.of(await this.findQualification(m, ctx, miniProgramId, id));
      await m.delete(QualificationEntity, { id, organizationId: ctx.organizationId });
      await this.observer.miniProgramsChanged(m, ctx, [miniProgramId]);
      await this.audit.record(m, ctx, {
        action: 'qualification.deleted',
        entityType: 'qualification',
        entityId: id,
        before,
      });
    });
  }

  /** What the catalogue refuses in a mini-program (an unknown feature or requirement code, a date order). */
  catalogueProblems(
    dto: UpdateMiniProgramDto & Partial<Pick<CreateMiniProgramDto, 'qualifications'>>,
    prefix: string,
  ): FieldProblem[] {
    const problems: FieldProblem[] = [];
    (dto.features ?? []).forEach((f, i) => {
      if (!this.requirements.isKnownFeature(f)) {
        problems.push({
          field: `${prefix}features[${i}]`,
          rule: `must be one of: ${this.requirements.knownFeatures().join(', ')}`,
        });
      }
    });
    (dto.qualifications ?? []).forEach((q, i) => {
      if (!this.requirements.isKnownRequirement(q.requirementCode)) {
        problems.push({
          field: `${prefix}qualifications[${i}].requirementCode`,
          rule: 'must be a code from GET /api/v1/catalogue',
        });
      }
      if (q.issuedOn && q.expiresOn && q.expiresOn < q.issuedOn) {
        problems.push({
          field: `${prefix}qualifications[${i}].expiresOn`,
          rule: 'must not be before issuedOn',
        });
      }
    });
    return problems;
  }

  private assertRequirement(code: string): void {
    if (!this.requirements.isKnownRequirement(code)) {
      throw DomainError.invalid([
        { field: 'requirementCode', rule: 'must be a code from GET /api/v1/catalogue' },
      ]);
    }
  }

  private async assertVendors(m: EntityManager, ctx: AuthContext, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const found = await m.countBy(VendorEntity, { organizationId: ctx.organizationId, id: In(ids) });
    if (found !== ids.length) {
      throw DomainError.invalid([
        { field: 'vendorId', rule: 'must be the id of a vendor of this organization' },
      ]);
    }
  }

  private async find(
    m: EntityManager,
    ctx: AuthContext,
    id: string,
    lock = false,
  ): Promise<MiniProgramEntity> {
    return findOwned(m, MiniProgramEntity, ctx.organizationId, id, 'Mini-program', lock);
  }

  private async findQualification(
    m: EntityManager,
    ctx: AuthContext,
    miniProgramId: string,
    id: string,
  ): Promise<QualificationEntity> {
    const row = await m.findOneBy(QualificationEntity, {
      id,
      miniProgramId,
      organizationId: ctx.organizationId,
    });
    if (!row) throw DomainError.notFound('Qualification');
    return row;
  }

  private async views(
    m: EntityManager,
    ctx: AuthContext,
    rows: MiniProgramEntity[],
  ): Promise<MiniProgramResponse[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const vendorIds = [...new Set(rows.map((r) => r.vendorId).filter((v): v is string => !!v))];
    const [qualifications, vendors] = await Promise.all([
      m.query<QualificationRow[]>(
        `SELECT id, organization_id, mini_program_id, requirement_code, number, issuer, issued_on, expires_on,
                original_held_by, expiry_source, created_at, updated_at
           FROM qualifications WHERE organization_id = $1 AND mini_program_id = ANY($2::uuid[])
          ORDER BY expires_on ASC, id ASC`,
        [ctx.organizationId, ids],
      ),
      vendorIds.length
        ? m.query<Pick<VendorEntity, 'id' | 'name' | 'status'>[]>(
            `SELECT id, name, status FROM vendors WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
            [ctx.organizationId, vendorIds],
          )
        : [],
    ]);
    const byMiniProgram = new Map<string, QualificationEntity[]>();
    for (const q of qualifications) {
      const list = byMiniProgram.get(q.mini_program_id) ?? [];
      list.push(qualificationOf(q));
      byMiniProgram.set(q.mini_program_id, list);
    }
    const vendorById = new Map(vendors.map((v) => [v.id, v]));
    return rows.map((r) =>
      MiniProgramResponse.of(
        r,
        (r.vendorId && vendorById.get(r.vendorId)) || null,
        byMiniProgram.get(r.id) ?? [],
        this.requirements.serviceCategoryPaths(),
      ),
    );
  }
}

/** The columns of a mini-program as `miniProgramOf` reads them. */
const MINI_PROGRAM_COLUMNS = `mp.id, mp.organization_id, mp.app_id, mp.name, mp.owner_name, mp.owner_credit_code,
  mp.service_categories, mp.features, mp.vendor_id, mp.certification_expires_on, mp.icp_filing_number,
  mp.bed_count, mp.server_domains, mp.notes, mp.created_at, mp.updated_at`;

interface MiniProgramRow {
  id: string;
  organization_id: string;
  app_id: string;
  name: string;
  owner_name: string;
  owner_credit_code: string;
  service_categories: string[];
  features: string[];
  vendor_id: string | null;
  certification_expires_on: string | null;
  icp_filing_number: string | null;
  bed_count: number | null;
  server_domains: string[];
  notes: string | null;
  created_at: Date;
  updated_at: Date;
}

function miniProgramOf(r: MiniProgramRow): MiniProgramEntity {
  return Object.assign(new MiniProgramEntity(), {
    id: r.id,
    organizationId: r.organization_id,
    appId: r.app_id,
    name: r.name,
    ownerName: r.owner_name,
    ownerCreditCode: r.owner_credit_code,
    serviceCategories: r.service_categories,
    features: r.features,
    vendorId: r.vendor_id,
    certificationExpiresOn: r.certification_expires_on,
    icpFilingNumber: r.icp_filing_number,
    bedCount: r.bed_count,
    serverDomains: r.server_domains,
    notes: r.notes,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
}

interface QualificationRow {
  id: string;
  organization_id: string;
  mini_program_id: string;
  requirement_code: string;
  number: string | null;
  issuer: string | null;
  issued_on: string | null;
  expires_on: string | null;
  original_held_by: QualificationEntity['originalHeldBy'];
  expiry_source: QualificationEntity['expirySource'];
  created_at: Date;
  updated_at: Date;
}

function qualificationOf(r: QualificationRow): QualificationEntity {
  return Object.assign(new QualificationEntity(), {
    id: r.id,
    organizationId: r.organization_id,
    miniProgramId: r.mini_program_id,
    requirementCode: r.requirement_code,
    number: r.number,
    issuer: r.issuer,
    issuedOn: r.issued_on,
    expiresOn: r.expires_on,
    originalHeldBy: r.original_held_by,
    expirySource: r.expiry_source,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
}

/**
 * Whether q could be part of an AppID. If not, `app_id ILIKE` is false for every row (the CHECK on app_id
 * allows nothing else), so the pieces of the name and the owner alone answer the search exactly.
 */
function couldMatchAppId(q: string): boolean {
  return APP_ID_CHARACTERS.test(q.toLowerCase());
}
