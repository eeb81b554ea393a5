import iconv from 'iconv-lite';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

export interface DecodedCsv {
  readonly text: string;
  readonly encoding: CsvEncoding;
}

/** A file (or a declared charset) that cannot be read without guessing: nothing is decoded from it. */
export class CsvEncodingError extends Error {
  constructor(
    /** `line N` for a bad byte, `charset` for a charset we do not read. */
    readonly field: string,
    readonly rule: string,
    /** 1-based line of the first bad byte, null for a charset problem. */
    readonly line: number | null = null,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'CsvEncodingError';
  }
}

const BOM = [0xef, 0xbb, 0xbf];
const SAVE_AS =
  'save the file as "CSV UTF-8" (or as GB18030/GBK) and upload it again, or declare its charset';

/** Charsets a client may declare (`Content-Type: text/csv; charset=...`); GBK and GB2312 are subsets of GB18030. */
const CHARSETS: Record<string, 'utf-8' | 'gb18030'> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'utf-8',
  gb18030: 'gb18030',
  gbk: 'gb18030',
  gb2312: 'gb18030',
  cp936: 'gb18030',
  'x-gbk': 'gb18030',
};

interface Utf8Scan {
  /** Offset of the first byte that starts no well-formed sequence, or -1. */
  firstBad: number;
  /** Bytes that start no well-formed sequence. */
  invalid: number;
  /** Bytes in well-formed two-byte sequences. */
  twoByte: number;
  /** Bytes in well-formed three- and four-byte sequences (all CJK text in UTF-8). */
  longer: number;
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7: no overlongs, surrogates, > U+10FFFF), or 0. */
function utf8SequenceAt(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < b.length && b[j] >= lo && b[j] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

function scanUtf8(b: Uint8Array): Utf8Scan {
  const scan: Utf8Scan = { firstBad: -1, invalid: 0, twoByte: 0, longer: 0 };
  for (let i = 0; i < b.length;) {
    if (b[i] < 0x80) {
      i++;
      continue;
    }
    const n = utf8SequenceAt(b, i);
    if (n === 0) {
      if (scan.firstBad < 0) scan.firstBad = i;
      scan.invalid++;
      i++;
    } else {
      if (n === 2) scan.twoByte += 2;
      else scan.longer += n;
      i += n;
    }
  }
  return scan;
}

// GB18030 four-byte codes, as a linear index: BMP ones end at 84 31 A4 39 (U+FFFF), supplementary ones
// run from 90 30 81 30 (U+10000) to E3 32 9A 35 (U+10FFFF); anything between or beyond is unassigned.
const linear4 = (b1: number, b2: number, b3: number, b4: number) =>
  (b1 - 0x81) * 12600 + (b2 - 0x30) * 1260 + (b3 - 0x81) * 10 + (b4 - 0x30);
const BMP_LAST = linear4(0x84, 0x31, 0xa4, 0x39);
const SUPPLEMENTARY_FIRST = linear4(0x90, 0x30, 0x81, 0x30);
const SUPPLEMENTARY_LAST = linear4(0xe3, 0x32, 0x9a, 0x35);

/** Offset of the first byte that starts no well-formed GB18030 sequence, or -1. */
function firstBadGb18030(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c === 0x80 || c === 0xff || i + 1 >= b.length) return i;
    const d = b[i + 1];
    if ((d >= 0x40 && d <= 0x7e) || (d >= 0x80 && d <= 0xfe)) {
      i += 2;
      continue;
    }
    if (d >= 0x30 && d <= 0x39 && i + 3 < b.length) {
      const [e, f] = [b[i + 2], b[i + 3]];
      if (e >= 0x81 && e <= 0xfe && f >= 0x30 && f <= 0x39) {
        const n = linear4(c, d, e, f);
        if (n <= BMP_LAST || (n >= SUPPLEMENTARY_FIRST && n <= SUPPLEMENTARY_LAST)) {
          i += 4;
          continue;
        }
      }
    }
    return i;
  }
  return -1;
}

