import { describe, expect, it } from '@jest/globals';
import { PDFParse } from 'pdf-parse';

import { handoverInput } from '../../../domain/src/continuity/handover.fixture.js';
import { composeHandover } from '../../../domain/src/continuity/index.js';
import { hangingUpSink, memorySink } from './checklist-rows.fixture.js';
import { writeHandoverPdf } from './handover-pdf.writer.js';

async function render(locale: 'zh-CN' | 'en'): Promise<{ bytes: Buffer; pages: string[] }> {
  const sink = memorySink();
  await writeHandoverPdf(composeHandover(handoverInput(), locale), sink.out);
  const bytes = sink.bytes();
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return { bytes, pages: (await parser.getText()).pages.map((p) => p.text) };
  } finally {
    await parser.destroy();
  }
}

describe('writeHandoverPdf', () => {
  it('embeds Noto Sans SC and carries every section in Chinese', async () => {
    const { bytes, pages } = await render('zh-CN');
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.toString('latin1')).toMatch(/\/FontFile2/);
    expect(bytes.toString('latin1')).toMatch(/NotoSansSC/);
    expect(pages.length).toBeGreaterThan(0);
    const text = pages.join('\n');
    for (const expected of [
      '小程序交接资料',
      '康宁互联网医院',
      'wx3f9a1c2e7b4d8a06',
      '91440300MA5G7K2Q99',
      '杭州快码网络科技有限公司',
      '已停止经营',
      'api.kangning.example.cn',
      '2027-01-10',
      '服务商项目经理的微信',
      '换绑管理员',
      '微信认证年审',
      '营业执照副本扫描件',
      '互联网医院执业许可',
      'wang.li@kangning.example.cn',
      '第 1 页',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('numbers every page in English too', async () => {
    const { pages } = await render('en');
    pages.forEach((page, i) => expect(page).toContain(`Page ${i + 1}`));
    expect(pages.join('\n')).toContain('Recovery steps');
  });

  it('stops with an error when the reader goes away', async () => {
    const out = hangingUpSink(1_000);
    await expect(writeHandoverPdf(composeHandover(handoverInput(), 'zh-CN'), out)).rejects.toThrow();
    expect(out.destroyed).toBe(true);
  });
});
