import { readdir } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';

import {
  ANNUAL_REVIEW,
  HOSTILE,
  ROWS,
  headerFor,
  memorySink,
  rowsOf,
  generatedRows,
  hangingUpSink,
} from './checklist-rows.fixture.js';
import type { ChecklistRow } from './checklist-row.js';
import { MAX_MINI_PROGRAM_SHEETS, writeChecklistXlsx } from './checklist-xlsx.writer.js';

async function render(
  rows: ChecklistRow[] = ROWS,
  locale: 'zh-CN' | 'en' = 'zh-CN',
): Promise<ExcelJS.Workbook> {
  const sink = memorySink();
  await writeChecklistXlsx(rowsOf(rows), headerFor(locale), sink.out);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(sink.bytes() as unknown as ArrayBuffer);
  return workbook;
}

function values(sheet: ExcelJS.Worksheet): unknown[][] {
  const result: unknown[][] = [];
  sheet.eachRow((row) => result.push((row.values as unknown[]).slice(1)));
  return result;
}

describe('writeChecklistXlsx', () => {
  it('writes a summary sheet first, then one sheet per mini-program and one for organization-level deadlines', async () => {
    const workbook = await render();
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      '汇总',
      '康宁互联网医院',
      'Acme | Shop (http evil) x',
      '机构级事项',
    ]);
  });

  it.each([
    [MAX_MINI_PROGRAM_SHEETS, MAX_MINI_PROGRAM_SHEETS + 1],
    [MAX_MINI_PROGRAM_SHEETS + 1, 2],
  ])(
    'with %i mini-programs writes %i sheets (one detail sheet beyond the limit)',
    async (programs, sheets) => {
      const sink = memorySink();
      // the generated rows put ten deadlines on each mini-program
      await writeChecklistXlsx(generatedRows(programs * 10), headerFor(), sink.out);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(sink.bytes() as unknown as ArrayBuffer);
      expect(workbook.worksheets).toHaveLength(sheets);
      if (sheets !== 2) return;
      const details = workbook.worksheets[1];
      expect(details.name).toBe('明细');
      const rows = values(details);
      expect(rows[0].slice(0, 4)).toEqual(['小程序', 'AppID', '事项', '截止日期']);
      const deadlines = rows.filter((r) => r[7] === '截止事项');
      expect(deadlines).toHaveLength(programs * 10);
      expect(deadlines.at(-1)!.slice(0, 2)).toEqual([
        `康宁互联网医院 ${programs - 1}`,
        `wx${(programs - 1).toString(16).padStart(16, '0')}`,
      ]);
      expect(details.autoFilter).toBe(`A1:M${rows.length}`);
    },
  );

  it('summarizes one row per deadline with real date cells and a frozen, filtered header', async () => {
    const summary = (await render()).worksheets[0];
    const rows = values(summary);
    expect(rows[0]).toEqual([
      '小程序',
      'AppID',
      '事项',
      '截止日期',
      '最迟办理日',
      '剩余天数',
      '状态',
      '办理人',
    ]);
    expect(rows).toHaveLength(ROWS.length + 1);
    expect(rows[1]).toEqual([
      '康宁互联网医院',
      'wx0123456789abcdef',
      '小程序年审（微信认证）',
      new Date('2026-12-01T00:00:00Z'),
      new Date('2026-11-17T00:00:00Z'),
      6,
      '待办',
      '业主自行办理（服务商已失联）',
    ]);
    expect(summary.getCell('D2').value).toBeInstanceOf(Date);
    expect(summary.getCell('D2').numFmt).toBe('yyyy-mm-dd');
    expect(summary.getCell('F4').value).toBe(-5);
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(summary.autoFilter).toBe('A1:H5');
    expect(summary.getColumn(3).width).toBeGreaterThanOrEqual(30);
  });

  it('lists each deadline then its documents and steps with a tick-box marker on the mini-program sheet', async () => {
    const sheet = (await render()).getWorksheet('康宁互联网医院')!;
    const rows = values(sheet);
    expect(rows[1].slice(0, 9)).toEqual([
      '小程序年审（微信认证）',
      new Date('2026-12-01T00:00:00Z'),
      new Date('2026-11-17T00:00:00Z'),
      6,
      '待办',
      '截止事项',
      '年审',
      undefined,
      '业主自行办理（服务商已失联）',
    ]);
    const items = rows.slice(2, 6).map((r) => [r[5], r[6], r[7], r[8]]);
    expect(items).toEqual([
      ['材料', ANNUAL_REVIEW.documents[0].text, '☑ 已备齐', undefined],
      ['材料', ANNUAL_REVIEW.documents[1].text, '☐', undefined],
      ['步骤', ANNUAL_REVIEW.steps[0].text, '☐', '管理员（绑定微信）'],
      ['步骤', ANNUAL_REVIEW.steps[1].text, '☐', '业主'],
    ]);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe(`A1:K${rows.length}`);
  });

  it('stores formula-looking text as exact strings typed as text, never as formulas', async () => {
    const workbook = await render();
    const sheet = workbook.worksheets[2];
    const deadline = sheet.getRow(2);
    expect(deadline.getCell(1).type).toBe(ExcelJS.ValueType.String);
    // no apostrophe in the value: the Text format (@) keeps it text, even when edited
    expect(deadline.getCell(1).value).toBe('=1+1');
    expect(deadline.getCell(1).numFmt).toBe('@');
    expect(deadline.getCell(9).value).toBe('=HYPERLINK("http://evil.example","click")');
    expect(deadline.getCell(9).numFmt).toBe('@');
    expect(deadline.getCell(4).value).toBe(-5);
    workbook.eachSheet((s) =>
      s.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          expect(cell.formula).toBeUndefined();
        }),
      ),
    );
  });

  it('keeps sheet names valid and unique when names clash or are too long', async () => {
    const long = { id: 'mp-long', name: '一'.repeat(40), appId: 'wx1111111111111111' };
    const twin = { id: 'mp-twin', name: HOSTILE.name, appId: 'wx2222222222222222' };
    const rows = [
      { ...ANNUAL_REVIEW, miniProgram: HOSTILE },
      { ...ANNUAL_REVIEW, miniProgram: twin },
      { ...ANNUAL_REVIEW, miniProgram: long },
      { ...ANNUAL_REVIEW, miniProgram: { ...long, id: 'mp-long-2' } },
      { ...ANNUAL_REVIEW, miniProgram: { id: 'mp-sum', name: 'summary', appId: 'wx3333333333333333' } },
    ];
    const names = (await render(rows, 'en')).worksheets.map((s) => s.name);
    expect(names).toEqual([
      'Summary',
      'Acme | Shop (http evil) x',
      'Acme | Shop (http evil) x (2)',
      '一'.repeat(31),
      `${'一'.repeat(27)} (2)`,
      'summary (2)',
    ]);
  });

  it('removes its spool file and destroys the destination when the rows fail', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xlsx-spec-'));
    const sink = memorySink();
    async function* failing(): AsyncGenerator<ChecklistRow> {
      yield ANNUAL_REVIEW;
      await Promise.resolve();
      throw new Error('database went away');
    }
    await expect(writeChecklistXlsx(failing(), headerFor(), sink.out, { tmpDir: dir })).rejects.toThrow(
      'database went away',
    );
    expect(sink.out.destroyed).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops with an error, instead of hanging, when the reader goes away mid-export', async () => {
    const out = hangingUpSink(20_000);
    await expect(writeChecklistXlsx(generatedRows(3_000), headerFor(), out)).rejects.toThrow();
    expect(out.destroyed).toBe(true);
  }, 30_000);
});