/**
 * GBK-encoded Chinese, read as UTF-8, is mostly invalid bytes plus accidental two-byte sequences (on Chinese
 * prose: two-byte sequences at most 0.71 times the invalid bytes, three- and four-byte ones at most 0.1
 * times). A UTF-8 file with a stray byte is the opposite: almost every non-ASCII byte is well formed.
 */
function plausiblyBrokenUtf8(s: Utf8Scan): boolean {
  return s.longer >= s.invalid || s.twoByte >= 2 * s.invalid;
}

function failure(b: Uint8Array, offset: number, encoding: string, base: number): CsvEncodingError {
  let line = 1;
  // A line feed is never part of a UTF-8 or GB18030 multi-byte sequence, so counting them is exact.
  for (let i = 0; i < offset; i++) if (b[i] === 0x0a) line++;
  const bytes = [...b.subarray(offset, Math.min(offset + 4, b.length))]
    .map((x) => x.toString(16).padStart(2, '0'))
    .join(' ');
  return new CsvEncodingError(
    `line ${line}`,
    `is not valid ${encoding}: bad byte sequence at byte offset ${base + offset} of the file (bytes ${bytes}); ${SAVE_AS}`,
    line,
  );
}

/** Offset of the first byte of `bytes` that starts no well-formed UTF-8 sequence, or -1 when all are valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  return scanUtf8(bytes).firstBad;
}

function strictUtf8(b: Uint8Array, base: number): string {
  const scan = scanUtf8(b);
  if (scan.firstBad >= 0) throw failure(b, scan.firstBad, 'UTF-8', base);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);
}

function strictGb18030(b: Uint8Array, label = 'GB18030'): string {
  const bad = firstBadGb18030(b);
  if (bad >= 0) throw failure(b, bad, label, 0);
  return iconv.decode(Buffer.from(b.buffer, b.byteOffset, b.byteLength), 'gb18030');
}

/** The charset a client declared, normalized; null when none; a CsvEncodingError for one we do not read. */
export function csvCharset(declared: string | null | undefined): 'utf-8' | 'gb18030' | null {
  if (declared === null || declared === undefined || declared.trim() === '') return null;
  const charset = CHARSETS[declared.trim().replace(/^"|"$/g, '').toLowerCase()];
  if (!charset) {
    throw new CsvEncodingError(
      'charset',
      `must be utf-8 or gb18030 (gbk and gb2312 are read as gb18030); got ${JSON.stringify(declared.slice(0, 40))}`,
    );
  }
  return charset;
}

/**
 * Decodes an uploaded CSV without ever guessing wrong. A declared charset wins. Otherwise a BOM declares
 * UTF-8; a file that is valid UTF-8 as a whole is UTF-8; Excel in China saves "CSV" in GBK (a subset of
 * GB18030), which is accepted when the whole file is valid GB18030 and does not look like UTF-8 with a few
 * broken bytes (which would be stored as mojibake such as 搴峰畞 for 康宁). Anything else throws a
 * CsvEncodingError naming the line and byte offset of the first bad sequence.
 */
export function decodeCsv(buffer: Uint8Array, declaredCharset?: string | null): DecodedCsv {
  const charset = csvCharset(declaredCharset);
  const bom = buffer.length >= 3 && BOM.every((x, i) => buffer[i] === x);
  if (charset === 'gb18030') return { text: strictGb18030(buffer), encoding: 'gb18030' };
  if (bom) return { text: strictUtf8(buffer.subarray(3), 3), encoding: 'utf-8-bom' };
  if (charset === 'utf-8') return { text: strictUtf8(buffer, 0), encoding: 'utf-8' };
  const scan = scanUtf8(buffer);
  if (scan.firstBad < 0) {
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(buffer), encoding: 'utf-8' };
  }
  if (plausiblyBrokenUtf8(scan)) throw failure(buffer, scan.firstBad, 'UTF-8', 0);
  return { text: strictGb18030(buffer, 'UTF-8 or GB18030'), encoding: 'gb18030' };
}
