import {
  type CsvEncoding,
  CsvEncodingError,
  type CsvSchema,
  decodeCsv,
  type ParsedCsv,
  parseCsvRecords,
} from '../../domain/src/csv/index.js';
import { DomainError, ErrorCode } from './domain.error.js';

/** An uploaded CSV file and the charset its Content-Type declared, if any. */
export interface CsvUpload {
  readonly bytes: Buffer;
  readonly charset: string | null;
}

/** The `charset` parameter of a Content-Type header (RFC 9110 media-type parameters), or null. */
export function declaredCharset(contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*("[^"]*"|[^;\s]*)/i.exec(contentType ?? '');
  return match ? match[1].replace(/^"|"$/g, '') : null;
}

/**
 * The raw body of a CSV upload. Only `text/csv` requests reach a handler as a Buffer (the raw body parser
 * is registered for that type alone), so anything else is a 400 that names the Content-Type it got.
 */
export function csvBody(contentType: string | undefined, body: unknown): CsvUpload {
  if (Buffer.isBuffer(body)) return { bytes: body, charset: declaredCharset(contentType) };
  throw DomainError.invalid([
    {
      field: 'Content-Type',
      rule: `must be text/csv (got ${contentType ? contentType.split(';')[0] : 'none'})`,
    },
  ]);
}

/**
 * Decodes and parses an uploaded CSV file against its columns: a declared charset wins, else UTF-8 (with or
 * without BOM) or GB18030, never a guess (see decodeCsv). A file that cannot be decoded is reported like a
 * bad row, on the line of its first bad byte; an empty body is a 400; a header without rows is reported as
 * a problem on line 2.
 */
export function readCsvUpload(
  upload: Buffer | CsvUpload,
  schema: CsvSchema,
): ParsedCsv & { encoding: CsvEncoding } {
  const { bytes: file, charset } = Buffer.isBuffer(upload) ? { bytes: upload, charset: null } : upload;
  if (!Buffer.isBuffer(file) || file.length === 0) {
    throw DomainError.invalid([
      { field: 'body', rule: 'must be a non-empty CSV file (Content-Type: text/csv)' },
    ]);
  }
  let decoded;
  try {
    decoded = decodeCsv(file, charset);
  } catch (error) {
    if (!(error instanceof CsvEncodingError)) throw error;
    if (error.line === null) {
      throw DomainError.invalid([{ field: 'Content-Type', rule: `charset ${error.rule}` }]);
    }
    return {
      rows: [],
      errors: [{ line: error.line, column: null, rule: error.rule }],
      encoding: charset === 'gb18030' ? 'gb18030' : 'utf-8',
    };
  }
  const { text, encoding } = decoded;
  const parsed = parseCsvRecords(text, schema);
  const errors = [...parsed.errors];
  if (!errors.length && parsed.rows.length === 0) {
    errors.push({ line: 2, column: null, rule: 'the file has a header but no rows' });
  }
  return { rows: parsed.rows, errors, encoding };
}

/**
 * The 400 of an import that wrote nothing: every bad row by line (and column), as `problems` for the
 * common error shape and as `rows` for clients that show a table; at most 1,000 of each.
 */
export function csvImportFailed(rows: { line: number; column: string | null; rule: string }[]): DomainError {
  const sorted = [...rows].sort((a, b) => a.line - b.line).slice(0, 1000);
  return new DomainError(
    ErrorCode.Validation,
    `The file was not imported: ${rows.length} problem(s); nothing was written`,
    sorted.map((r) => ({ field: `line ${r.line}${r.column ? `, column ${r.column}` : ''}`, rule: r.rule })),
    { rows: sorted },
  );
}
