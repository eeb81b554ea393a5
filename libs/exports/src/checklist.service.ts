import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import {
  type Catalogue,
  findRequirement,
  localize,
  type LocalizedRequirement,
  type Requirement,
} from '../../catalogue/src/index.js';
import { Clock } from '../../common/src/clock.js';
import { DomainError, type FieldProblem } from '../../common/src/domain.error.js';
import { validateLocalDate } from '../../common/src/rules.js';
import type { StoredLadder } from '../../common/src/stored-ladder.js';
import { DeadlineEntity, LIVE_STATES } from '../../deadlines/src/deadline.entity.js';
import { WITHHELD_TEXT } from '../../domain/src/continuity/index.js';
import { consequenceFor } from '../../domain/src/reminders/index.js';
import { daysBetween, localDateOf } from '../../domain/src/time/index.js';
import { withholdSecret } from '../../domain/src/validation/index.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { CatalogueService } from '../../requirements/src/catalogue.service.js';
import {
  type ChecklistItem,
  type ChecklistRow,
  type ExportExtension,
  type ExportFileName,
  type ExportHeader,
  type ExportLocale,
  exportFileName,
  labelsFor,
} from './renderers/index.js';
import { deadlineDisplayName } from '../../domain/src/deadlines/index.js';

export const CHECKLIST_FORMATS = ['csv', 'xlsx', 'pdf', 'md'] as const;
export type ChecklistFormat = (typeof CHECKLIST_FORMATS)[number];

/** What a checklist covers; every part is optional and they combine (AND). */
export interface ChecklistScope {
  miniProgramId?: string;
  deadlineId?: string;
  /** 'YYYY-MM-DD', inclusive. */
  dueFrom?: string;
  /** 'YYYY-MM-DD', inclusive. */
  dueTo?: string;
}

/** A checklist whose scope has been checked: nothing is read or written until `rows()` is iterated. */
export interface PreparedChecklist {
  header: ExportHeader;
  /** The organization's local today, the date in file names. */
  today: string;
  fileName(ext: ExportExtension): ExportFileName;
  rows(): AsyncIterable<ChecklistRow>;
}

/** One checklist row and the escalation ladder of its deadline (null: the organization's). */
export interface ChecklistEntry {
  row: ChecklistRow;
  ladder: StoredLadder | null;
}

interface DeadlineRow {
  id: string;
  kind: string;
  requirement_code: string | null;
  title: string | null;
  due_on: string;
  act_by: string;
  window_opens_on: string;
  state: string;
  sequence: number;
  ladder: StoredLadder | null;
  mini_program_id: string | null;
  mp_name: string | null;
  app_id: string | null;
  vendor_name: string | null;
  vendor_status: string | null;
}

/**
 * Documents that are the held qualification itself (the licence or certificate being renewed). Only these
 * can be known to be on file: mp-guard records qualifications, not the other papers a renewal needs.
 */
