import type { ValidationResult } from './validation-result.js';

/**
 * A WeChat service category path as shown in the console, e.g. `医疗 > 互联网医院`: 1 to 3 levels joined by
 * ' > '. WeChat's own names use '/' inside a level (`生活服务 > 百货/超市/便利店`), so it is allowed besides
 * CJK, letters, digits, 、, -, and ASCII or full-width brackets.
 */
const SEPARATOR = ' > ';
const LEVEL = /^[\p{Script=Han}A-Za-z0-9、（）()/-]{1,20}$/u;

export function validateServiceCategory(value: string): ValidationResult {
  const levels = value.split(SEPARATOR);
  if (levels.length > 3) return "must have at most 3 levels separated by ' > '";
  if (!levels.every((level) => LEVEL.test(level))) {
    return "must be levels joined by ' > ', each 1-20 characters of Chinese, letters, digits, 、, /, - or brackets";
  }
  return null;
}

export function isServiceCategory(value: string): boolean {
  return validateServiceCategory(value) === null;
}

/** Why a registered category is flagged: no catalogue entry maps it, so its qualifications cannot be judged. */
export const UNKNOWN_SERVICE_CATEGORY = 'unknown_service_category';

export interface ServiceCategoryNotice {
  /** Position in the mini-program's `serviceCategories`. */
  index: number;
  value: string;
  rule: typeof UNKNOWN_SERVICE_CATEGORY;
  /** Up to 3 catalogue paths the owner may have meant, closest first. */
  nearMatches: string[];
}

const MAX_NEAR_MATCHES = 3;

/** 'A > B > C' -> ['A > B > C', 'A > B', 'A']: a registered category matches a map key at any of its levels. */
function levelsOf(path: string): string[] {
  const segments = path.split(SEPARATOR);
  return segments.map((_, i) => segments.slice(0, segments.length - i).join(SEPARATOR));
}

/** Edit distance over code points, so one CJK character counts as one. */
function distance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[y.length];
}

/**
 * Paths within a small edit distance (1 for a value of up to 3 characters, else 2: two short names always
 * differ by 2) or under the same first level, closest first, ties in code-point order.
 */
function nearMatches(value: string, knownPaths: readonly string[]): string[] {
  const first = value.split(SEPARATOR)[0];
  const limit = [...value].length <= 3 ? 1 : 2;
  return knownPaths
    .map((path) => ({ path, d: distance(value, path) }))
    .filter(({ path, d }) => d <= limit || path.split(SEPARATOR)[0] === first)
    .sort((a, b) => a.d - b.d || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .slice(0, MAX_NEAR_MATCHES)
    .map(({ path }) => path);
}

/**
 * The registered categories that no catalogue path maps (at any of their levels), with the paths the owner
 * may have meant. WeChat publishes no fixed category list (each account reads its own through
 * `getallcategories`), so an unknown category is accepted and flagged rather than refused: the owner must
 * learn that the qualifications it needs cannot be judged, not be stopped from recording what WeChat shows.
 */
export function unknownServiceCategories(
  categories: readonly string[],
  knownPaths: readonly string[],
): ServiceCategoryNotice[] {
  const judged = judgedFor(knownPaths);
  return categories.flatMap((value, index) => {
    let near = judged.nearMatchesOf.get(value);
    if (near === undefined) {
      near = levelsOf(value).some((level) => judged.known.has(level)) ? null : nearMatches(value, knownPaths);
      judged.nearMatchesOf.set(value, near);
    }
    return near === null ? [] : [{ index, value, rule: UNKNOWN_SERVICE_CATEGORY, nearMatches: [...near] }];
  });
}

/**
 * What is known of each list of catalogue paths (the catalogue's list is one array for the process's
 * life): its set, and each category judged so far (null: known; else its near matches). An import of
 * 50,000 rows names a handful of categories: computing each one's edit distances to every path per row
 * cost a second.
 */
interface Judged {
  known: Set<string>;
  nearMatchesOf: Map<string, readonly string[] | null>;
}
const judgedByPaths = new WeakMap<readonly string[], Judged>();
const MAX_JUDGED = 10_000;

function judgedFor(knownPaths: readonly string[]): Judged {
  let judged = judgedByPaths.get(knownPaths);
  if (!judged || judged.nearMatchesOf.size > MAX_JUDGED) {
    judged = { known: new Set(knownPaths), nearMatchesOf: new Map() };
    judgedByPaths.set(knownPaths, judged);
  }
  return judged;
}
