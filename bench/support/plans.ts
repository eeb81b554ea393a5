import type pg from 'pg';

/** A node of `EXPLAIN (FORMAT JSON)` output, as far as the report reads it. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** One table read of a plan: how, and through which index. */
export interface Scan {
  node: string;
  relation: string | null;
  index: string | null;
}

export interface Explained {
  /** The plan as EXPLAIN prints it, for the report. */
  text: string;
  /** Every scan node, depth first, read from the JSON form of the same statement's plan. */
  scans: Scan[];
}

/**
 * EXPLAIN ANALYZE of a statement, twice: once as text (printed) and once as JSON (read), so that whatever
 * the report says about the plan is taken from the plan, not written beside it.
 */
export async function explain(c: pg.Client, sql: string, params: unknown[]): Promise<Explained> {
  const text = (
    await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params)
  ).rows
    .map((r) => r['QUERY PLAN'])
    .join('\n');
  const json = (await c.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params))
    .rows[0]['QUERY PLAN'][0].Plan;
  const scans: Scan[] = [];
  const walk = (n: PlanNode) => {
    if (/Scan$/.test(n['Node Type']) && (n['Relation Name'] || n['Index Name']))
      scans.push({
        node: n['Node Type'],
        relation: n['Relation Name'] ?? null,
        index: n['Index Name'] ?? null,
      });
    for (const child of n.Plans ?? []) walk(child);
  };
  walk(json);
  return { text, scans };
}

/** "a Seq Scan of mini_programs; an Index Scan of mini_programs using mini_programs_name_idx" */
export function describeScans(scans: Scan[]): string {
  if (!scans.length) return 'no table scan';
  return scans
    .map((s) => {
      const article = /^[AEIOU]/.test(s.node) ? 'an' : 'a';
      const of = s.relation ? ` of ${s.relation}` : '';
      const using = s.index ? ` using ${s.index}` : '';
      return `${article} ${s.node}${of}${using}`;
    })
    .join('; ');
}
