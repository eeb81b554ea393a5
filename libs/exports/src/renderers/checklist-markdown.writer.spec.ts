import { describe, expect, it } from '@jest/globals';
import { Lexer, marked, type Token, type Tokens } from 'marked';

import {
  ANNUAL_REVIEW,
  HOSTILE,
  HOSTILE_ROW,
  KANGNING,
  ROWS,
  headerFor,
  memorySink,
  rowsOf,
  stalledRows,
} from './checklist-rows.fixture.js';
import { escapeMarkdown, writeChecklistMarkdown } from './checklist-markdown.writer.js';

async function render(locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<string> {
  const sink = memorySink();
  await writeChecklistMarkdown(rowsOf(ROWS), headerFor(locale), sink.out);
  return sink.bytes().toString('utf8');
}

function walk(tokens: Token[], visit: (token: Token) => void): void {
  for (const token of tokens) {
    visit(token);
    const nested = token as {
      tokens?: Token[];
      items?: Token[];
      header?: { tokens: Token[] }[];
      rows?: { tokens: Token[] }[][];
    };
    if (nested.tokens) walk(nested.tokens, visit);
    if (nested.items) walk(nested.items, visit);
    if (nested.header) nested.header.forEach((cell) => walk(cell.tokens, visit));
    if (nested.rows) nested.rows.forEach((row) => row.forEach((cell) => walk(cell.tokens, visit)));
  }
}

describe('writeChecklistMarkdown', () => {
  it('has a heading per mini-program and per deadline, in input order', async () => {
    const tokens = Lexer.lex(await render());
    const headings = tokens.filter((t): t is Tokens.Heading => t.type === 'heading');
    expect(headings.map((h) => [h.depth, h.text.replace(/\\/g, '')])).toEqual([
      [1, '小程序合规续期清单: 康宁医疗集团'],
      [2, KANGNING.name],
      [3, ANNUAL_REVIEW.requirementName],
      [3, '医疗机构执业许可证'],
      [2, HOSTILE.name],
      [3, '=1+1'],
      [2, '机构级事项'],
      [3, '服务商合同到期'],
    ]);
  });

  it('writes documents and steps as task lists, ticked when a document is on file', async () => {
    const tokens = Lexer.lex(await render());
    const items: Tokens.ListItem[] = [];
    walk(tokens, (t) => {
      if (t.type === 'list_item') items.push(t as Tokens.ListItem);
    });
    const tasks = items.filter((i) => i.task);
    const expected = ROWS.reduce((n, r) => n + r.documents.length + r.steps.length, 0);
    expect(tasks).toHaveLength(expected);
    expect(tasks.filter((i) => i.checked)).toHaveLength(2);
    expect(tasks[0].text).toContain('营业执照副本扫描件');
    expect(tasks[0].checked).toBe(true);
    expect(tasks[1].checked).toBe(false);
  });

  it('puts the dates of each deadline in a table that user text cannot break', async () => {
    const tokens = Lexer.lex(await render('en'));
    const tables: Tokens.Table[] = [];
    walk(tokens, (t) => {
      if (t.type === 'table') tables.push(t as Tokens.Table);
    });
    expect(tables).toHaveLength(ROWS.length);
    for (const table of tables) {
      expect(table.header.map((c) => c.text)).toEqual([
        'Due date',
        'Act by',
        'Window opens',
        'Days left',
        'State',
        'Who must act',
      ]);
      expect(table.rows).toHaveLength(1);
      expect(table.rows[0]).toHaveLength(6);
    }
    const hostile = tables[2].rows[0].map((c) => c.text);
    expect(hostile.slice(0, 5)).toEqual(['2026-11-20', '2026-11-20', '2026-10-20', '-5', 'Snoozed']);
  });

  it('writes the source link without needless backslashes', async () => {
    const md = await render();
    expect(md).toContain(`[${ANNUAL_REVIEW.sourceUrl}](${ANNUAL_REVIEW.sourceUrl})`);
    expect(md).not.toContain('https\\://developers');
  });

  it('renders hostile names and text as text: no links, no HTML, no emphasis, no code', async () => {
    const html = await marked.parse(await render(), { gfm: true, async: true });
    // the only links: the catalogue's source, and e-mail addresses to exactly the address shown
    expect(html).not.toMatch(/<a [^>]*href="(?!https:\/\/developers\.weixin\.qq\.com|mailto:)/);
    for (const [, to, text] of html.matchAll(/<a href="mailto:([^"]*)">([^<]*)<\/a>/g)) expect(text).toBe(to);
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/<(em|code|img)[ >]/);
    const strong = [...html.matchAll(/<strong>(.*?)<\/strong>/g)].map((m) => m[1]);
    expect(new Set(strong)).toEqual(new Set(['所需材料', '办理步骤', '逾期后果', '依据']));
    expect(html).toContain('`code` _under_ **bold** | pipe');
    expect(html).toContain('Acme | Shop](http://evil) *x*'.replace(/&/g, '&amp;'));
    expect(html).toContain(`<a href="${ANNUAL_REVIEW.sourceUrl}">`);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain(HOSTILE_ROW.whoMustAct.replace(/"/g, '&quot;'));
  });

  it.each([
    ['a|b', 'a\\|b'],
    ['[x](http://evil)', '\\[x\\](http\\://evil)'],
    ['see www.evil.com', 'see www\\.evil.com'],
    ['*_`<>', '\\*\\_\\`\\<>'],
    ['line\nbreak', 'line break'],
    ['1. item', '1\\. item'],
    ['# title', '\\# title'],
    ['> quote', '\\> quote'],
    ['_x_ and snake_case_name', '\\_x\\_ and snake_case_name'],
    ['&amp; &#60; AT&T', '\\&amp; \\&#60; AT&T'],
    ['~~gone~~', '\\~\\~gone\\~\\~'],
    // nothing to escape: no needless backslashes in e-mail addresses, dates, punctuation or Chinese
    ['liu.yang@kangning.example.cn', 'liu.yang@kangning.example.cn'],
    ['2026-11-25 (周三): 续签!', '2026-11-25 (周三): 续签!'],
    ['康宁', '康宁'],
  ])('escapes %j as %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  const html = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

  it.each([
    '**bold** _em_ `code` ~~strike~~',
    '[link](http://evil.example) ![img](http://evil.example/x.png)',
    '<script>alert(1)</script> <b>x</b>',
    'a | b | c',
    '&lt;entity&gt; &#x3C; \\escaped\\',
    '# heading',
    '> quote',
    '- item',
    '1) item',
    '=== setext',
    'line one\nline two',
  ])('marked reads %j back as that very text, with no structure', (input) => {
    const rendered = marked.parseInline(escapeMarkdown(input), { async: false, gfm: true });
    expect(rendered).toBe(html(input.replace(/\n/g, ' ')));
    const block = marked.parse(escapeMarkdown(input), { async: false, gfm: true });
    expect(block).toBe(`<p>${html(input.replace(/\n/g, ' '))}</p>\n`);
  });

  it('leaves an e-mail address as written: marked links it to exactly that address', () => {
    expect(
      marked.parseInline(escapeMarkdown('liu.yang@kangning.example.cn'), { async: false, gfm: true }),
    ).toBe('<a href="mailto:liu.yang@kangning.example.cn">liu.yang@kangning.example.cn</a>');
  });

  it('sends the title and the first deadline before the next rows arrive', async () => {
    const sink = memorySink();
    const source = stalledRows([ANNUAL_REVIEW]);
    const done = writeChecklistMarkdown(source.rows, headerFor(), sink.out);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = sink.bytes().toString('utf8');
    expect(text).toContain('# 小程序合规续期清单');
    expect(text).toContain(ANNUAL_REVIEW.requirementName);
    source.release();
    await done;
  });
});
