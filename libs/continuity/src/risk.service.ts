import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { Clock } from '../../common/src/clock.js';
import { findOwned } from '../../common/src/find-owned.js';
import { type PageQuery, toPage } from '../../common/src/pagination.js';
import {
  type AssetHolder,
  type AssetKind,
  MAX_QUALIFICATION_POINTS,
  RISK_WEIGHTS,
  riskScore,
  UNVERIFIED_AFTER_DAYS,
} from '../../domain/src/continuity/index.js';
import { daysBetween, localDateOf } from '../../domain/src/time/index.js';
import { MiniProgramEntity } from '../../registry/src/mini-program.entity.js';

interface Row {
  id: string;
  name: string;
  app_id: string;
  features: string[];
  vendor_status: 'active' | 'unresponsive' | 'ceased' | null;
  contract_ends_on: string | null;
  asset_kinds: AssetKind[] | null;
  asset_holders: AssetHolder[] | null;
  asset_verified: (string | null)[] | null;
  originals: ('owner' | 'vendor' | 'third_party')[] | null;
  nearest_due: string | null;
}

/** What \`riskScore\` needs of some mini-programs (\`$2\`), each table read once for all of them. */
const INPUTS = `
  SELECT mp.id, mp.name, mp.app_id, mp.features, v.status AS vendor_status, v.contract_ends_on,
         a.asset_kinds, a.asset_holders, a.asset_verified, q.originals, d.nearest_due
    FROM mini_programs mp
    LEFT JOIN vendors v ON v.organization_id = mp.organization_id AND v.id = mp.vendor_id
    LEFT JOIN (SELECT mini_program_id, array_agg(kind) AS asset_kinds, array_agg(holder) AS asset_holders,
                      array_agg(last_verified_on::text) AS asset_verified
                 FROM assets WHERE organization_id = $1 AND mini_program_id = ANY($2::uuid[])
                GROUP BY mini_program_id) a ON a.mini_program_id = mp.id
    LEFT JOIN (SELECT mini_program_id, array_agg(original_held_by) AS originals
                 FROM qualifications WHERE organization_id = $1 AND mini_program_id = ANY($2::uuid[])
                GROUP BY mini_program_id) q ON q.mini_program_id = mp.id
    LEFT JOIN (SELECT mini_program_id, min(due_on)::text AS nearest_due
                 FROM deadlines
                WHERE organization_id = $1 AND state IN ('open', 'acknowledged', 'snoozed')
                  AND mini_program_id IS NOT NULL AND mini_program_id = ANY($2::uuid[])
                GROUP BY mini_program_id) d ON d.mini_program_id = mp.id
   WHERE mp.organization_id = $1 AND mp.id = ANY($2::uuid[])`;

/**
 * The score of every mini-program as \`riskScore\` computes it, in SQL, so that the ranking is one sort in
 * the database over one row per mini-program (\`mini_program_custody\` is kept by triggers): grouping the
 * custody register and scoring 50,000 mini-programs per request took seconds. The weights are
 * \`RISK_WEIGHTS\` (parameters $3 on); \`riskScore\` still explains each mini-program of the page, and
 * tests/continuity.e2e-spec.ts ranks mini-programs built to reach every factor, so the two agree.
 */
const SCORE = `
  LEAST(100,
      CASE v.status WHEN 'ceased' THEN $3::int WHEN 'unresponsive' THEN $4::int ELSE 0 END
    + CASE WHEN 'admin_binding' = ANY(c.owner_kinds) THEN 0 ELSE $5::int END
    + CASE WHEN 'source_code' = ANY(c.owner_kinds) THEN 0 ELSE $6::int END
    + CASE WHEN 'app_secret' = ANY(c.owner_kinds) THEN 0 ELSE $7::int END
    + CASE WHEN COALESCE(c.infra_assets, 0) = 0 OR c.infra_not_owner > 0 THEN $8::int ELSE 0 END
    + CASE WHEN 'wechat_pay' = ANY(mp.features) AND NOT COALESCE('payment_keys' = ANY(c.owner_kinds), false)
           THEN $9::int ELSE 0 END
    + LEAST($10::int, COALESCE(c.vendor_originals, 0) * $11::int)
    + CASE WHEN v.contract_ends_on - $2::date <= 90 THEN $12::int ELSE 0 END
    + CASE WHEN v.status IN ('unresponsive', 'ceased') AND soon.mini_program_id IS NOT NULL THEN $13::int ELSE 0 END
    + CASE WHEN c.unverified_assets > 0 OR $2::date - c.oldest_verified > $15::int THEN $14::int ELSE 0 END)`;
/**
 * "Its nearest live deadline is at most 30 days away" is "it has a live deadline due by today + 30": the
 * few such mini-programs are read once from the live due-date index and hash-joined, where a min() per
 * mini-program (a third of them, at 50,000) took most of the request and priced the plan into JIT.
 */