const HELD_DOCUMENT_IDS = new Set(['current_licence', 'current_certificate']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const WORDS = {
  'zh-CN': {
    owner: '业主',
    ownerAlone: '业主自行办理（服务商已失联）',
    vendor: (name: string) => `服务商：${name}`,
    all: '全部小程序',
    window: (from?: string, to?: string) =>
      from && to ? `截止 ${from} 至 ${to}` : from ? `截止 ${from} 起` : `截止至 ${to}`,
  },
  en: {
    owner: 'Owner',
    ownerAlone: 'The owner alone (vendor unavailable)',
    vendor: (name: string) => `Vendor: ${name}`,
    all: 'All mini-programs',
    window: (from?: string, to?: string) =>
      from && to ? `due ${from} to ${to}` : from ? `due from ${from}` : `due until ${to}`,
  },
} as const;

/**
 * The renewal checklist: live deadline cycles of a scope joined with the catalogue, the mini-program's
 * qualifications and its vendor's status, one localized `ChecklistRow` each. Rows are read in keyset pages,
 * so an export of any size holds one page in memory.
 */
@Injectable()
export class ChecklistService {
  /** Rows per keyset page: one page is held in memory while it is rendered. */
  static readonly PAGE_SIZE = 2000;
  /** Rows of the first page: a few, so the file starts at once while the next, full page is read. */
  static readonly FIRST_PAGE_SIZE = 50;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly catalogue: CatalogueService,
  ) {}

  /** Every problem of a scope, named by its parameter (the HTTP query and the CLI share these rules). */
  static problemsOf(scope: ChecklistScope): FieldProblem[] {
    const problems: FieldProblem[] = [];
    for (const field of ['miniProgramId', 'deadlineId'] as const) {
      const value = scope[field];
      if (value !== undefined && !UUID.test(value)) problems.push({ field, rule: 'must be a UUID' });
    }
    for (const field of ['dueFrom', 'dueTo'] as const) {
      const value = scope[field];
      const rule = value === undefined ? null : validateLocalDate(value);
      if (rule) problems.push({ field, rule });
    }
    if (!problems.length && scope.dueFrom && scope.dueTo && scope.dueFrom > scope.dueTo) {
      problems.push({ field: 'dueTo', rule: `must be on or after dueFrom (${scope.dueFrom})` });
    }
    return problems;
  }

  /**
   * Checks the scope (400 naming the parameter; 404 for a mini-program or deadline that is not this
   * organization's, exactly as for one that does not exist) before anything is written.
   */
  async prepare(ctx: AuthContext, scope: ChecklistScope, locale: ExportLocale): Promise<PreparedChecklist> {
    const problems = ChecklistService.problemsOf(scope);
    if (problems.length) throw DomainError.invalid(problems);
    const org = await this.db
      .getRepository(OrganizationEntity)
      .findOneBy({ id: ctx.organizationId })
      .then((o) => o ?? Promise.reject(DomainError.notFound('Organization')));
    const words = WORDS[locale];
    let scopeLabel: string = words.all;
    let appId: string | undefined;
    // which scope this is, in ASCII: what `curl -OJ` names the file
    const asciiScope: string[] = [];
    if (scope.miniProgramId) {
      const mp = await this.db
        .getRepository(MiniProgramEntity)
        .findOneBy({ id: scope.miniProgramId, organizationId: org.id });
      if (!mp) throw DomainError.notFound('Mini-program');
      scopeLabel = withheld(mp.name, locale);
      appId = mp.appId;
      asciiScope.push(mp.appId);
    }
    if (scope.deadlineId) {
      const deadline = await this.db
        .getRepository(DeadlineEntity)
        .findOneBy({ id: scope.deadlineId, organizationId: org.id });
      if (!deadline) throw DomainError.notFound('Deadline');
      const mp = deadline.miniProgramId
        ? await this.db
            .getRepository(MiniProgramEntity)
            .findOneBy({ id: deadline.miniProgramId, organizationId: org.id })
        : null;
      const name = deadlineDisplayName(
        this.catalogue.localized(deadline.requirementCode, locale)?.name,
        { kind: deadline.kind, title: withheld(deadline.title, locale) },
        locale,
      );
      scopeLabel = `${name} · ${withheld(mp?.name, locale) ?? labelsFor(locale).organizationLevel}`;
      appId = mp?.appId ?? appId;
      asciiScope.splice(0, asciiScope.length, mp?.appId ?? 'organization');
      asciiScope.push(deadline.requirementCode ?? deadline.kind, `deadline-${deadline.id.slice(0, 8)}`);
    }
    if (scope.dueFrom || scope.dueTo) {
      scopeLabel += ` ${words.window(scope.dueFrom, scope.dueTo)}`;
      asciiScope.push(
        scope.dueFrom && scope.dueTo
          ? `due-${scope.dueFrom}-to-${scope.dueTo}`
          : scope.dueFrom
            ? `due-from-${scope.dueFrom}`
            : `due-until-${scope.dueTo}`,
      );
    }
    if (!asciiScope.length) asciiScope.push('all');

    const now = this.clock.now();
    const today = localDateOf(now, org.timeZone);
    const header: ExportHeader = {
      organizationName: withheld(org.name, locale),
      timeZone: org.timeZone,
      locale,
      generatedAt: now,
      scopeLabel,
    };
    const entries = () => this.entries(org, scope, locale, today);
    return {
      header,
      today,
      fileName: (ext) =>
        exportFileName({ scopeLabel, appId, asciiScope: asciiScope.join('_'), date: today, ext }),
      rows: async function* () {
        for await (const entry of entries()) yield entry.row;
      },
    };
  }

  /** The live cycles of a scope with their ladders, sorted by mini-program name, then due date. */
  async *entries(
    org: OrganizationEntity,
    scope: ChecklistScope,
    locale: ExportLocale,
    today: string,
  ): AsyncGenerator<ChecklistEntry> {
    const catalogue = this.catalogue.forOrganization(org.catalogueOverrides);
    const localized = new LocalizedRequirements(catalogue, locale);
    // The next page is read while this one is rendered, so the database and the renderer overlap.
    const size = ChecklistService.PAGE_SIZE;
    let limit = Math.min(ChecklistService.FIRST_PAGE_SIZE, size);
    let next = this.page(org.id, scope, null, limit);
    for (;;) {
      const page = await next;
      if (!page.length) return;
      const more = page.length === limit;
      if (more) {
        const last = page[page.length - 1];
        limit = size;
        next = this.page(
          org.id,
          scope,
          [last.mini_program_id === null, last.mp_name, last.mini_program_id, last.due_on, last.id],
          limit,
        );
        // awaited on the next turn; a reader that stops early must not leave it rejecting unhandled
        next.catch(() => undefined);
      }
      const held = await this.heldQualifications(org.id, page);
      for (const d of page) {
        yield { row: this.rowOf(d, localized, held, locale, today), ladder: d.ladder };
      }
      if (!more) return;
    }
  }

  /**
   * One keyset page. The sort key groups each mini-program's rows together even when two share a name
   * (its id breaks the tie) and puts organization-level rows (a vendor contract) last, as one group.
   * Mini-programs are read in that order from their name index, each with its live cycles, so a page
   * stops after its rows; sorting every live cycle of the organization for each page took 0.4 s for the
   * first byte at 50,000 mini-programs. Organization-level rows follow, by due date.
   */
  private async page(
    organizationId: string,
    scope: ChecklistScope,
    after: unknown[] | null,
    limit: number,
  ): Promise<DeadlineRow[]> {
    const rows = after?.[0] === true ? [] : await this.miniProgramRows(organizationId, scope, after, limit);
    if (rows.length === limit || scope.miniProgramId) return rows;
    const since = after?.[0] === true ? after : null;
    return [...rows, ...(await this.organizationRows(organizationId, scope, since, limit - rows.length))];
  }

  private scopeFilters(scope: ChecklistScope, params: unknown[]): string[] {
    const where: string[] = [];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (scope.deadlineId) add((n) => `d.id = $${n}::uuid`, scope.deadlineId);
    if (scope.dueFrom) add((n) => `d.due_on >= $${n}::date`, scope.dueFrom);
    if (scope.dueTo) add((n) => `d.due_on <= $${n}::date`, scope.dueTo);
    return where;
  }

  private miniProgramRows(
    organizationId: string,
    scope: ChecklistScope,
    after: unknown[] | null,
    limit: number,
  ): Promise<DeadlineRow[]> {
    const params: unknown[] = [organizationId, LIVE_STATES];
    const inner = ['d.organization_id = mp.organization_id', 'd.mini_program_id = mp.id'];
    inner.push('d.state = ANY($2::text[])', ...this.scopeFilters(scope, params));
    const outer = ['mp.organization_id = $1'];
    if (scope.miniProgramId) {
      params.push(scope.miniProgramId);
      outer.push(`mp.id = $${params.length}::uuid`);
    }
    if (after) {
      const n = params.length;
      params.push(after[1], after[2], after[3], after[4]);
      // the first condition is the index range, the second the exact position inside a mini-program
      outer.push(`(mp.name, mp.id) >= ($${n + 1}::text, $${n + 2}::uuid)`);
      outer.push(
        `(mp.name, mp.id, d.due_on, d.id) > ($${n + 1}::text, $${n + 2}::uuid, $${n + 3}::date, $${n + 4}::uuid)`,
      );
    }
    return this.db.query<DeadlineRow[]>(
      `SELECT d.id, d.kind, d.requirement_code, d.title, d.due_on, d.act_by, d.window_opens_on, d.state,
              d.sequence, d.ladder, d.mini_program_id, mp.name AS mp_name, mp.app_id,
              v.name AS vendor_name, v.status AS vendor_status
         FROM mini_programs mp
         JOIN LATERAL (SELECT * FROM deadlines d WHERE ${inner.join(' AND ')}) d ON true
         LEFT JOIN vendors v ON v.organization_id = d.organization_id AND v.id = d.vendor_id
        WHERE ${outer.join(' AND ')}
        ORDER BY mp.name, mp.id, d.due_on, d.id
        LIMIT ${limit}`,
      params,
    );
  }

  private organizationRows(
    organizationId: string,
    scope: ChecklistScope,
    after: unknown[] | null,
    limit: number,
  ): Promise<DeadlineRow[]> {
    const params: unknown[] = [organizationId, LIVE_STATES];
    const where = ['d.organization_id = $1', 'd.mini_program_id IS NULL', 'd.state = ANY($2::text[])'];
    where.push(...this.scopeFilters(scope, params));
    if (after) {
      const n = params.length;
      params.push(after[3], after[4]);
      where.push(`(d.due_on, d.id) > ($${n + 1}::date, $${n + 2}::uuid)`);
    }
    return this.db.query<DeadlineRow[]>(
      `SELECT d.id, d.kind, d.requirement_code, d.title, d.due_on, d.act_by, d.window_opens_on, d.state,
              d.sequence, d.ladder, d.mini_program_id, NULL AS mp_name, NULL AS app_id,
              v.name AS vendor_name, v.status AS vendor_status
         FROM deadlines d
         LEFT JOIN vendors v ON v.organization_id = d.organization_id AND v.id = d.vendor_id
        WHERE ${where.join(' AND ')}
        ORDER BY d.due_on, d.id
        LIMIT ${limit}`,
      params,
    );
  }

  /** `<mini-program id>:<requirement code>` of the qualifications whose original the owner holds. */
  private async heldQualifications(organizationId: string, page: DeadlineRow[]): Promise<Set<string>> {
    const ids = [...new Set(page.map((d) => d.mini_program_id).filter((id): id is string => id !== null))];
    if (!ids.length) return new Set();
    const rows = await this.db.query<{ mini_program_id: string; requirement_code: string }[]>(
      `SELECT DISTINCT mini_program_id, requirement_code FROM qualifications
        WHERE organization_id = $1 AND mini_program_id = ANY($2::uuid[]) AND original_held_by = 'owner'`,
      [organizationId, ids],
    );
    return new Set(rows.map((r) => `${r.mini_program_id}:${r.requirement_code}`));
  }

  private rowOf(
    d: DeadlineRow,
    requirements: LocalizedRequirements,
    held: Set<string>,
    locale: ExportLocale,
    today: string,
  ): ChecklistRow {
    const cached = d.requirement_code ? requirements.get(d.requirement_code) : null;
    const requirement = cached?.requirement;
    const localized = cached?.localized ?? null;
    const daysLeft = daysBetween(today, d.due_on);
    const onFile = held.has(`${d.mini_program_id}:${d.requirement_code}`);
    const documents: ChecklistItem[] = (cached?.documents ?? []).map((doc) => ({
      id: doc.id,
      text: doc.text,
      onFile: HELD_DOCUMENT_IDS.has(doc.id) ? onFile : null,
    }));
    const steps: ChecklistItem[] = (cached?.steps ?? []).map((step) => ({ ...step }));
    return {
      deadlineId: d.id,
      miniProgram:
        d.mini_program_id && d.mp_name !== null
          ? { id: d.mini_program_id, name: withheld(d.mp_name, locale), appId: d.app_id ?? '' }
          : null,
      requirementCode: d.requirement_code,
      requirementName: deadlineDisplayName(localized?.name, { kind: d.kind, title: withheld(d.title, locale) }, locale),
      kind: d.kind,
      dueOn: d.due_on,
      actBy: d.act_by,
      windowOpensOn: d.window_opens_on,
      daysLeft,
      state: d.state,
      whoMustAct: whoMustAct(d, locale),
      documents,
      steps,
      consequence: requirement ? (consequenceFor(requirement, -daysLeft, locale)?.text ?? null) : null,
      sourceUrl: localized?.sourceUrl ?? null,
      sequence: d.sequence,
    };
  }
}

