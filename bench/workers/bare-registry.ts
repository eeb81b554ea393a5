// The registry baseline: a bare node:http server with a pg pool running the SQL the app's list endpoint runs
// (captured from TypeORM: key lookup, last-used update, page and capped count side by side, then
// qualifications and vendors of the page) and answering the same JSON. No framework, no validation pipe, no ORM hydration, no logging.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
// Dates as the app returns them: 'YYYY-MM-DD' text, not JavaScript dates.
pg.types.setTypeParser(1082, (v) => v);

const SORTS: Record<string, string> = {
  name: '"mp"."name"',
  appId: '"mp"."app_id"',
  certificationExpiresOn: '"mp"."certification_expires_on"',
  createdAt: '"mp"."created_at"',
};
const MP_COLUMNS = `"mp"."id" AS "mp_id", "mp"."organization_id" AS "mp_organization_id", "mp"."app_id" AS "mp_app_id", "mp"."name" AS "mp_name", "mp"."owner_name" AS "mp_owner_name", "mp"."owner_credit_code" AS "mp_owner_credit_code", "mp"."service_categories" AS "mp_service_categories", "mp"."features" AS "mp_features", "mp"."vendor_id" AS "mp_vendor_id", "mp"."certification_expires_on" AS "mp_certification_expires_on", "mp"."icp_filing_number" AS "mp_icp_filing_number", "mp"."server_domains" AS "mp_server_domains", "mp"."notes" AS "mp_notes", "mp"."created_at" AS "mp_created_at", "mp"."updated_at" AS "mp_updated_at"`;
/** As MINI_PROGRAMS_COUNTED_UP_TO in libs/registry/src/mini-program.service.ts. */
const COUNTED_UP_TO = 1000;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

