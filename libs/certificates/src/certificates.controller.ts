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
import { ListCertificatesQuery } from './certificates.dto.js';

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

/**
 * Registered domains (`mini_program_domains`, kept by triggers) with their latest check
 * (`certificate_latest`, kept by a trigger): both read in domain order from their primary keys, so a page
 * stops after its rows instead of grouping every mini-program's domains and probing each one's checks.
 */
const REGISTERED = `
  SELECT r.domain, l.check_id
    FROM (SELECT DISTINCT domain FROM mini_program_domains WHERE organization_id = $1) r
    LEFT JOIN certificate_latest l ON l.organization_id = $1 AND l.domain = r.domain`;
const FILTER = `
   WHERE ($2::text IS NULL
          OR ($2 = 'ok' AND l.check_id IS NOT NULL AND l.finding IS NULL)
          OR ($2 = 'any' AND l.finding IS NOT NULL)
          OR $2 = ANY(l.findings))`;
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
      'The latest TLS check of every registered server domain; filter by finding (`ok`, `any` or one kind)',
  })
  async list(@Auth() auth: AuthContext, @Query() query: ListCertificatesQuery) {
    const params = [auth.organizationId, query.finding ?? null];
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<CheckRow[]>(
        `WITH page AS (${REGISTERED} ${FILTER} ORDER BY r.domain LIMIT $3 OFFSET $4) ${DETAILS}`,
        [...params, query.limit, query.offset],
      ),
      this.db.query<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM (${REGISTERED} ${FILTER}) AS matches`,
        params,
      ),
    ]);
    return toPage(rows.map(view), total, query, '/api/v1/certificates', { finding: query.finding });
  }
}
