const encoder = new TextEncoder();

export const ELLIPSIS = '…';

export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, cut between code points, never inside one. */
export function cutToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const n = utf8Bytes(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out;
}

/**
 * Lines joined by "\n" within `maxBytes`: whole lines while they fit, then a line "…" saying something
 * was left out. Only a single first line too long for the budget is cut inside (between characters).
 */
export function fitLines(lines: readonly string[], maxBytes: number): { text: string; truncated: boolean } {
  const whole = lines.join('\n');
  if (utf8Bytes(whole) <= maxBytes) return { text: whole, truncated: false };
  const marker = `\n${ELLIPSIS}`;
  const budget = maxBytes - utf8Bytes(marker);
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = utf8Bytes(line) + (kept.length ? 1 : 0);
    if (used + cost > budget) break;
    kept.push(line);
    used += cost;
  }
  if (!kept.length) return { text: cutToBytes(lines[0] ?? '', budget) + marker, truncated: true };
  return { text: kept.join('\n') + marker, truncated: true };
}
