import { describe, expect, it } from '@jest/globals';

import { parseCsvRecords } from './parse-csv-records.js';

const SCHEMA = { columns: ['app_id', 'name', 'notes'], required: ['app_id', 'name'] } as const;

describe('parseCsvRecords', () => {
  it('matches header names case-insensitively after trimming, and trims cells', () => {
    expect(parseCsvRecords(' App_ID , NAME ,Notes\nwx1, 示例 ,"  x  "\n', SCHEMA)).toEqual({
      rows: [{ line: 2, values: { app_id: 'wx1', name: '示例', notes: 'x' } }],
      errors: [],
    });
  });

  it('fills an absent optional column with an empty string', () => {
    expect(parseCsvRecords('name,app_id\n示例,wx1', SCHEMA).rows).toEqual([
      { line: 2, values: { app_id: 'wx1', name: '示例', notes: '' } },
    ]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])(
    'numbers records by the file line they start on, across quoted newlines and blank lines (%s)',
    (_, eol) => {
      const text = [
        'app_id,name,notes', // 1
        'wx1,"two-line', // 2
        'name",plain', // 3
        '', // 4
        'wx2,b,"three', // 5
        'line', // 6
        'note"', // 7
        ',,', // 8: Excel's leftover of a cleared row
        '   ', // 9
        'wx3,c,', // 10
        '',
      ].join(eol);
      expect(parseCsvRecords(text, SCHEMA)).toEqual({
        rows: [
          { line: 2, values: { app_id: 'wx1', name: 'two-line\nname', notes: 'plain' } },
          { line: 5, values: { app_id: 'wx2', name: 'b', notes: 'three\nline\nnote' } },
          { line: 10, values: { app_id: 'wx3', name: 'c', notes: '' } },
        ],
        errors: [],
      });
    },
  );

  it('counts blank lines before the header', () => {
    expect(parseCsvRecords('\n\napp_id,name\nwx1,a\n', SCHEMA).rows).toEqual([
      { line: 4, values: { app_id: 'wx1', name: 'a', notes: '' } },
    ]);
  });

  it('strips a BOM left in the text', () => {
    expect(parseCsvRecords('\uFEFFapp_id,name\nwx1,a', SCHEMA).errors).toEqual([]);
  });

  it('names an unknown column and returns no rows', () => {
    expect(parseCsvRecords('app_id,name,colour\nwx1,a,red\n', SCHEMA)).toEqual({
      rows: [],
      errors: [
        { line: 1, column: 'colour', rule: 'is not a known column; expected one of app_id, name, notes' },
      ],
    });
  });

  it('reports missing required, duplicate and unnamed columns', () => {
    expect(parseCsvRecords('app_id,,notes,Notes\nwx1,a,b,c\n', SCHEMA).errors).toEqual([
      { line: 1, column: null, rule: 'has no name for column 2' },
      { line: 1, column: 'notes', rule: 'appears more than once in the header' },
      { line: 1, column: 'name', rule: 'is a required column but is missing from the header' },
    ]);
  });

  it('ignores trailing empty header cells and trailing empty fields', () => {
    expect(parseCsvRecords('app_id,name,,\nwx1,a,,\n', SCHEMA)).toEqual({
      rows: [{ line: 2, values: { app_id: 'wx1', name: 'a', notes: '' } }],
      errors: [],
    });
  });

  it('rejects rows with missing or extra fields and keeps the others', () => {
    expect(parseCsvRecords('app_id,name\nwx1\nwx2,b,extra\nwx3,c\n', SCHEMA)).toEqual({
      rows: [{ line: 4, values: { app_id: 'wx3', name: 'c', notes: '' } }],
      errors: [
        { line: 2, column: null, rule: 'has 1 fields but the header has 2' },
        { line: 3, column: null, rule: 'has 3 fields but the header has 2' },
      ],
    });
  });

  it('reports an unclosed quote at the line where its record starts, without throwing', () => {
    const text = 'app_id,name\nwx1,a\n\nwx2,"unclosed\nwx3,c\nwx4,d\n';
    expect(parseCsvRecords(text, SCHEMA)).toEqual({
      rows: [{ line: 2, values: { app_id: 'wx1', name: 'a', notes: '' } }],
      errors: [{ line: 4, column: null, rule: 'has a quoted field that is never closed' }],
    });
  });

  it.each([
    ['wx2,"quoted"tail', 'has text after a closing quote; write a quote inside a quoted field as ""'],
    [
      'wx2,half"quoted',
      'has a quote inside an unquoted field; quote the whole field and write the quote as ""',
    ],
  ])('stops at a stray quote in %j and reports its line', (record, rule) => {
    expect(parseCsvRecords(`app_id,name\nwx1,a\n${record}\nwx3,c\n`, SCHEMA)).toEqual({
      rows: [{ line: 2, values: { app_id: 'wx1', name: 'a', notes: '' } }],
      errors: [{ line: 3, column: null, rule }],
    });
  });

  it('reports an unclosed quote in the header', () => {
    expect(parseCsvRecords('app_id,"name\nwx1,a\n', SCHEMA)).toEqual({
      rows: [],
      errors: [{ line: 1, column: null, rule: 'has a quoted field that is never closed' }],
    });
  });

  it.each(['', '\n\n', '\uFEFF'])('reports an empty file %j', (text) => {
    expect(parseCsvRecords(text, SCHEMA)).toEqual({
      rows: [],
      errors: [{ line: 1, column: null, rule: 'is empty; expected a header row' }],
    });
  });

  it('keeps quotes written as "" inside a quoted field', () => {
    expect(parseCsvRecords('app_id,name\nwx1,"示例""小程序"""\n', SCHEMA).rows[0]?.values.name).toBe(
      '示例"小程序"',
    );
  });
});
