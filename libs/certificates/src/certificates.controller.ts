import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Auth, type AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { findOwned } from '../../common/src/find-owned.js';
import { toPage } from '../../common/src/pagination.js';
import { uuid } from '../../registry/src/contacts.controller.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';
import { CertificateWatchService } from './certificate-watch.service.js';
import { type FindingFilter, ListCertificatesQuery } from './certificates.dto.js';

interface CheckRow {
  domain: string;
  mini_program_ids: string[];
  checked_at: Date | null;
  trigger: string | null;
  outcome: string | null;
  finding: string | null;
  findings: string[] | null;
  not_before: Date | null;
  not_after: Date | null;
  issuer: string | null;
  subject: string | null;
  names: string[] | null;
  chain_valid: boolean | null;
  chain_error: string | null;
  protocol: string | null;
  error: string | null;
  deadline_id: string | null;
  due_on: string | null;
  deadline_state: string | null;
}

const view = (r: CheckRow) => ({
  domain: r.domain,
  miniProgramIds: r.mini_program_ids,
  checkedAt: r.checked_at?.toISOString() ?? null,
  trigger: r.trigger,
  outcome: r.outcome,
  finding: r.finding,
  findings: r.findings ?? [],
  notBefore: r.not_before?.toISOString() ?? null,
  notAfter: r.not_after?.toISOString() ?? null,
  issuer: r.issuer,
  subject: r.subject,
  names: r.names,
  chainValid: r.chain_valid,
  chainError: r.chain_error,
  protocol: r.protocol,
  error: r.error,
  deadline: r.deadline_id ? { id: r.deadline_id, dueOn: r.due_on, state: r.deadline_state } : null,
});

/** `certificates` counts matching domains up to this many (or to the end of the page, if further). */
export const CERTIFICATES_COUNTED_UP_TO = 10_000;

/**
 * The registered domains (`mini_program_domains`, kept by triggers) matching a finding filter, in domain
 * order, each with its latest check (`certificate_latest`, kept by a trigger). Without a filter the
 * domains are read from their index and only the page's rows look up their check, so a deep page skips
 * index entries rather than joining every skipped domain; with one, the checks are read from the partial
 * index of checks with a finding (or, for `ok`, in domain order) and kept while the domain is registered.
 */
function matching(finding: FindingFilter | undefined): string {
  if (!finding) return `SELECT DISTINCT domain FROM mini_program_domains WHERE organization_id = $1`;
  const condition =
    finding === 'ok'
      ? 'l.finding IS NULL'
      : finding === 'any'
        ? 'l.finding IS NOT NULL'
        : // a listed finding implies a non-empty list, which the partial index covers
          `(l.finding IS NOT NULL OR l.findings <> '{}') AND $2::text = ANY(l.findings)`;
  // still registered: one probe of the domain index per check (LIMIT 1 keeps it a probe; as EXISTS it was
  // planned as a hash of every registered domain, read again for a page of 50)
  return `
    SELECT l.domain, l.check_id FROM certificate_latest l
      JOIN LATERAL (SELECT 1 FROM mini_program_domains md
                     WHERE md.organization_id = $1 AND md.domain = l.domain LIMIT 1) registered ON true
     WHERE l.organization_id = $1 AND ${condition}`;
}
function pageOf(finding: FindingFilter | undefined, limit: number, offset: number): string {
  const ordered = `${matching(finding)} ORDER BY domain LIMIT ${limit} OFFSET ${offset}`;
  if (finding) return ordered;
  return `SELECT r.domain, l.check_id FROM (${ordered}) r
            LEFT JOIN certificate_latest l ON l.organization_id = $1 AND l.domain = r.domain`;
}
/** The page's rows, each with its mini-programs (oldest first), latest check and live certificate deadline. */
const DETAILS = `
  SELECT p.domain,
         ARRAY(SELECT mp.id FROM mini_program_domains md
                 JOIN mini_programs mp ON mp.organization_id = md.organization_id AND mp.id = md.mini_program_id
                WHERE md.organization_id = $1 AND md.domain = p.domain
                ORDER BY mp.created_at, mp.id) AS mini_program_ids,
         c.checked_at, c.trigger, c.outcome, c.finding, c.findings,
         c.not_before, c.not_after, c.issuer, c.subject, c.names, c.chain_valid, c.chain_error,
         c.protocol, c.error, dl.id AS deadline_id, dl.due_on::text AS due_on, dl.state AS deadline_state
    FROM page p
    LEFT JOIN certificate_checks c ON c.id = p.check_id
    LEFT JOIN deadlines dl
      ON dl.organization_id = $1 AND dl.subject_key = 'tls:' || p.domain
     AND dl.state IN ('open', 'acknowledged', 'snoozed')
   ORDER BY p.domain`;

