const MAX_LENGTH = 31;
const FORBIDDEN = /[[\]:*?/\\\p{Cc}]/gu;

function truncate(value: string, max: number): string {
  let result = '';
  for (const ch of value) {
    if (result.length + ch.length > max) break;
    result += ch;
  }
  return result;
}

/**
 * Hands out worksheet names Excel accepts: no []:*?/\ or control characters, no leading or trailing
 * apostrophe, at most 31 characters, not the reserved "History", and unique ignoring case (a clash gets
 * " (2)", " (3)", ... within the 31 characters).
 */
export class SheetNamer {
  private readonly used = new Set<string>();

  constructor(private readonly fallback: string) {}

  next(wanted: string): string {
    let base = wanted.replace(FORBIDDEN, ' ').replace(/\s+/g, ' ').trim();
    base = base.replace(/^'+|'+$/g, '').trim();
    if (!base || base.toLowerCase() === 'history') base = base ? `${base}_` : this.fallback;
    base = truncate(base, MAX_LENGTH).trim();
    let name = base;
    for (let n = 2; this.used.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      name = truncate(base, MAX_LENGTH - suffix.length).trimEnd() + suffix;
    }
    this.used.add(name.toLowerCase());
    return name;
  }
}
