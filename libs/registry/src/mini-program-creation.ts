import type { EntityManager } from 'typeorm';
import type { AuditService } from '../../audit/src/audit.service.js';
import type { AuthContext } from '../../auth/src/auth-context.js';
import type { IdGenerator } from '../../common/src/ids.js';
import { isUniqueViolation } from '../../common/src/pg-errors.js';
import { DomainError, ErrorCode } from '../../common/src/domain.error.js';
import type { CreateMiniProgramDto } from './dto/mini-program.dto.js';
import type { CreateQualificationDto } from './dto/qualification.dto.js';
import { MiniProgramEntity } from './mini-program.entity.js';
import { QualificationEntity } from './qualification.entity.js';
import type { CreationPlanner } from './registry-ports.js';
import { MiniProgramResponse } from './responses.js';
import type { VendorEntity } from './vendor.entity.js';

export const APP_ID_CONSTRAINT = 'mini_programs_app_id_unique';

/** Rows per statement: fewer round trips than 1,000, and parameters of a few MB. */
const CHUNK = 5000;
/** Rows prepared between two turns of the event loop, in which the pg client sends the next statement. */
const SLICE = 500;

/**
 * Mini-programs being created in one transaction, chunk by chunk: one from the API, 50,000 from an import.
 * Ids are made here (time-ordered, see `IdGenerator`), and each row's view, derived cycles and audit record
 * are computed without the database. So while PostgreSQL writes one chunk, Node prepares the next (and the
 * import validates it): the import used to spend about as long in each as in the other, one after the
 * other. A chunk's statements are issued only after the last chunk's have succeeded; a failure is thrown
 * by the next `add` or by `finish`, and the caller's transaction then rolls everything back.
 */
export class MiniProgramCreation {
  private readonly vendorById: Map<string, Pick<VendorEntity, 'id' | 'name' | 'status'>>;
  private readonly views: MiniProgramResponse[] = [];
  private writing: Promise<void> = Promise.resolve();
  private aborted = false;

  constructor(
    private readonly m: EntityManager,
    private readonly ctx: AuthContext,
    private readonly deps: {
      vendors: Pick<VendorEntity, 'id' | 'name' | 'status'>[];
      /** The transaction's start: what the columns' default `now()` stores. */
      now: Date;
      planner: CreationPlanner;
      knownCategoryPaths: readonly string[];
      ids: IdGenerator;
      audit: AuditService;
    },
  ) {
    this.vendorById = new Map(deps.vendors.map((v) => [v.id, v]));
  }

