import { Readable, Writable } from 'node:stream';

import type { ChecklistRow, ExportHeader, ExportLocale } from './checklist-row.js';

/** Test data shared by the renderer specs: Chinese names, hostile text and an organization-level row. */
export const KANGNING = { id: 'mp-1', name: '康宁互联网医院', appId: 'wx0123456789abcdef' };
export const HOSTILE = { id: 'mp-2', name: 'Acme | Shop](http://evil) *x*', appId: 'wx00000000000000ff' };

export const ANNUAL_REVIEW: ChecklistRow = {
  deadlineId: 'dl-annual-1',
  miniProgram: KANGNING,
  requirementCode: 'annual_review',
  requirementName: '小程序年审（微信认证）',
  kind: 'annual_review',
  dueOn: '2026-12-01',
  actBy: '2026-11-17',
  windowOpensOn: '2026-09-02',
  daysLeft: 6,
  state: 'open',
  whoMustAct: '业主自行办理（服务商已失联）',
  documents: [
    { id: 'business_licence', text: '营业执照副本扫描件', onFile: true },
    { id: 'authorization', text: '认证公函（加盖公章）', onFile: false },
  ],
  steps: [
    { id: 'login', text: '管理员扫码登录 mp.weixin.qq.com', actor: 'admin_binding' },
    { id: 'pay', text: '支付认证审核费 300 元', actor: 'owner' },
  ],
  consequence: '逾期未年审：暂停被搜索与被分享，"认证"标识失效',
  sourceUrl: 'https://developers.weixin.qq.com/miniprogram/product/renzheng.html',
  sequence: 2,
};

export const LICENCE: ChecklistRow = {
  deadlineId: 'dl-licence-1',
  miniProgram: KANGNING,
  requirementCode: 'medical_licence',
  requirementName: '医疗机构执业许可证',
  kind: 'qualification_expiry',
  dueOn: '2027-03-31',
  actBy: '2027-03-31',
  windowOpensOn: '2027-01-01',
  daysLeft: 126,
  state: 'acknowledged',
  whoMustAct: 'Vendor: Acme, "Ltd"',
  documents: [{ id: 'licence', text: 'Licence, page 1\nand page 2', onFile: null }],
  steps: [],
  consequence: null,
  sourceUrl: null,
  sequence: 0,
};

export const HOSTILE_ROW: ChecklistRow = {
  deadlineId: 'dl-hostile-1',
  miniProgram: HOSTILE,
  requirementCode: null,
  requirementName: '=1+1',
  kind: 'custom',
  dueOn: '2026-11-20',
  actBy: '2026-11-20',
  windowOpensOn: '2026-10-20',
  daysLeft: -5,
  state: 'snoozed',
  whoMustAct: '=HYPERLINK("http://evil.example","click")',
  documents: [
    { id: 'a', text: "+cmd|' /C calc'!A0", onFile: false },
    { id: 'b', text: '-2+3', onFile: false },
    { id: 'c', text: '@SUM(A1:A2)', onFile: false },
    { id: 'd', text: '\tTabbed', onFile: false },
    {
      id: 'e',
      text: '<script>alert(1)</script> see [here](http://evil) or www.evil.com and x@evil.com',
      onFile: true,
    },
  ],
  steps: [{ id: 's', text: '-5', actor: 'vendor' }],
  consequence: '`code` _under_ **bold** | pipe',
  sourceUrl: 'javascript:alert(1)',
  sequence: 1,
};

export const VENDOR_CONTRACT: ChecklistRow = {
  deadlineId: 'dl-contract-1',
  miniProgram: null,
  requirementCode: 'vendor_contract',
  requirementName: '服务商合同到期',
  kind: 'vendor_contract_end',
  dueOn: '2027-01-15',
  actBy: '2026-12-16',
  windowOpensOn: '2026-10-17',
  daysLeft: 51,
  state: 'open',
  whoMustAct: '业主',
  documents: [],
  steps: [],
  consequence: null,
  sourceUrl: null,
  sequence: 0,
};

