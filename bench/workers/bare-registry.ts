// The registry baseline: a bare node:http server with a pg pool running the SQL the app's list endpoint runs
// (key lookup and last-used update captured from TypeORM, then the page and a capped count side by side and
// the qualifications and vendors of the page, as MiniProgramService.list writes them) and answering the same JSON. No framework, no validation pipe, no ORM hydration, no logging.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

import { loadCatalogue } from '../../libs/catalogue/src/index.js';
import { unknownServiceCategories } from '../../libs/domain/src/validation/service-category.js';

// The app's answer flags categories the catalogue cannot judge (pure code, the same functions it calls).
const KNOWN_CATEGORY_PATHS = loadCatalogue().serviceCategories.map((c) => c.path);
const warningsOf = (categories: string[]) =>
  unknownServiceCategories(categories, KNOWN_CATEGORY_PATHS).map((n) => ({
    field: `serviceCategories[${n.index}]`,
    rule: n.rule,
    value: n.value,
    message: 'unknown service category: the qualifications it needs cannot be judged',
    nearMatches: n.nearMatches,
  }));

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
// Dates as the app returns them: 'YYYY-MM-DD' text, not JavaScript dates.
pg.types.setTypeParser(1082, (v) => v);

const SORTS: Record<string, string> = {
  name: 'mp.name',
  appId: 'mp.app_id',
  certificationExpiresOn: 'mp.certification_expires_on',
  createdAt: 'mp.created_at',
};
const MP_COLUMNS = `mp.id, mp.organization_id, mp.app_id, mp.name, mp.owner_name, mp.owner_credit_code,
  mp.service_categories, mp.features, mp.vendor_id, mp.certification_expires_on, mp.icp_filing_number,
  mp.bed_count, mp.server_domains, mp.notes, mp.created_at, mp.updated_at`;
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
  const where = ['mp.organization_id = $1'];
  const p = (v: unknown) => `$${params.push(v)}`;
  let join = '';
  if (q.get('vendorId')) where.push(`mp.vendor_id = ${p(q.get('vendorId'))}`);
  if (q.get('vendorStatus')) {
    join = ' JOIN vendors v ON v.organization_id = mp.organization_id AND v.id = mp.vendor_id';
    where.push(`v.status = ${p(q.get('vendorStatus'))}`);
  }
  const cat = q.get('serviceCategory');
  if (cat) where.push(`mp.service_category_keys @> ARRAY[${p(cat)}]::text[]`);
  if (q.get('certificationExpiresBefore'))
    where.push(`mp.certification_expires_on < ${p(q.get('certificationExpiresBefore'))}::date`);
  if (q.get('qualificationExpiresBefore'))
    where.push(
      `EXISTS (SELECT 1 FROM qualifications q WHERE q.organization_id = mp.organization_id ` +
        `AND q.mini_program_id = mp.id AND q.expires_on < ${p(q.get('qualificationExpiresBefore'))}::date)`,
    );
  if (q.get('q')) {
    const like = p(`%${escapeLike(q.get('q')!)}%`);
    where.push(
      `(mp.name ILIKE ${like} ESCAPE '\\' OR mp.app_id ILIKE ${like} ESCAPE '\\' OR mp.owner_name ILIKE ${like} ESCAPE '\\')`,
    );
  }
  const sort = q.get('sort') ?? 'name';
  const column = SORTS[sort.replace(/^-/, '')];
  const limit = Number(q.get('limit') ?? 50);
  const offset = Number(q.get('offset') ?? 0);
  const from = `FROM mini_programs mp${join} WHERE ${where.join(' AND ')}`;
  const countLimit = Math.max(COUNTED_UP_TO, offset + limit) + 1;
  const [{ rows }, { rows: counts }] = await Promise.all([
    pool.query<Record<string, any>>(
      `SELECT ${MP_COLUMNS} ${from}
          ORDER BY ${column} ${sort.startsWith('-') ? 'DESC' : 'ASC'} NULLS LAST, mp.id ASC
          LIMIT ${limit} OFFSET ${offset}`,
      params,
    ),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 ${from} LIMIT ${countLimit}) AS m`,
      params,
    ),
  ]);
  const counted = counts[0].n;
  const ids = rows.map((r) => r.id as string);
  const vendorIds = [...new Set(rows.map((r) => r.vendor_id as string | null).filter((v) => v))];
  const [quals, vendors] = await Promise.all([
    ids.length
      ? pool.query<Record<string, any>>(
          `SELECT id, organization_id, mini_program_id, requirement_code, number, issuer, issued_on, expires_on,
                original_held_by, expiry_source, created_at, updated_at
           FROM qualifications WHERE organization_id = $1 AND mini_program_id = ANY($2::uuid[])
          ORDER BY expires_on ASC, id ASC`,
          [org, ids],
        )
      : { rows: [] },
    vendorIds.length
      ? pool.query<Record<string, any>>(
          `SELECT id, name, status FROM vendors WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
          [org, vendorIds],
        )
      : { rows: [] },
  ]);
  const total = counted;
  const items = rows.map((r) => {
    const v = vendors.rows.find((x) => x.id === r.vendor_id);
    return {
      id: r.id,
      appId: r.app_id,
      name: r.name,
      ownerName: r.owner_name,
      ownerCreditCode: r.owner_credit_code,
      serviceCategories: r.service_categories,
      features: r.features,
      vendor: v ? { id: v.id, name: v.name, status: v.status } : null,
      certificationExpiresOn: r.certification_expires_on,
      icpFilingNumber: r.icp_filing_number,
      bedCount: r.bed_count,
      serverDomains: r.server_domains,
      notes: r.notes,
      qualifications: quals.rows
        .filter((x) => x.mini_program_id === r.id)
        .map((x) => ({
          id: x.id,
          miniProgramId: x.mini_program_id,
          requirementCode: x.requirement_code,
          number: x.number,
          issuer: x.issuer,
          issuedOn: x.issued_on,
          expiresOn: x.expires_on,
          originalHeldBy: x.original_held_by,
          expirySource: x.expiry_source,
          createdAt: (x.created_at as Date).toISOString(),
          updatedAt: (x.updated_at as Date).toISOString(),
        })),
      warnings: warningsOf(r.service_categories),
      createdAt: (r.created_at as Date).toISOString(),
      updatedAt: (r.updated_at as Date).toISOString(),
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