const RANKED = `
  FROM mini_programs mp
  LEFT JOIN vendors v ON v.organization_id = mp.organization_id AND v.id = mp.vendor_id
  LEFT JOIN mini_program_custody c ON c.organization_id = mp.organization_id AND c.mini_program_id = mp.id
  LEFT JOIN (SELECT DISTINCT d.mini_program_id FROM deadlines d
              WHERE d.organization_id = $1 AND d.state IN ('open', 'acknowledged', 'snoozed')
                AND d.mini_program_id IS NOT NULL AND d.due_on <= $2::date + 30) soon
         ON soon.mini_program_id = mp.id
 WHERE mp.organization_id = $1`;
const W = RISK_WEIGHTS;
const weights = [
  W.vendor_ceased,
  W.vendor_unresponsive,
  W.admin_binding_not_owner,
  W.no_source_copy,
  W.app_secret_not_owner,
  W.infrastructure_not_owner,
  W.payment_keys_not_owner,
  MAX_QUALIFICATION_POINTS,
  W.qualification_original_with_vendor,
  W.contract_ends_soon,
  W.deadline_close_vendor_unavailable,
  W.custody_unverified,
  UNVERIFIED_AFTER_DAYS,
];

/**
 * The continuity risk ranking and each mini-program's explained score, for the API's /risk routes and the
 * console's pages alike.
 */
@Injectable()
export class RiskService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Every mini-program of the organization, highest score first (then name), one page of them. */
  async ranking(auth: AuthContext, query: PageQuery) {
    const today = localDateOf(this.clock.now(), auth.timeZone);
    const params = [auth.organizationId, today, ...weights];
    // One scoring pass: the first offset + limit rows by score (a top-N sort), of which the page is the tail
    // and the organization's score the head; the total is a count of the mini-programs (an index-only scan).
    const [ranked, [{ total }]] = await Promise.all([
      this.db.query<{ id: string; score: number; top: number }[]>(
        `SELECT id, score, top FROM (
           SELECT id, score, first_value(score) OVER w AS top, row_number() OVER w AS n FROM (
             SELECT mp.id, mp.name, ${SCORE} AS score ${RANKED}
              ORDER BY score DESC, mp.name, mp.id LIMIT ${query.offset + query.limit}) scored
           WINDOW w AS (ORDER BY score DESC, name, id)) numbered
          WHERE n > ${query.offset} ORDER BY n`,
        params,
      ),
      this.db.query<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM mini_programs WHERE organization_id = $1`,
        [auth.organizationId],
      ),
    ]);
    // past the last page: no row carries the top score, so it is read on its own (rarely)
    const top =
      ranked[0]?.top ??
      (total === 0
        ? 0
        : (
            await this.db.query<{ score: number }[]>(
              `SELECT ${SCORE} AS score ${RANKED} ORDER BY score DESC LIMIT 1`,
              params,
            )
          )[0].score);
    const scored = new Map(
      (
        await this.scores(
          auth,
          ranked.map((r) => r.id),
        )
      ).map((item) => [item.miniProgram.id, item]),
    );
    const items = ranked.map((r) => scored.get(r.id)!);
    const page = toPage(items, total, query, '/api/v1/risk', {});
    return { organizationScore: top, ...page };
  }

  /** One mini-program's score with every factor; another organization's is the same 404 as a missing one. */
  async one(auth: AuthContext, id: string) {
    await findOwned(this.db.manager, MiniProgramEntity, auth.organizationId, id, 'Mini-program');
    return (await this.scores(auth, [id]))[0];
  }

  /** Each of these mini-programs scored and explained by \`riskScore\`, from its own rows. */
  private async scores(auth: AuthContext, miniProgramIds: string[]) {
    const today = localDateOf(this.clock.now(), auth.timeZone);
    if (!miniProgramIds.length) return [];
    const rows = await this.db.query<Row[]>(INPUTS, [auth.organizationId, miniProgramIds]);
    return rows.map((r) => ({
      miniProgram: { id: r.id, name: r.name, appId: r.app_id },
      name: r.name,
      ...riskScore({
        today,
        vendor: r.vendor_status ? { status: r.vendor_status, contractEndsOn: r.contract_ends_on } : null,
        assets: (r.asset_kinds ?? []).map((kind, i) => ({
          kind,
          holder: r.asset_holders![i],
          lastVerifiedOn: r.asset_verified![i],
        })),
        qualificationOriginals: r.originals ?? [],
        usesWechatPay: r.features.includes('wechat_pay'),
        nearestDeadlineDays: r.nearest_due ? daysBetween(today, r.nearest_due) : null,
      }),
    }));
  }
}