/** In the order the exports receive them: by mini-program, then due date; organization-level last. */
export const ROWS: ChecklistRow[] = [ANNUAL_REVIEW, LICENCE, HOSTILE_ROW, VENDOR_CONTRACT];

export function headerFor(locale: ExportLocale = 'zh-CN'): ExportHeader {
  return {
    organizationName: '康宁医疗集团',
    timeZone: 'Asia/Shanghai',
    locale,
    generatedAt: new Date('2026-11-25T02:30:00Z'),
    scopeLabel: locale === 'en' ? 'All mini-programs' : '全部小程序',
  };
}

/** Rows as the exports receive them: an object stream, read one row at a time. */
export function rowsOf(rows: Iterable<ChecklistRow>): AsyncIterable<ChecklistRow> {
  return Readable.from(rows);
}

/** A destination that keeps what it receives, for reading the file back. */
export function memorySink(): { out: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { out, bytes: () => Buffer.concat(chunks) };
}

/** A destination that only counts bytes, for measuring memory without holding the output. */
export function countingSink(): { out: Writable; size: () => number } {
  let size = 0;
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback();
    },
  });
  return { out, size: () => size };
}

/** `count` deadlines over mini-programs of 10 deadlines each, generated lazily as a stream. */
export function generatedRows(count: number): AsyncIterable<ChecklistRow> {
  return rowsOf(generate(count));
}

function* generate(count: number): Generator<ChecklistRow> {
  for (let i = 0; i < count; i++) {
    const mp = Math.floor(i / 10);
    const base = i % 2 === 0 ? ANNUAL_REVIEW : HOSTILE_ROW;
    yield {
      ...base,
      deadlineId: `dl-${i}`,
      miniProgram: {
        id: `mp-${mp}`,
        name: `康宁互联网医院 ${mp}`,
        appId: `wx${mp.toString(16).padStart(16, '0')}`,
      },
      requirementName: `${base.requirementName} #${i}`,
      daysLeft: (i % 200) - 20,
    };
  }
}

/** A reader that hangs up (the browser tab closed) after `limit` bytes. */
export function hangingUpSink(limit: number): Writable {
  let size = 0;
  const out: Writable = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) {
        setImmediate(() => out.destroy());
        return;
      }
      callback();
    },
  });
  return out;
}

/**
 * Rows as a slow database gives them: `rows`, then nothing until `release()` (a page still being read).
 * `pulled()` says how many rows the writer has asked for so far.
 */
export function stalledRows(rows: ChecklistRow[]): {
  rows: AsyncIterable<ChecklistRow>;
  release: () => void;
  pulled: () => number;
} {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let pulled = 0;
  async function* source(): AsyncGenerator<ChecklistRow> {
    for (const row of rows) {
      pulled++;
      yield row;
    }
    await released;
  }
  return { rows: source(), release, pulled: () => pulled };
}

/** A reader that hangs up after `limit` bytes and says since when: `hungUp()` is true from then on. */
export function hangingUpSinkWithFlag(limit: number): { out: Writable; hungUp: () => boolean } {
  let size = 0;
  let hungUp = false;
  const out: Writable = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) {
        hungUp = true;
        setImmediate(() => out.destroy());
        return;
      }
      callback();
    },
  });
  return { out, hungUp: () => hungUp };
}

/** `count` generated rows, counting how many the writer took once `since()` became true. */
export function rowsCountedSince(
  count: number,
  since: () => boolean,
): { rows: AsyncIterable<ChecklistRow>; taken: () => number } {
  let taken = 0;
  const source = generate(count);
  const rows: AsyncIterable<ChecklistRow> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const item = source.next();
        if (!item.done && since()) taken++;
        return Promise.resolve(item);
      },
    }),
  };
  return { rows, taken: () => taken };
}