export type CertificateView = ReturnType<typeof view>;

/** The latest check of each of one mini-program's server domains (the caller checks the mini-program is the organization's). */
export async function certificatesOfMiniProgram(
  db: DataSource,
  organizationId: string,
  miniProgramId: string,
): Promise<CertificateView[]> {
  const rows = await db.query<CheckRow[]>(
    `WITH page AS (
       SELECT md.domain, l.check_id
         FROM mini_program_domains md
         LEFT JOIN certificate_latest l ON l.organization_id = $1 AND l.domain = md.domain
        WHERE md.organization_id = $1 AND md.mini_program_id = $2)
     ${DETAILS}`,
    [organizationId, miniProgramId],
  );
  return rows.map(view);
}

@ApiTags('certificates')
@ApiBearerAuth()
@Controller('api/v1')
export class CertificatesController {
  constructor(
    private readonly db: DataSource,
    private readonly watch: CertificateWatchService,
    private readonly clock: Clock,
  ) {}

  @Get('certificates/probe-budget')
  @ApiOperation({
    summary:
      "Today's certificate probes against the daily limit (CERT_WATCH_DAILY_PROBE_LIMIT); " +
      '`limitReachedAt` is set and `skipped` counts the domains left unchecked once the limit is hit',
  })
  budget(@Auth() auth: AuthContext) {
    return this.watch.budget(auth.organizationId, auth.timeZone, this.clock.now());
  }

  @Get('mini-programs/:id/certificates')
  @ApiOperation({ summary: "The latest TLS check of each of a mini-program's server domains" })
  async ofMiniProgram(@Auth() auth: AuthContext, @Param('id', uuid) id: string) {
    await findOwned(this.db.manager, MiniProgramEntity, auth.organizationId, id, 'Mini-program');
    return certificatesOfMiniProgram(this.db, auth.organizationId, id);
  }

  @Get('certificates')
  @ApiOperation({
    summary:
      'The latest TLS check of every registered server domain; filter by finding (`ok`, `any` or one kind). ' +
      `Matches are counted up to ${CERTIFICATES_COUNTED_UP_TO.toLocaleString('en')} (or to the end of the page): ` +
      'when more match, `page.totalIsExact` is false and `page.total` is a lower bound.',
  })
  async list(@Auth() auth: AuthContext, @Query() query: ListCertificatesQuery) {
    const { finding, limit, offset } = query;
    const params =
      finding && finding !== 'ok' && finding !== 'any'
        ? [auth.organizationId, finding]
        : [auth.organizationId];
    // Counted up to a cap (past the end of this page, so `next` is right), as the deadline list does: an
    // exact count read every registered domain of the organization on every page.
    const countLimit = Math.max(CERTIFICATES_COUNTED_UP_TO, offset + limit) + 1;
    const [rows, [{ counted }]] = await Promise.all([
      this.db.query<CheckRow[]>(`WITH page AS (${pageOf(finding, limit, offset)}) ${DETAILS}`, params),
      this.db.query<{ counted: number }[]>(
        `SELECT count(*)::int AS counted FROM (${matching(finding)} LIMIT ${countLimit}) AS matches`,
        params,
      ),
    ]);
    const { items, page } = toPage(rows.map(view), counted, query, '/api/v1/certificates', { finding });
    return { items, page: { ...page, totalIsExact: counted < countLimit } };
  }
}
