import { describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';
import { csvBody, csvImportFailed, readCsvUpload } from './csv-body.js';
import { DomainError } from './domain.error.js';

const schema = { columns: ['app_id', 'name'], required: ['app_id'] };

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.problems;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('CSV uploads', () => {
  it.each<[string, string | undefined, unknown, string]>([
    ['a JSON body', 'application/json; charset=utf-8', { a: 1 }, 'must be text/csv (got application/json)'],
    ['no body and no type', undefined, undefined, 'must be text/csv (got none)'],
  ])('refuses %s, naming the Content-Type', (_, type, body, rule) => {
    expect(problemsOf(() => csvBody(type, body))).toEqual([{ field: 'Content-Type', rule }]);
  });

  it.each<[string, string | null]>([
    ['text/csv', null],
    ['text/csv; charset=utf-8', 'utf-8'],
    ['text/csv;charset="GBK"', 'GBK'],
    ['text/csv; header=present; charset=gb18030', 'gb18030'],
  ])('passes a %s body through untouched, with its declared charset', (type, charset) => {
    const body = Buffer.from('app_id\n');
    const upload = csvBody(type, body);
    expect(upload.bytes).toBe(body);
    expect(upload.charset).toBe(charset);
  });

  it('reports a file that is not UTF-8 or GB18030 as a bad row on the line of its first bad byte', () => {
    const file = Buffer.concat([Buffer.from('app_id,name\nwx0a1b2c3d4e5f6789,'), Buffer.from([0xff, 0x0a])]);
    expect(readCsvUpload(file, schema).errors).toEqual([
      {
        line: 2,
        column: null,
        rule:
          'is not valid UTF-8 or GB18030: bad byte sequence at byte offset 31 of the file (bytes ff 0a); ' +
          'save the file as "CSV UTF-8" (or as GB18030/GBK) and upload it again, or declare its charset',
      },
    ]);
  });

  it('refuses a declared charset it does not read, naming the Content-Type', () => {
    const upload = csvBody('text/csv; charset=latin1', Buffer.from('app_id\n'));
    expect(problemsOf(() => readCsvUpload(upload, schema))).toEqual([
      {
        field: 'Content-Type',
        rule: 'charset must be utf-8 or gb18030 (gbk and gb2312 are read as gb18030); got "latin1"',
      },
    ]);
  });

  it('refuses an empty file as a whole', () => {
    expect(problemsOf(() => readCsvUpload(Buffer.alloc(0), schema))).toEqual([
      { field: 'body', rule: 'must be a non-empty CSV file (Content-Type: text/csv)' },
    ]);
  });

  it.each<[string, Buffer, string, number, { line: number; column: null; rule: string }[]]>([
    ['UTF-8', Buffer.from('app_id,name\nwx0a1b2c3d4e5f6789,课堂\n'), 'utf-8', 1, []],
    ['UTF-8 with BOM', Buffer.from('\uFEFFapp_id,name\nwx0a1b2c3d4e5f6789,课堂\n'), 'utf-8-bom', 1, []],
    ['GB18030', iconv.encode('app_id,name\nwx0a1b2c3d4e5f6789,课堂\n', 'gb18030'), 'gb18030', 1, []],
    [
      'a header without rows',
      Buffer.from('app_id,name\n'),
      'utf-8',
      0,
      [{ line: 2, column: null, rule: 'the file has a header but no rows' }],
    ],
  ])('reads %s', (_, file, encoding, rows, errors) => {
    const parsed = readCsvUpload(file, schema);
    expect(parsed.encoding).toBe(encoding);
    expect(parsed.rows).toHaveLength(rows);
    expect(parsed.errors).toEqual(errors);
    if (rows) expect(parsed.rows[0]).toMatchObject({ line: 2, values: { name: '课堂' } });
  });
});

describe('a failed import', () => {
  it('lists every bad row by line, then column, and says nothing was written', () => {
    const error = csvImportFailed([
      { line: 9, column: 'kind', rule: 'must be one of: owner, vendor' },
      { line: 3, column: null, rule: 'has 7 fields; the header has 6' },
    ]);
    expect(error.message).toBe('The file was not imported: 2 problem(s); nothing was written');
    expect(error.problems).toEqual([
      { field: 'line 3', rule: 'has 7 fields; the header has 6' },
      { field: 'line 9, column kind', rule: 'must be one of: owner, vendor' },
    ]);
    expect((error.details.rows as { line: number }[]).map((r) => r.line)).toEqual([3, 9]);
  });

  it('keeps the first 1,000 rows of a file that is wrong everywhere, but counts them all', () => {
    const rows = Array.from({ length: 1500 }, (_, i) => ({ line: 1501 - i, column: null, rule: 'bad' }));
    const error = csvImportFailed(rows);
    expect(error.message).toContain('1500 problem(s)');
    expect(error.problems).toHaveLength(1000);
    expect(error.problems[0]).toEqual({ field: 'line 2', rule: 'bad' });
  });
});
