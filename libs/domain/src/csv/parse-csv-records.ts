import { type CsvError as CsvParseError, parse } from 'csv-parse/sync';

export interface CsvSchema {
  /** Canonical column names; header cells match them case-insensitively after trimming. */
  readonly columns: readonly string[];
  readonly required: readonly string[];
}

export interface CsvRow {
  /** 1-based line in the file where the record starts (the header is line 1). */
  readonly line: number;
  /** Every column of the schema, trimmed; '' when the cell is empty or the optional column is absent. */
  readonly values: Record<string, string>;
}

export interface CsvRecordError {
  readonly line: number;
  readonly column: string | null;
  readonly rule: string;
}

export interface ParsedCsv {
  readonly rows: CsvRow[];
  readonly errors: CsvRecordError[];
}

interface RawRecord {
  readonly line: number;
  readonly fields: string[];
}

/**
 * Parses CSV text whose first non-blank record is the header. Never throws: structural problems come back as
 * errors with the line where the record starts. Parsing stops at the first malformed record (an unclosed or
 * stray quote), because csv-parse cannot reliably resynchronise after one; rows before it are returned, so
 * callers must check `errors` before importing anything. If the header itself is wrong no rows are returned.
 * Blank lines, and rows whose cells are all empty (Excel leaves `,,,` behind), are skipped.
 */
export function parseCsvRecords(text: string, schema: CsvSchema): ParsedCsv {
  const { records, failure } = readRecords(text);
  const errors: CsvRecordError[] = [];
  const [header, ...body] = records;
  if (header === undefined) {
    errors.push(failure ?? { line: 1, column: null, rule: 'is empty; expected a header row' });
    return { rows: [], errors };
  }

  const mapping = mapHeader(header, schema, errors);
  if (mapping === null) {
    if (failure) errors.push(failure);
    return { rows: [], errors };
  }

  const rows: CsvRow[] = [];
  for (const { line, fields } of body) {
    const cells = fields.map((field) => field.trim());
    if (cells.every((cell) => cell === '')) continue;
    if (cells.length < mapping.length || cells.slice(mapping.length).some((cell) => cell !== '')) {
      errors.push({
        line,
        column: null,
        rule: `has ${cells.length} fields but the header has ${mapping.length}`,
      });
      continue;
    }
    const values: Record<string, string> = Object.fromEntries(schema.columns.map((column) => [column, '']));
    mapping.forEach((column, index) => (values[column] = cells[index]));
    rows.push({ line, values });
  }
  if (failure) errors.push(failure);
  return { rows, errors };
}

function readRecords(text: string): { records: RawRecord[]; failure: CsvRecordError | null } {
  // csv-parse miscounts lines when a quoted field contains CRLF, so line numbers are counted here, over text
  // with one kind of line break. Line breaks inside quoted cells become '\n' as a result, which is also what
  // Excel writes for Alt+Enter.
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const records: RawRecord[] = [];
  let failure: CsvRecordError | null = null;
  let nextLine = 1;
  // `raw` is the record's source text, including the blank lines skipped before it.
  const startLineOf = (raw: string): number => {
    const line = nextLine + (/^\n*/.exec(raw)?.[0].length ?? 0);
    nextLine += raw.split('\n').length - 1;
    return line;
  };
  try {
    parse(normalized, {
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_record: (entry: unknown, context) => {
        if (failure === null) records.push({ line: startLineOf(context.raw ?? ''), fields: fieldsOf(entry) });
        return null;
      },
      on_skip: (error, raw) => {
        failure ??= { line: startLineOf(raw ?? ''), column: null, rule: describeParseError(error) };
        return undefined;
      },
    });
  } catch {
    failure ??= { line: nextLine, column: null, rule: 'is not valid CSV' };
  }
  return { records, failure };
}

// With `raw: true` csv-parse hands on_record `{ record, raw }`, although its typings promise the bare array.
function fieldsOf(entry: unknown): string[] {
  if (Array.isArray(entry)) return entry as string[];
  return (entry as { record: string[] }).record;
}

const PARSE_ERROR_RULES: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'has a quoted field that is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'has text after a closing quote; write a quote inside a quoted field as ""',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    'has text after a closing quote; write a quote inside a quoted field as ""',
  INVALID_OPENING_QUOTE:
    'has a quote inside an unquoted field; quote the whole field and write the quote as ""',
};

function describeParseError(error: CsvParseError | undefined): string {
  return (error && PARSE_ERROR_RULES[error.code]) ?? 'is not valid CSV';
}

/** Column name per header position, or null (with errors pushed) when the header does not fit the schema. */
function mapHeader(header: RawRecord, schema: CsvSchema, errors: CsvRecordError[]): string[] | null {
  const before = errors.length;
  const names = header.fields.map((field) => field.trim());
  // Excel keeps trailing empty header cells once a column to the right was touched.
  while (names.length > 0 && names.at(-1) === '') names.pop();
  const mapping: string[] = [];
  names.forEach((name, index) => {
    const column = schema.columns.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (name === '') {
      errors.push({ line: header.line, column: null, rule: `has no name for column ${index + 1}` });
    } else if (column === undefined) {
      errors.push({
        line: header.line,
        column: name,
        rule: `is not a known column; expected one of ${schema.columns.join(', ')}`,
      });
    } else if (mapping.includes(column)) {
      errors.push({ line: header.line, column, rule: 'appears more than once in the header' });
    }
    mapping.push(column ?? '');
  });
  for (const column of schema.required) {
    if (!mapping.includes(column)) {
      errors.push({ line: header.line, column, rule: 'is a required column but is missing from the header' });
    }
  }
  return errors.length === before ? mapping : null;
}
