import { describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';

import { decodeCsv } from './decode-csv.js';
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

  it('trusts a BOM and replaces the invalid bytes after it', () => {
    expect(decodeCsv(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xff, 0x62]))).toEqual({
      text: 'a\ufffdb',
      encoding: 'utf-8-bom',
    });
  });

  it('decodes an empty file as empty UTF-8', () => {
    expect(decodeCsv(Buffer.alloc(0))).toEqual({ text: '', encoding: 'utf-8' });
  });
});