/**
 * Text people typed, or a notice in its place when it looks like a secret: input refuses secrets, but a row
 * stored before that rule (or written straight into the database) must not leak through an export.
 */
export function withheld<T extends string | null | undefined>(text: T, locale: ExportLocale): T | string {
  return withholdSecret(text, WITHHELD_TEXT[locale]);
}

/**
 * The vendor while it is active; the owner alone while it is unresponsive or ceased; the owner when there
 * is no vendor, and for a vendor's own contract (renewing it is the owner's decision).
 */
export function whoMustAct(
  d: { vendor_status: string | null; vendor_name: string | null; kind: string },
  locale: ExportLocale,
): string {
  const words = WORDS[locale];
  const unavailable = d.vendor_status === 'unresponsive' || d.vendor_status === 'ceased';
  if (d.vendor_name === null) return words.owner;
  if (unavailable) return words.ownerAlone;
  return d.kind === 'vendor_contract_end' ? words.owner : words.vendor(withheld(d.vendor_name, locale));
}

interface CachedRequirement {
  requirement: Requirement;
  localized: LocalizedRequirement;
  documents: { id: string; text: string }[];
  steps: ChecklistItem[];
}

/** Each requirement localized once per export rather than once per row (10,000 rows share a few dozen). */
class LocalizedRequirements {
  private readonly cache = new Map<string, CachedRequirement | null>();

  constructor(
    private readonly catalogue: Catalogue,
    private readonly locale: ExportLocale,
  ) {}

  get(code: string): CachedRequirement | null {
    let entry = this.cache.get(code);
    if (entry === undefined) {
      const requirement = findRequirement(this.catalogue, code);
      entry = requirement ? this.localize(requirement) : null;
      this.cache.set(code, entry);
    }
    return entry;
  }

  private localize(requirement: Requirement): CachedRequirement {
    const localized = localize(requirement, this.locale);
    const labels = labelsFor(this.locale);
    return {
      requirement,
      localized,
      documents: localized.documents.map((doc) => ({
        id: doc.id,
        text: doc.note ? `${doc.name}${labels.aside(doc.note)}` : doc.name,
      })),
      steps: localized.steps.map((step) => ({ id: step.id, text: step.text, actor: step.actor })),
    };
  }
}
