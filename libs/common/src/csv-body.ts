import {
  type CsvEncoding,
  type CsvSchema,
  decodeCsv,
  type ParsedCsv,
  parseCsvRecords,
} from '../../domain/src/csv/index.js';
import { DomainError, ErrorCode } from './domain.error.js';

/**
 * The raw body of a CSV upload. Only `text/csv` requests reach a handler as a Buffer (the raw body parser
 * is registered for that type alone), so anything else is a 400 that names the Content-Type it got.
 */
export function csvBody(contentType: string | undefined, body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  throw DomainError.invalid([
    {
      field: 'Content-Type',
      rule: `must be text/csv (got ${contentType ? contentType.split(';')[0] : 'none'})`,
    },
  ]);
}

/**
 * Decodes and parses an uploaded CSV file (UTF-8 with or without BOM, or GB18030) against its columns.
 * An empty body is a 400; a header without rows is reported as a problem on line 2, like any bad row.
 */
export function readCsvUpload(file: Buffer, schema: CsvSchema): ParsedCsv & { encoding: CsvEncoding } {
  if (!Buffer.isBuffer(file) || file.length === 0) {
    throw DomainError.invalid([
      { field: 'body', rule: 'must be a non-empty CSV file (Content-Type: text/csv)' },
    ]);
  }
  const { text, encoding } = decodeCsv(file);
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
