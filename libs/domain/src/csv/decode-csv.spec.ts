import { describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';

import { CsvEncodingError, decodeCsv } from './decode-csv.js';
import { parseCsvRecords } from './parse-csv-records.js';

const TEXT = [
  'app_id,name,owner_name',
  'wx3f9a1c2e7b4d8a06,示例互联网医院,深圳市示例医疗科技有限公司',
  'wx8c27e5b0f1a94d3e,"示例学堂，北京","北京示例教育科技有限公司"',
  '',
].join('\r\n');
const SCHEMA = { columns: ['app_id', 'name', 'owner_name'], required: ['app_id'] } as const;

describe('decodeCsv', () => {
  it.each([
    ['utf-8-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')])],
    ['utf-8', Buffer.from(TEXT, 'utf8')],
    ['gb18030', iconv.encode(TEXT, 'gb18030')],
  ] as const)('decodes %s bytes to the same text and rows', (encoding, bytes) => {
    const decoded = decodeCsv(bytes);
    expect(decoded).toEqual({ text: TEXT, encoding });
    expect(parseCsvRecords(decoded.text, SCHEMA)).toEqual({
      rows: [
        {
          line: 2,
          values: {
            app_id: 'wx3f9a1c2e7b4d8a06',
            name: '示例互联网医院',
            owner_name: '深圳市示例医疗科技有限公司',
          },
        },
        {
          line: 3,
          values: {
            app_id: 'wx8c27e5b0f1a94d3e',
            name: '示例学堂，北京',
            owner_name: '北京示例教育科技有限公司',
          },
        },
      ],
      errors: [],
    });
  });

  it('treats plain ASCII as UTF-8', () => {
    expect(decodeCsv(Buffer.from('app_id\nwx3f9a1c2e7b4d8a06\n'))).toEqual({
      text: 'app_id\nwx3f9a1c2e7b4d8a06\n',
      encoding: 'utf-8',
    });
  });

  it('decodes characters outside GBK that GB18030 encodes in four bytes', () => {
    const text = '𠮷野家,€';
    expect(decodeCsv(iconv.encode(text, 'gb18030'))).toEqual({ text, encoding: 'gb18030' });
  });

  it('decodes an empty file as empty UTF-8', () => {
    expect(decodeCsv(Buffer.alloc(0))).toEqual({ text: '', encoding: 'utf-8' });
  });
});

/** Bytes written out by hand (GBK codes from the GB 2312 table, UTF-8 from the code points). */
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const HEADER = hex('61 70 70 5f 69 64 2c 6e 61 6d 65 0d 0a'); // app_id,name CRLF: 13 bytes
const APP_ID = hex('77 78 33 66 39 61 31 63 32 65 37 62 34 64 38 61 30 36 2c'); // wx3f9a1c2e7b4d8a06, : 19 bytes
const KANGNING_UTF8 = hex('e5 ba b7 e5 ae 81'); // 康宁
const REST_UTF8 = hex('e5 81 a5 e5 ba b7 e6 b5 8b e8 af 95 0d 0a'); // 健康测试 CRLF
const KANGNING_GBK = hex('bf b5 c4 fe'); // 康宁
const REST_GBK = hex('bd a1 bf b5 b2 e2 ca d4 0d 0a'); // 健康测试 CRLF
const EXPECTED = 'app_id,name\r\nwx3f9a1c2e7b4d8a06,康宁健康测试\r\n';

function refusal(run: () => unknown): { field: string; rule: string; line: number | null } {
  try {
    run();
  } catch (error) {
    if (error instanceof CsvEncodingError) return { field: error.field, rule: error.rule, line: error.line };
    throw error;
  }
  throw new Error('expected a CsvEncodingError');
}