async function authenticate(header: string | undefined): Promise<string | null> {
  const m = /^Bearer\s+mpg_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/i.exec(header ?? '');
  if (!m) return null;
  const { rows } = await pool.query<{ k_id: string; k_secret_hash: string; o_id: string }>(
    `SELECT "k"."id" AS "k_id", "k"."organization_id" AS "k_organization_id", "k"."name" AS "k_name", "k"."prefix" AS "k_prefix", "k"."created_at" AS "k_created_at", "k"."last_used_at" AS "k_last_used_at", "k"."revoked_at" AS "k_revoked_at", "k"."secret_hash" AS "k_secret_hash", "o"."id" AS "o_id", "o"."name" AS "o_name", "o"."time_zone" AS "o_time_zone", "o"."locale" AS "o_locale", "o"."catalogue_overrides" AS "o_catalogue_overrides", "o"."reminder_ladder" AS "o_reminder_ladder", "o"."vendor_unavailable_lead_days" AS "o_vendor_unavailable_lead_days", "o"."send_hour" AS "o_send_hour", "o"."created_at" AS "o_created_at" FROM "api_keys" "k" INNER JOIN "organizations" "o" ON "o"."id" = "k"."organization_id" WHERE "k"."prefix" = $1 AND "k"."revoked_at" IS NULL`,
    [m[1]],
  );
  const row = rows[0];
  if (!row) return null;
  const a = createHash('sha256').update(m[2]).digest();
  const b = Buffer.from(row.k_secret_hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  await pool.query(
    `UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
    [row.k_id, new Date()],
  );
  return row.o_id;
}

async function list(org: string, q: URLSearchParams) {
  const params: unknown[] = [org];
  const where = ['"mp"."organization_id" = $1'];
  const p = (v: unknown) => `$${params.push(v)}`;
  if (q.get('vendorId')) where.push(`"mp"."vendor_id" = ${p(q.get('vendorId'))}`);
  if (q.get('vendorStatus')) where.push(`"v"."status" = ${p(q.get('vendorStatus'))}`);
  const cat = q.get('serviceCategory');
  if (cat) where.push(`mp.service_category_keys @> ARRAY[${p(cat)}]::text[]`);
  if (q.get('certificationExpiresBefore'))
    where.push(`"mp"."certification_expires_on" < ${p(q.get('certificationExpiresBefore'))}`);
  if (q.get('qualificationExpiresBefore'))
    where.push(
      `EXISTS (SELECT 1 FROM qualifications q WHERE q.organization_id = mp.organization_id AND q.mini_program_id = mp.id AND q.expires_on < ${p(q.get('qualificationExpiresBefore'))})`,
    );
  if (q.get('q')) {
    const like = p(`%${escapeLike(q.get('q')!)}%`);
    where.push(
      `("mp"."name" ILIKE ${like} ESCAPE '\\' OR "mp"."app_id" ILIKE ${like} ESCAPE '\\' OR "mp"."owner_name" ILIKE ${like} ESCAPE '\\')`,
    );
  }
  const sort = q.get('sort') ?? 'name';
  const column = SORTS[sort.replace(/^-/, '')];
  const limit = Number(q.get('limit') ?? 50);
  const offset = Number(q.get('offset') ?? 0);
  const from = `FROM "mini_programs" "mp" LEFT JOIN "vendors" "v" ON "v"."id" = "mp"."vendor_id" WHERE ${where.join(' AND ')}`;
  const countLimit = Math.max(COUNTED_UP_TO, offset + limit) + 1;
  const [{ rows }, { rows: counts }] = await Promise.all([
    pool.query<Record<string, any>>(
      `SELECT ${MP_COLUMNS} ${from} ORDER BY ${column} ${sort.startsWith('-') ? 'DESC' : 'ASC'} NULLS LAST, "mp"."id" ASC LIMIT ${limit} OFFSET ${offset}`,
      params,
    ),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 AS "one" ${from} LIMIT ${countLimit}) AS matching`,
      params,
    ),
  ]);
  const counted = counts[0].n;
  const ids = rows.map((r) => r.mp_id as string);
  const vendorIds = [...new Set(rows.map((r) => r.mp_vendor_id as string | null).filter((v) => v))];
  const list = (values: unknown[], start: number) => values.map((_, i) => `$${i + start}`).join(', ');
  const [quals, vendors] = await Promise.all([
    ids.length
      ? pool.query<Record<string, any>>(
          `SELECT "Q"."id" AS "Q_id", "Q"."organization_id" AS "Q_organization_id", "Q"."mini_program_id" AS "Q_mini_program_id", "Q"."requirement_code" AS "Q_requirement_code", "Q"."number" AS "Q_number", "Q"."issuer" AS "Q_issuer", "Q"."issued_on" AS "Q_issued_on", "Q"."expires_on" AS "Q_expires_on", "Q"."original_held_by" AS "Q_original_held_by", "Q"."created_at" AS "Q_created_at", "Q"."updated_at" AS "Q_updated_at" FROM "qualifications" "Q" WHERE (("Q"."organization_id" = $1) AND ("Q"."mini_program_id" IN (${list(ids, 2)}))) ORDER BY "Q"."expires_on" ASC, "Q"."id" ASC`,
          [org, ...ids],
        )
      : { rows: [] },
    vendorIds.length
      ? pool.query<Record<string, any>>(
          `SELECT "V"."id" AS "V_id", "V"."organization_id" AS "V_organization_id", "V"."name" AS "V_name", "V"."credit_code" AS "V_credit_code", "V"."contract_ends_on" AS "V_contract_ends_on", "V"."status" AS "V_status", "V"."status_since" AS "V_status_since", "V"."status_reason" AS "V_status_reason", "V"."created_at" AS "V_created_at", "V"."updated_at" AS "V_updated_at" FROM "vendors" "V" WHERE (("V"."organization_id" = $1) AND ("V"."id" IN (${list(vendorIds, 2)})))`,
          [org, ...vendorIds],
        )
      : { rows: [] },
  ]);
  const total = counted;
  const items = rows.map((r) => {
    const v = vendors.rows.find((x) => x.V_id === r.mp_vendor_id);
    return {
      id: r.mp_id,
      appId: r.mp_app_id,
      name: r.mp_name,
      ownerName: r.mp_owner_name,
      ownerCreditCode: r.mp_owner_credit_code,
      serviceCategories: r.mp_service_categories,
      features: r.mp_features,
      vendor: v ? { id: v.V_id, name: v.V_name, status: v.V_status } : null,
      certificationExpiresOn: r.mp_certification_expires_on,
      icpFilingNumber: r.mp_icp_filing_number,
      serverDomains: r.mp_server_domains,
      notes: r.mp_notes,
      qualifications: quals.rows
        .filter((x) => x.Q_mini_program_id === r.mp_id)
        .map((x) => ({
          id: x.Q_id,
          miniProgramId: x.Q_mini_program_id,
          requirementCode: x.Q_requirement_code,
          number: x.Q_number,
          issuer: x.Q_issuer,
          issuedOn: x.Q_issued_on,
          expiresOn: x.Q_expires_on,
          originalHeldBy: x.Q_original_held_by,
          createdAt: (x.Q_created_at as Date).toISOString(),
          updatedAt: (x.Q_updated_at as Date).toISOString(),
        })),
      createdAt: (r.mp_created_at as Date).toISOString(),
      updatedAt: (r.mp_updated_at as Date).toISOString(),
    };
  });
  const nextOffset = offset + items.length;
  let next: string | null = null;
  if (nextOffset < total && items.length) {
    const s = new URLSearchParams(q);
    s.set('limit', String(limit));
    s.set('offset', String(nextOffset));
    next = `/api/v1/mini-programs?${s.toString()}`;
  }
  return { items, page: { total, limit, offset, next, totalIsExact: counted < countLimit } };
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const answer = (status: number, body: unknown) => {
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(json),
    });
    res.end(json);
  };
  if (url.pathname === '/health') return answer(200, { status: 'up' });
  if (url.pathname !== '/api/v1/mini-programs') return answer(404, { message: 'not found' });
  authenticate(req.headers.authorization)
    .then((org) => (org ? list(org, url.searchParams).then((page) => answer(200, page)) : answer(401, {})))
    .catch((error: Error) => answer(500, { message: error.message }));
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
server.listen(Number(process.env.PORT), '127.0.0.1');
