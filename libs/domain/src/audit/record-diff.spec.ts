import { describe, expect, it } from '@jest/globals';
import { recordDiff } from './record-diff.js';

describe('recordDiff: an audit event read field by field', () => {
  const cases: [string, unknown, unknown, ReturnType<typeof recordDiff>][] = [
    [
      'an edit shows only the fields that changed, bookkeeping left out',
      { id: 'x', name: '康宁商城', notes: null, updatedAt: '2026-11-01T00:00:00Z' },
      { id: 'x', name: '康宁优选商城', notes: null, updatedAt: '2026-12-01T00:00:00Z' },
      [{ path: ['name'], before: '康宁商城', after: '康宁优选商城' }],
    ],
    [
      'a creation has every field on the after side',
      null,
      { name: 'A', features: ['payment', 'live'] },
      [
        { path: ['name'], before: null, after: 'A' },
        { path: ['features'], before: null, after: 'payment, live' },
      ],
    ],
    [
      'a deletion has every field on the before side',
      { name: 'A', active: true },
      null,
      [
        { path: ['name'], before: 'A', after: null },
        { path: ['active'], before: true, after: null },
      ],
    ],
    [
      'nested records become paths; a field only the after has comes last',
      { state: 'open', vendor: { name: 'V', status: 'active' } },
      { state: 'acknowledged', vendor: { name: 'V', status: 'ceased' }, acknowledgedBy: 'Li' },
      [
        { path: ['state'], before: 'open', after: 'acknowledged' },
        { path: ['vendor', 'status'], before: 'active', after: 'ceased' },
        { path: ['acknowledgedBy'], before: null, after: 'Li' },
      ],
    ],
    [
      'lists of records are numbered from 1; an emptied list is empty',
      { ladder: [{ offsetDays: -90 }, { offsetDays: -30 }], tags: ['a'] },
      { ladder: [{ offsetDays: -60 }, { offsetDays: -30 }], tags: [] },
      [
        { path: ['ladder', '1', 'offsetDays'], before: -90, after: -60 },
        { path: ['tags'], before: 'a', after: null },
      ],
    ],
    ['nothing changed: no rows', { a: 1 }, { a: 1 }, []],
    ['a null and an absent field are the same', { a: null }, {}, []],
  ];
  it.each(cases)('%s', (_name, before, after, expected) => {
    expect(recordDiff(before, after)).toEqual(expected);
  });
});
