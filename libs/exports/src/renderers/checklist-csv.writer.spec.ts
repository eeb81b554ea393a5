import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';

import {
  HOSTILE_ROW,
  LICENCE,
  ROWS,
  headerFor,
  memorySink,
  rowsOf,
  generatedRows,
  hangingUpSink,
  stalledRows,
} from './checklist-rows.fixture.js';
import { writeChecklistCsv } from './checklist-csv.writer.js';

async function render(locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<{ raw: Buffer; records: string[][] }> {
  const sink = memorySink();
  await writeChecklistCsv(rowsOf(ROWS), headerFor(locale), sink.out);
  const raw = sink.bytes();
  const records = parse(raw, { bom: true, relax_column_count: false });
  return { raw, records };
}

describe('writeChecklistCsv', () => {
  it('starts with a UTF-8 BOM and ends lines with CRLF', async () => {
    const { raw } = await render();
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = raw.toString('utf8');
    expect(text.split('\r\n').length).toBeGreaterThan(5);
    expect(text.replace(/"[^"]*"/g, '').replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes one line per document or step, and one line for a deadline without items', async () => {
    const { records } = await render();
    const [head, ...body] = records;
    expect(head.slice(0, 3)).toEqual(['小程序', 'AppID', '事项']);
    const itemCount = ROWS.reduce((n, r) => n + Math.max(1, r.documents.length + r.steps.length), 0);
    expect(body).toHaveLength(itemCount);
    const annual = body.filter((r) => r[18] === 'dl-annual-1');
    expect(annual.map((r) => [r[0], r[1], r[2], r[4], r[5], r[7], r[10], r[12], r[13]])).toEqual([
      [
        '康宁互联网医院',
        'wx0123456789abcdef',
        '小程序年审（微信认证）',
        '2026-12-01',
        '2026-11-17',
        '6',
        '材料',
        '营业执照副本扫描件',
        '是',
      ],
      [
        '康宁互联网医院',
        'wx0123456789abcdef',
        '小程序年审（微信认证）',
        '2026-12-01',
        '2026-11-17',
        '6',
        '材料',
        '认证公函（加盖公章）',
        '否',
      ],
      [
        '康宁互联网医院',
        'wx0123456789abcdef',
        '小程序年审（微信认证）',
        '2026-12-01',
        '2026-11-17',
        '6',
        '步骤',
        '管理员扫码登录 mp.weixin.qq.com',
        '',
      ],
      [
        '康宁互联网医院',
        'wx0123456789abcdef',
        '小程序年审（微信认证）',
        '2026-12-01',
        '2026-11-17',
        '6',
        '步骤',
        '支付认证审核费 300 元',
        '',
      ],
    ]);
    const contract = body.filter((r) => r[18] === 'dl-contract-1');
    expect(contract).toHaveLength(1);
    expect(contract[0][0]).toBe('机构级事项');
    expect(contract[0][12]).toBe('');
  });

  it('round-trips commas, quotes and line breaks through RFC 4180 quoting', async () => {
    const { records } = await render('en');
    const licence = records.find((r) => r[18] === LICENCE.deadlineId)!;
    expect(licence[9]).toBe('Vendor: Acme, "Ltd"');
    expect(licence[12]).toBe('Licence, page 1\nand page 2');
    expect(licence[13]).toBe('unknown');
    expect(licence[8]).toBe('Acknowledged');
  });

  it('makes formula cells inert but keeps days left a plain negative number', async () => {
    const { records } = await render('en');
    const hostile = records.filter((r) => r[18] === HOSTILE_ROW.deadlineId);
    expect(hostile[0][2]).toBe("'=1+1");
    expect(hostile[0][9]).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(hostile[0][7]).toBe('-5');
    expect(hostile.map((r) => r[12])).toEqual([
      "'+cmd|' /C calc'!A0",
      "'-2+3",
      "'@SUM(A1:A2)",
      "'\tTabbed",
      HOSTILE_ROW.documents[4].text,
      '-5',
    ]);
    for (const record of records) {
      for (const cell of record) expect(cell).not.toMatch(/^[=+@\t\r]/);
    }
  });

  it('destroys the destination when the rows fail, so no complete-looking file is left', async () => {
    const sink = memorySink();
    async function* failing(): AsyncGenerator<typeof LICENCE> {
      yield LICENCE;
      await Promise.resolve();
      throw new Error('database went away');
    }
    await expect(writeChecklistCsv(failing(), headerFor(), sink.out)).rejects.toThrow('database went away');
    expect(sink.out.destroyed).toBe(true);
    expect(sink.out.writableFinished).toBe(false);
  });

  it('stops with an error, instead of hanging, when the reader goes away mid-export', async () => {
    const out = hangingUpSink(20_000);
    await expect(writeChecklistCsv(generatedRows(3_000), headerFor(), out)).rejects.toThrow();
    expect(out.destroyed).toBe(true);
  }, 30_000);

  it('sends the header and the first deadline before the next rows arrive', async () => {
    const sink = memorySink();
    const source = stalledRows([LICENCE]);
    const done = writeChecklistCsv(source.rows, headerFor(), sink.out);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = sink.bytes().toString('utf8');
    expect(text.startsWith('\uFEFF小程序,AppID,')).toBe(true);
    expect(text).toContain(LICENCE.deadlineId);
    source.release();
    await done;
  });
});
