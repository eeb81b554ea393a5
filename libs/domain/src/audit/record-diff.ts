/** A value as one cell of a diff: nested records are spread into paths, lists of plain values joined. */
export type Leaf = string | number | boolean | null;

export interface FieldChange {
  /** Field names from the record's top down, e.g. ['vendor', 'status']; list items are 1-based numbers. */
  path: string[];
  before: Leaf;
  after: Leaf;
}

/** Bookkeeping every record has: noise in a person's reading of what changed. */
const IGNORED = new Set(['id', 'organizationId', 'createdAt', 'updatedAt']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function leafOf(value: unknown): Leaf {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function flatten(
  value: unknown,
  path: string[],
  out: Map<string, FieldChange['path']>,
  leaves: Map<string, Leaf>,
) {
  const put = (leaf: Leaf) => {
    const key = JSON.stringify(path);
    out.set(key, path);
    leaves.set(key, leaf);
  };
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([k]) => path.length > 0 || !IGNORED.has(k));
    if (!entries.length && path.length) put(null);
    for (const [k, v] of entries) flatten(v, [...path, k], out, leaves);
  } else if (Array.isArray(value)) {
    if (value.length === 0) put(null);
    else if (value.every((v) => !isRecord(v) && !Array.isArray(v)))
      put(value.map((v) => String(leafOf(v) ?? '')).join(', '));
    else value.forEach((v, i) => flatten(v, [...path, String(i + 1)], out, leaves));
  } else {
    put(leafOf(value));
  }
}

/**
 * What changed between two stored versions of a record, field by field, in the record's own field order
 * (fields only the "after" has come last). A creation has no "before" (every field is new), a deletion no
 * "after". Fields equal on both sides are left out, and so are id, organizationId, createdAt and updatedAt.
 */
export function recordDiff(before: unknown, after: unknown): FieldChange[] {
  const paths = new Map<string, string[]>();
  const b = new Map<string, Leaf>();
  const a = new Map<string, Leaf>();
  if (before !== null && before !== undefined) flatten(before, [], paths, b);
  if (after !== null && after !== undefined) flatten(after, [], paths, a);
  const changes: FieldChange[] = [];
  for (const [key, path] of paths) {
    const was = b.get(key) ?? null;
    const now = a.get(key) ?? null;
    if (was !== now) changes.push({ path, before: was, after: now });
  }
  return changes;
}
