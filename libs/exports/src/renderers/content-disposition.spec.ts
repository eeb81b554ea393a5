import { describe, expect, it } from '@jest/globals';

import { contentDisposition, exportFileName } from './content-disposition.js';

describe('exportFileName', () => {
  it.each([
    ['康宁互联网医院', 'pdf', 'mp-guard-checklist_康宁互联网医院_2026-11-25.pdf'],
    ['All mini-programs', 'csv', 'mp-guard-checklist_All-mini-programs_2026-11-25.csv'],
    ['a/b\\c:d*e?f"g<h>i|j', 'xlsx', 'mp-guard-checklist_abcdefghij_2026-11-25.xlsx'],
    ['..\u0000\r\n', 'md', 'mp-guard-checklist_2026-11-25.md'],
    ['', 'ics', 'mp-guard-checklist_2026-11-25.ics'],
  ] as const)('names scope %j as %s', (scopeLabel, ext, expected) => {
    expect(exportFileName({ scopeLabel, asciiScope: 'all', date: '2026-11-25', ext }).name).toBe(expected);
  });

  it('cuts a long scope and refuses a malformed date', () => {
    expect(
      exportFileName({ scopeLabel: '长'.repeat(100), asciiScope: 'all', date: '2026-11-25', ext: 'pdf' })
        .name,
    ).toBe(`mp-guard-checklist_${'长'.repeat(60)}_2026-11-25.pdf`);
    expect(() =>
      exportFileName({ scopeLabel: 'x', asciiScope: 'all', date: '2026-11-25T00:00', ext: 'pdf' }),
    ).toThrow(RangeError);
  });

  it('gives every scope its own ASCII name: the AppID, the due window, or all', () => {
    const names = [
      { scopeLabel: '全部小程序', asciiScope: 'all' },
      { scopeLabel: '康宁互联网医院', appId: 'wx3f8a1c2d4e5b6a70', asciiScope: 'wx3f8a1c2d4e5b6a70' },
      { scopeLabel: '康宁互联网医院', appId: 'wx9b7c6d5e4f3a2b10', asciiScope: 'wx9b7c6d5e4f3a2b10' },
      { scopeLabel: '全部小程序 截止 2026-12-01 至 2027-03-31', asciiScope: 'due-2026-12-01-to-2027-03-31' },
    ].map((s) => exportFileName({ ...s, date: '2026-11-25', ext: 'pdf' }));
    expect(names).toEqual([
      {
        name: 'mp-guard-checklist_全部小程序_2026-11-25.pdf',
        ascii: 'mp-guard-checklist_all_2026-11-25.pdf',
      },
      {
        name: 'mp-guard-checklist_康宁互联网医院_wx3f8a1c2d4e5b6a70_2026-11-25.pdf',
        ascii: 'mp-guard-checklist_wx3f8a1c2d4e5b6a70_2026-11-25.pdf',
      },
      {
        name: 'mp-guard-checklist_康宁互联网医院_wx9b7c6d5e4f3a2b10_2026-11-25.pdf',
        ascii: 'mp-guard-checklist_wx9b7c6d5e4f3a2b10_2026-11-25.pdf',
      },
      {
        name: 'mp-guard-checklist_全部小程序-截止-2026-12-01-至-2027-03-31_2026-11-25.pdf',
        ascii: 'mp-guard-checklist_due-2026-12-01-to-2027-03-31_2026-11-25.pdf',
      },
    ]);
  });
});

describe('contentDisposition', () => {
  it('gives the ASCII name for curl -J and the exact UTF-8 name (RFC 6266, RFC 5987)', () => {
    expect(
      contentDisposition({
        name: 'mp-guard-checklist_康宁互联网医院_wx3f8a1c2d4e5b6a70_2026-11-25.pdf',
        ascii: 'mp-guard-checklist_wx3f8a1c2d4e5b6a70_2026-11-25.pdf',
      }),
    ).toBe(
      'attachment; filename="mp-guard-checklist_wx3f8a1c2d4e5b6a70_2026-11-25.pdf"; ' +
        "filename*=UTF-8''mp-guard-checklist_%E5%BA%B7%E5%AE%81%E4%BA%92%E8%81%94%E7%BD%91%E5%8C%BB%E9%99%A2_wx3f8a1c2d4e5b6a70_2026-11-25.pdf",
    );
  });

  it('round-trips the UTF-8 name through decodeURIComponent', () => {
    const name = "康宁 (总院)'s *list*.pdf";
    const header = contentDisposition({ name, ascii: 'list.pdf' });
    const encoded = /filename\*=UTF-8''(\S+)$/.exec(header)![1];
    expect(encoded).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    expect(decodeURIComponent(encoded)).toBe(name);
  });

  it('cannot inject header parameters or lines', () => {
    const evil = 'a"; filename=evil.exe\r\nSet-Cookie: x=1.pdf';
    const header = contentDisposition({ name: evil, ascii: evil });
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.startsWith('attachment; filename="a_; filename=evil.exeSet-Cookie: x=1.pdf"; ')).toBe(true);
  });
});
