import iconv from 'iconv-lite';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

export interface DecodedCsv {
  readonly text: string;
  readonly encoding: CsvEncoding;
}

/**
 * Decodes an uploaded CSV. Excel in China saves "CSV" in the ANSI code page (GBK, a subset of GB18030) and
 * "CSV UTF-8" with a BOM; other tools write UTF-8 without one. Chinese text in GBK is practically never valid
 * UTF-8, so a strict UTF-8 decode that fails means GB18030. A BOM is trusted as a declaration: bytes after it
 * that are not UTF-8 become U+FFFD rather than being guessed at.
 */
export function decodeCsv(buffer: Buffer): DecodedCsv {
  if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
    return {
      text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(buffer.subarray(3)),
      encoding: 'utf-8-bom',
    };
  }
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buffer),
      encoding: 'utf-8',
    };
  } catch {
    return { text: iconv.decode(buffer, 'gb18030'), encoding: 'gb18030' };
  }
}
