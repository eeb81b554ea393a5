import { describe, expect, it } from '@jest/globals';
import { PDFParse } from 'pdf-parse';

import {
  ANNUAL_REVIEW,
  HOSTILE,
  KANGNING,
  ROWS,
  headerFor,
  memorySink,
  rowsOf,
  generatedRows,
  hangingUpSink,
  hangingUpSinkWithFlag,
  rowsCountedSince,
} from './checklist-rows.fixture.js';
import type { ChecklistRow } from './checklist-row.js';
import { writeChecklistPdf } from './checklist-pdf.writer.js';

async function render(
  rows: ChecklistRow[],
  locale: 'zh-CN' | 'en',
): Promise<{ bytes: Buffer; pages: string[] }> {
  const sink = memorySink();
  await writeChecklistPdf(rowsOf(rows), headerFor(locale), sink.out);
  const bytes = sink.bytes();
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const result = await parser.getText();
    return { bytes, pages: result.pages.map((p) => p.text) };
  } finally {
    await parser.destroy();
  }
}

describe('writeChecklistPdf', () => {
  it('embeds a subset of Noto Sans SC so the Chinese text is extractable', async () => {
    const { bytes, pages } = await render(ROWS, 'zh-CN');
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.toString('latin1')).toMatch(/\/FontFile2/);
    expect(bytes.toString('latin1')).toMatch(/NotoSansSC/);
    expect(bytes.length).toBeLessThan(1_000_000);
    const text = pages.join('\n');
    for (const expected of [
      '小程序合规续期清单',
      '康宁医疗集团',
      '全部小程序',
      '2026-11-25 10:30',
      KANGNING.name,
      KANGNING.appId,
      ANNUAL_REVIEW.requirementName,
      '营业执照副本扫描件',
      '管理员扫码登录 mp.weixin.qq.com',
      '业主自行办理（服务商已失联）',
      '机构级事项',
      '服务商合同到期',
      ANNUAL_REVIEW.sourceUrl!,
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('puts the title page first and starts every mini-program on its own page', async () => {
    const { pages } = await render(ROWS, 'zh-CN');
    expect(pages).toHaveLength(4);
    expect(pages[0]).toContain('小程序合规续期清单');
    expect(pages[1]).toContain(KANGNING.name);
    expect(pages[2]).toContain(HOSTILE.appId);
    expect(pages[3]).toContain('机构级事项');
  });

  it('numbers every page, in Chinese and in English', async () => {
    const zh = await render(ROWS, 'zh-CN');
    zh.pages.forEach((page, i) => expect(page).toContain(`第 ${i + 1} 页`));
    const many = Array.from({ length: 40 }, (_, i) => ({ ...ANNUAL_REVIEW, deadlineId: `dl-${i}` }));
    const en = await render(many, 'en');
    expect(en.pages.length).toBeGreaterThan(3);
    en.pages.forEach((page, i) => expect(page).toContain(`Page ${i + 1}`));
    expect(en.pages.join('\n')).toContain('Documents');
  });

  it('stops with an error, instead of hanging, when the reader goes away mid-export', async () => {
    const out = hangingUpSink(20_000);
    await expect(writeChecklistPdf(generatedRows(3_000), headerFor(), out)).rejects.toThrow();
    expect(out.destroyed).toBe(true);
  }, 30_000);

  it('notices within a row that the reader has gone, instead of drawing more deadlines for nobody', async () => {
    // Rows were counted in batches of 50 before the writer looked at its reader: a closed download kept
    // the process drawing that long (half a second on a loaded machine), and the next request waited.
    const sink = hangingUpSinkWithFlag(20_000);
    const source = rowsCountedSince(3_000, sink.hungUp);
    await expect(writeChecklistPdf(source.rows, headerFor(), sink.out)).rejects.toThrow();
    expect(sink.out.destroyed).toBe(true);
    expect(source.taken()).toBeLessThanOrEqual(2);
  }, 30_000);
});