describe('decodeCsv never guesses', () => {
  it.each<[string, Buffer, string | null, string]>([
    [
      'Excel "CSV UTF-8" (BOM, CRLF)',
      Buffer.concat([hex('ef bb bf'), HEADER, APP_ID, KANGNING_UTF8, REST_UTF8]),
      null,
      'utf-8-bom',
    ],
    [
      'Excel "CSV (逗号分隔)" on Chinese Windows (GBK, CRLF)',
      Buffer.concat([HEADER, APP_ID, KANGNING_GBK, REST_GBK]),
      null,
      'gb18030',
    ],
    ['UTF-8 without BOM', Buffer.concat([HEADER, APP_ID, KANGNING_UTF8, REST_UTF8]), null, 'utf-8'],
    ['GBK declared as gbk', Buffer.concat([HEADER, APP_ID, KANGNING_GBK, REST_GBK]), 'GBK', 'gb18030'],
    ['UTF-8 declared as utf-8', Buffer.concat([HEADER, APP_ID, KANGNING_UTF8, REST_UTF8]), 'utf-8', 'utf-8'],
  ])('reads %s', (_, bytes, charset, encoding) => {
    expect(decodeCsv(bytes, charset)).toEqual({ text: EXPECTED, encoding });
  });

  it.each<[string, Buffer, string | null, number, string]>([
    [
      'UTF-8 with a stray 0xff after 康宁 (the 搴峰畞鍋ュ悍娴嬭瘯 case)',
      Buffer.concat([HEADER, APP_ID, KANGNING_UTF8, hex('ff'), REST_UTF8]),
      null,
      2,
      'is not valid UTF-8: bad byte sequence at byte offset 38 of the file (bytes ff e5 81 a5)',
    ],
    [
      'UTF-8 with a lone continuation byte',
      Buffer.concat([HEADER, APP_ID, hex('80'), KANGNING_UTF8, REST_UTF8]),
      null,
      2,
      'is not valid UTF-8: bad byte sequence at byte offset 32 of the file (bytes 80 e5 ba b7)',
    ],
    [
      'UTF-8 with the last byte of 宁 lost',
      Buffer.concat([HEADER, APP_ID, hex('e5 ba b7 e5 ae'), REST_UTF8]),
      null,
      2,
      'is not valid UTF-8: bad byte sequence at byte offset 35 of the file (bytes e5 ae e5 81)',
    ],
    [
      'UTF-8 with a BOM and a stray byte on line 3',
      Buffer.concat([hex('ef bb bf'), HEADER, APP_ID, KANGNING_UTF8, REST_UTF8, hex('c0 af')]),
      null,
      3,
      'is not valid UTF-8: bad byte sequence at byte offset 55 of the file (bytes c0 af)',
    ],
    [
      'accented UTF-8 with one Latin-1 byte',
      Buffer.concat([HEADER, APP_ID, hex('63 61 66 c3 a9 2c 63 61 66 e9 0d 0a')]),
      null,
      2,
      'is not valid UTF-8: bad byte sequence at byte offset 41 of the file (bytes e9 0d 0a)',
    ],
    [
      'GBK with a corrupt 0xff',
      Buffer.concat([HEADER, APP_ID, KANGNING_GBK, hex('ff'), REST_GBK]),
      null,
      2,
      'is not valid UTF-8 or GB18030: bad byte sequence at byte offset 36 of the file (bytes ff bd a1 bf)',
    ],
    [
      'GBK cut in the middle of a character',
      Buffer.concat([HEADER, APP_ID, KANGNING_GBK, hex('bd')]),
      null,
      2,
      'is not valid UTF-8 or GB18030: bad byte sequence at byte offset 36 of the file (bytes bd)',
    ],
    [
      'an unassigned GB18030 four-byte code',
      Buffer.concat([HEADER, APP_ID, KANGNING_GBK, hex('84 32 81 30'), REST_GBK]),
      null,
      2,
      'is not valid UTF-8 or GB18030: bad byte sequence at byte offset 36 of the file (bytes 84 32 81 30)',
    ],
    [
      'GBK declared as utf-8',
      Buffer.concat([HEADER, APP_ID, KANGNING_GBK, REST_GBK]),
      'utf-8',
      2,
      'is not valid UTF-8: bad byte sequence at byte offset 32 of the file (bytes bf b5 c4 fe)',
    ],
    [
      'UTF-8 declared as gb18030, broken',
      Buffer.concat([HEADER, APP_ID, hex('e5 ba b7 ff')]),
      'gb18030',
      2,
      // e5 ba is one GB18030 character; b7 ff is not one (0xff is never a trail byte)
      'is not valid GB18030: bad byte sequence at byte offset 34 of the file (bytes b7 ff)',
    ],
  ])('refuses %s, naming the line and byte offset', (_, bytes, charset, line, rule) => {
    const got = refusal(() => decodeCsv(bytes, charset));
    expect(got.field).toBe(`line ${line}`);
    expect(got.line).toBe(line);
    expect(got.rule).toBe(
      `${rule}; save the file as "CSV UTF-8" (or as GB18030/GBK) and upload it again, or declare its charset`,
    );
  });

  it('refuses a charset it does not read, before looking at the bytes', () => {
    expect(refusal(() => decodeCsv(Buffer.from('a\n'), 'iso-8859-1'))).toEqual({
      field: 'charset',
      rule: 'must be utf-8 or gb18030 (gbk and gb2312 are read as gb18030); got "iso-8859-1"',
      line: null,
    });
  });

  it('reads the four-byte GB18030 code of 𠮷 and the last one (U+10FFFF)', () => {
    expect(decodeCsv(hex('95 34 b2 35 2c e3 32 9a 35'))).toEqual({
      text: '𠮷,\u{10FFFF}',
      encoding: 'gb18030',
    });
  });
});
