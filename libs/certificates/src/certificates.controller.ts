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
  total?: string;
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

/** The latest check of every registered domain (a domain never checked yet has `checkedAt: null`). */
const LATEST = `
  WITH registered AS (
    SELECT d.domain, array_agg(mp.id ORDER BY mp.created_at, mp.id) AS mini_program_ids
      FROM mini_programs mp CROSS JOIN LATERAL unnest(mp.server_domains) AS d(domain)
     WHERE mp.organization_id = $1
     GROUP BY d.domain)
  SELECT r.domain, r.mini_program_ids, c.checked_at, c.trigger, c.outcome, c.finding, c.findings,
         c.not_before, c.not_after, c.issuer, c.subject, c.names, c.chain_valid, c.chain_error,
         c.protocol, c.error, dl.id AS deadline_id, dl.due_on::text AS due_on, dl.state AS deadline_state`;
const FROM = `
    FROM registered r
    LEFT JOIN LATERAL (
      SELECT * FROM certificate_checks c
       WHERE c.organization_id = $1 AND c.domain = r.domain
       ORDER BY c.checked_at DESC, c.id DESC LIMIT 1) c ON true
    LEFT JOIN deadlines dl
      ON dl.organization_id = $1 AND dl.subject_key = 'tls:' || r.domain
     AND dl.state IN ('open', 'acknowledged', 'snoozed')`;

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
    const rows = await this.db.query<CheckRow[]>(
      `${LATEST} ${FROM}
        WHERE r.domain IN (SELECT unnest(server_domains) FROM mini_programs WHERE organization_id = $1 AND id = $2)
        ORDER BY r.domain`,
      [auth.organizationId, id],
    );
    return rows.map(view);
  }

  @Get('certificates')
  @ApiOperation({
    summary:
      'The latest TLS check of every registered server domain; filter by finding (`ok`, `any` or one kind)',
  })
  async list(@Auth() auth: AuthContext, @Query() query: ListCertificatesQuery) {
    const rows = await this.db.query<CheckRow[]>(
      `${LATEST}, count(*) OVER () AS total ${FROM}
        WHERE ($2::text IS NULL
               OR ($2 = 'ok' AND c.id IS NOT NULL AND c.finding IS NULL)
               OR ($2 = 'any' AND c.finding IS NOT NULL)
               OR $2 = ANY(c.findings))
        ORDER BY r.domain LIMIT $3 OFFSET $4`,
      [auth.organizationId, query.finding ?? null, query.limit, query.offset],
    );
    const total = rows.length ? Number(rows[0].total) : 0;
    return toPage(rows.map(view), total, query, '/api/v1/certificates', { finding: query.finding });
  }
}