  /** Prepares these mini-programs (vendors among those the creation began with) and queues their writes. */
  async add(dtos: readonly CreateMiniProgramDto[]): Promise<void> {
    try {
      await this.prepareAndQueue(dtos);
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /**
   * To be awaited before the caller's transaction callback throws: TypeORM sends ROLLBACK as soon as it
   * catches, and a chunk's statements still to come would then run after it, outside the transaction (an
   * audit insert, which has no foreign key to fail on, committed on its own). No further statement of
   * this creation is sent, and the one in flight is waited for.
   */
  async abort(): Promise<void> {
    this.aborted = true;
    await this.writing.catch(() => undefined);
  }

  private async prepareAndQueue(dtos: readonly CreateMiniProgramDto[]): Promise<void> {
    for (let start = 0; start < dtos.length; start += CHUNK) {
      const batch = dtos.slice(start, start + CHUNK);
      const rows: MiniProgramEntity[] = [];
      const qualifications: QualificationEntity[] = [];
      const views: MiniProgramResponse[] = [];
      for (let i = 0; i < batch.length; i++) {
        const row = this.newMiniProgram(batch[i]);
        const held = (batch[i].qualifications ?? [])
          .map((q) => this.newQualification(row.id, q))
          .sort(byExpiryThenId);
        rows.push(row);
        qualifications.push(...held);
        const vendor = (row.vendorId && this.vendorById.get(row.vendorId)) || null;
        views.push(MiniProgramResponse.of(row, vendor, held, this.deps.knownCategoryPaths));
        if (i % SLICE === SLICE - 1) await yieldToIo();
      }
      const planned = this.deps.planner.plan(rows, qualifications);
      await this.writing;
      this.writing = this.write(rows, qualifications, views, () => this.deps.planner.write(this.m, planned));
      // Awaited by the next `add` or by `finish`; until then its failure must not count as unhandled.
      this.writing.catch(() => undefined);
      this.views.push(...views);
      await yieldToIo();
    }
  }

  /** Waits for the last writes, then writes what the new mini-programs share (vendor contracts, owners). */
  async finish(): Promise<MiniProgramResponse[]> {
    if (this.aborted) throw new Error('MiniProgramCreation: finish after abort');
    await this.writing;
    await this.deps.planner.finish(this.m);
    return this.views;
  }

  /** One chunk's statements, in order: the mini-programs, their qualifications, their cycles, the audit. */
  private async write(
    rows: MiniProgramEntity[],
    qualifications: QualificationEntity[],
    views: MiniProgramResponse[],
    writeDerived: () => Promise<void>,
  ): Promise<void> {
    const { m, ctx } = this;
    if (this.aborted) return;
    try {
      // `json`, not `jsonb`: the rows are only read once, and parsing into jsonb cost PostgreSQL more.
      await m.query(
        `INSERT INTO mini_programs (id, organization_id, app_id, name, owner_name, owner_credit_code,
                service_categories, features, vendor_id, certification_expires_on, icp_filing_number,
                bed_count, server_domains, notes)
         SELECT r.id, $1, r.app_id, r.name, r.owner_name, r.owner_credit_code, r.service_categories, r.features,
                r.vendor_id, r.certification_expires_on, r.icp_filing_number, r.bed_count, r.server_domains,
                r.notes
           FROM json_to_recordset($2::json) AS r(id uuid, app_id text, name text, owner_name text,
                owner_credit_code text, service_categories text[], features text[], vendor_id uuid,
                certification_expires_on date, icp_filing_number text, bed_count int, server_domains text[],
                notes text)`,
        [
          ctx.organizationId,
          JSON.stringify(
            rows.map((r) => ({
              id: r.id,
              app_id: r.appId,
              name: r.name,
              owner_name: r.ownerName,
              owner_credit_code: r.ownerCreditCode,
              service_categories: r.serviceCategories,
              features: r.features,
              vendor_id: r.vendorId,
              certification_expires_on: r.certificationExpiresOn,
              icp_filing_number: r.icpFilingNumber,
              bed_count: r.bedCount,
              server_domains: r.serverDomains,
              notes: r.notes,
            })),
          ),
        ],
      );
    } catch (error) {
      if (isUniqueViolation(error, APP_ID_CONSTRAINT)) throw duplicateAppId();
      throw error;
    }
    if (this.aborted) return;
    if (qualifications.length) {
      await m.query(
        `INSERT INTO qualifications (id, organization_id, mini_program_id, requirement_code, number, issuer,
                issued_on, expires_on, original_held_by)
         SELECT q.id, $1, q.mini_program_id, q.requirement_code, q.number, q.issuer, q.issued_on, q.expires_on,
                q.original_held_by
           FROM json_to_recordset($2::json) AS q(id uuid, mini_program_id uuid, requirement_code text,
                number text, issuer text, issued_on date, expires_on date, original_held_by text)`,
        [
          ctx.organizationId,
          JSON.stringify(
            qualifications.map((q) => ({
              id: q.id,
              mini_program_id: q.miniProgramId,
              requirement_code: q.requirementCode,
              number: q.number,
              issuer: q.issuer,
              issued_on: q.issuedOn,
              expires_on: q.expiresOn,
              original_held_by: q.originalHeldBy,
            })),
          ),
        ],
      );
    }
    if (this.aborted) return;
    await writeDerived();
    if (this.aborted) return;
    await this.deps.audit.recordMany(
      m,
      ctx,
      views.map((view) => ({
        action: 'mini_program.created',
        entityType: 'mini_program',
        entityId: view.id,
        after: view,
      })),
    );
  }

  private newMiniProgram(dto: CreateMiniProgramDto): MiniProgramEntity {
    return Object.assign(new MiniProgramEntity(), {
      id: this.deps.ids.next(),
      organizationId: this.ctx.organizationId,
      appId: dto.appId,
      name: dto.name,
      ownerName: dto.ownerName,
      ownerCreditCode: dto.ownerCreditCode,
      serviceCategories: unique(dto.serviceCategories ?? []),
      features: unique(dto.features ?? []),
      // the database's spelling of the uuid, which the vendor maps are keyed by (the DTO accepts upper case)
      vendorId: dto.vendorId?.toLowerCase() ?? null,
      certificationExpiresOn: dto.certificationExpiresOn ?? null,
      icpFilingNumber: dto.icpFilingNumber ?? null,
      bedCount: dto.bedCount ?? null,
      serverDomains: unique(dto.serverDomains ?? []),
      notes: dto.notes ?? null,
      createdAt: this.deps.now,
      updatedAt: this.deps.now,
    });
  }

  private newQualification(miniProgramId: string, q: CreateQualificationDto): QualificationEntity {
    return Object.assign(new QualificationEntity(), {
      ...qualificationRow(this.ctx, miniProgramId, q),
      id: this.deps.ids.next(),
      expirySource: 'owner',
      createdAt: this.deps.now,
      updatedAt: this.deps.now,
    });
  }
}

export function qualificationRow(
  ctx: AuthContext,
  miniProgramId: string,
  q: CreateQualificationDto,
): Partial<QualificationEntity> {
  return {
    organizationId: ctx.organizationId,
    miniProgramId,
    requirementCode: q.requirementCode,
    number: q.number ?? null,
    issuer: q.issuer ?? null,
    issuedOn: q.issuedOn ?? null,
    expiresOn: q.expiresOn ?? null,
    originalHeldBy: q.originalHeldBy ?? 'owner',
  };
}

export function duplicateAppId(): DomainError {
  return new DomainError(
    ErrorCode.Conflict,
    'A mini-program with this AppID is already registered in the organization',
    [{ field: 'appId', rule: 'must be unique within the organization' }],
  );
}

export function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The order the registry reads qualifications in: `ORDER BY expires_on ASC, id ASC` (nulls last, as PostgreSQL). */
function byExpiryThenId(a: QualificationEntity, b: QualificationEntity): number {
  if (a.expiresOn !== b.expiresOn) {
    if (a.expiresOn === null) return 1;
    if (b.expiresOn === null) return -1;
    return a.expiresOn < b.expiresOn ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A turn of the event loop, in which sockets are read and written. */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
