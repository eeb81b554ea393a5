import { describe, expect, it } from '@jest/globals';
import { loadCatalogue } from '../../../catalogue/src/index.js';
import {
  type AnnualReportDuplicate,
  deadlineDisplayName,
  deriveOwnerDeadlines,
  ownerCreditCodeOf,
  ownersOf,
  ownerSubjectKey,
  planAnnualReportMerge,
} from './owner-obligations.js';

const catalogue = loadCatalogue();
const CODE = '91440101MA59UQ8L6Y';

describe('the owner annual report cycle', () => {
  it.each([
    // today, cycle key, due (30 June, the window's last day), window opens (1 January), apply by
    ['2026-12-01', '2027', '2027-06-30', '2027-01-01', '2027-06-30'],
    ['2027-01-01', '2027', '2027-06-30', '2027-01-01', '2027-06-30'],
    ['2027-06-30', '2027', '2027-06-30', '2027-01-01', '2027-06-30'],
    ['2027-07-01', '2028', '2028-06-30', '2028-01-01', '2028-06-30'],
  ])('as of %s is the %s report, due %s, open from %s, apply by %s', (today, key, due, opens, applyBy) => {
    const [cycle] = deriveOwnerDeadlines(
      { creditCode: CODE, name: '广州康宁医疗科技有限公司' },
      catalogue,
      today,
    );
    expect(cycle).toMatchObject({
      kind: 'enterprise_annual_report',
      subjectKey: 'owner:91440101MA59UQ8L6Y:enterprise_annual_report',
      requirementCode: 'enterprise_annual_report',
      cycleKey: key,
      dueDate: due,
      windowOpensOn: opens,
      applyBy,
      title: '广州康宁医疗科技有限公司',
    });
  });

  it('is none when the catalogue has no annual report', () => {
    const without = {
      ...catalogue,
      requirements: catalogue.requirements.filter((r) => r.code !== 'enterprise_annual_report'),
    };
    expect(deriveOwnerDeadlines({ creditCode: CODE, name: 'x' }, without, '2026-12-01')).toEqual([]);
  });

  it.each([
    ['owner:91440101MA59UQ8L6Y:enterprise_annual_report', CODE],
    ['mp:5b0c3c6e-1111-4111-8111-111111111111:enterprise_annual_report', null],
    ['vendor:5b0c3c6e-1111-4111-8111-111111111111:contract', null],
  ])('reads the credit code of %s as %s', (key, code) => {
    expect(ownerCreditCodeOf(key)).toBe(code);
  });

  it('keys the subject by the credit code', () => {
    expect(ownerSubjectKey('91440101MA5CLX9N0R')).toBe('owner:91440101MA5CLX9N0R:enterprise_annual_report');
  });
});

describe('owners of mini-programs', () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    {
      name: 'two mini-programs of one owner give one owner, named as on the earlier one',
      mps: [
        {
          id: 'b',
          ownerCreditCode: 'C1',
          ownerName: '康宁医疗（简称）',
          createdAt: at('2026-02-01T00:00:00Z'),
        },
        {
          id: 'a',
          ownerCreditCode: 'C1',
          ownerName: '广州康宁医疗科技有限公司',
          createdAt: at('2026-01-01T00:00:00Z'),
        },
      ],
      owners: [{ creditCode: 'C1', name: '广州康宁医疗科技有限公司', miniProgramIds: ['a', 'b'] }],
    },
    {
      name: 'registered at the same instant: the smaller id names it',
      mps: [
        { id: 'y', ownerCreditCode: 'C1', ownerName: 'Y', createdAt: at('2026-01-01T00:00:00Z') },
        { id: 'x', ownerCreditCode: 'C1', ownerName: 'X', createdAt: at('2026-01-01T00:00:00Z') },
      ],
      owners: [{ creditCode: 'C1', name: 'X', miniProgramIds: ['x', 'y'] }],
    },
    {
      name: 'two owners give two, by credit code',
      mps: [
        { id: 'a', ownerCreditCode: 'C2', ownerName: 'Two', createdAt: at('2026-01-01T00:00:00Z') },
        { id: 'b', ownerCreditCode: 'C1', ownerName: 'One', createdAt: at('2026-01-01T00:00:00Z') },
      ],
      owners: [
        { creditCode: 'C1', name: 'One', miniProgramIds: ['b'] },
        { creditCode: 'C2', name: 'Two', miniProgramIds: ['a'] },
      ],
    },
    { name: 'no mini-programs give no owner', mps: [], owners: [] },
  ])('$name', ({ mps, owners }) => {
    expect(ownersOf(mps)).toEqual(owners);
  });
});

describe('the name shown for a deadline', () => {
  it.each([
    [
      '企业年度报告公示（工商年报）',
      'enterprise_annual_report',
      '广州康宁医疗科技有限公司',
      'zh-CN',
      '企业年度报告公示（工商年报）（广州康宁医疗科技有限公司）',
    ],
    // the English name already ends in parentheses (企业年报): a dash, not a second pair
    [
      'Enterprise annual report (企业年报)',
      'enterprise_annual_report',
      'Kangning Ltd',
      'en',
      'Enterprise annual report (企业年报) — Kangning Ltd',
    ],
    // rows written before the report was the owner's carry no owner name
    ['企业年报', 'enterprise_annual_report', null, 'zh-CN', '企业年报'],
    ['小程序年审（微信认证）', 'annual_review', null, 'zh-CN', '小程序年审（微信认证）'],
    [null, 'custom', '续签办公室租约', 'zh-CN', '续签办公室租约'],
    [null, 'custom', null, 'en', 'custom'],
  ] as const)('%s / %s / %s in %s reads %s', (requirementName, kind, title, locale, expected) => {
    expect(deadlineDisplayName(requirementName, { kind, title }, locale)).toBe(expected);
  });
});

describe('merging per-mini-program annual reports into the owner one', () => {
  const row = (
    id: string,
    over: Partial<AnnualReportDuplicate> & Pick<AnnualReportDuplicate, 'notifications'>,
  ): AnnualReportDuplicate => ({
    id,
    ownerCreditCode: 'C1',
    cycleKey: '2027',
    state: 'open',
    createdAt: new Date(`2026-0${id.charCodeAt(0) - 96}-01T00:00:00Z`),
    ...over,
  });
  const n = (id: string, stage: string, status = 'sent') => ({ id, stage, status });

  it.each([
    {
      name: 'one row alone becomes the owner cycle, untouched',
      rows: [row('a', { notifications: [n('a1', 'd-90')] })],
      plan: {
        survivors: [{ id: 'a', ownerCreditCode: 'C1', cycleKey: '2027' }],
        retired: [],
        moved: [],
        cancelled: [],
      },
    },
    {
      name: 'a stage sent by the other duplicate moves onto the survivor; one both sent stays where it is',
      rows: [
        row('a', { notifications: [n('a1', 'd-90'), n('a2', 'd-60')] }),
        row('b', { notifications: [n('b1', 'd-90'), n('b2', 'd-30')] }),
      ],
      plan: {
        survivors: [{ id: 'a', ownerCreditCode: 'C1', cycleKey: '2027' }],
        retired: ['b'],
        moved: [{ notificationId: 'b2', toDeadlineId: 'a' }],
        cancelled: [],
      },
    },
    {
      name: 'more stages sent wins over the older row',
      rows: [
        row('a', { notifications: [n('a1', 'd-90')] }),
        row('b', { notifications: [n('b1', 'd-90'), n('b2', 'd-60')] }),
      ],
      plan: {
        survivors: [{ id: 'b', ownerCreditCode: 'C1', cycleKey: '2027' }],
        retired: ['a'],
        moved: [],
        cancelled: [],
      },
    },
    {
      name: 'a completed duplicate keeps the year completed, and takes the stages the open one sent',
      rows: [
        row('a', { notifications: [n('a1', 'd-90'), n('a2', 'd-60'), n('a3', 'd-30', 'pending')] }),
        row('b', { state: 'completed', notifications: [] }),
      ],
      plan: {
        survivors: [{ id: 'b', ownerCreditCode: 'C1', cycleKey: '2027' }],
        retired: ['a'],
        moved: [
          { notificationId: 'a1', toDeadlineId: 'b' },
          { notificationId: 'a2', toDeadlineId: 'b' },
          { notificationId: 'a3', toDeadlineId: 'b' },
        ],
        cancelled: [],
      },
    },
    {
      name: 'acknowledged wins over open; a pending stage another duplicate sent is cancelled on the survivor',
      rows: [
        row('a', { notifications: [n('a1', 'd-30')] }),
        row('b', { state: 'acknowledged', notifications: [n('b1', 'd-30', 'pending')] }),
      ],
      plan: {
        survivors: [{ id: 'b', ownerCreditCode: 'C1', cycleKey: '2027' }],
        retired: ['a'],
        moved: [],
        cancelled: ['b1'],
      },
    },
    {
      name: 'a stage one duplicate only planned and another sent moves as the sent one',
      rows: [
        row('a', { notifications: [n('a1', 'd-90'), n('a2', 'd-60')] }),
        row('b', { notifications: [n('b1', 'd-30', 'pending')] }),
        row('c', { notifications: [n('c1', 'd-30')] }),
      ],
      plan: {
        survivors: [{ id: 'a', ownerCreditCode: 'C1', cycleKey: '2027' }],
        retired: ['c', 'b'],
        moved: [{ notificationId: 'c1', toDeadlineId: 'a' }],
        cancelled: ['b1'],
      },
    },
    {
      name: 'years and owners merge apart; a later live year while an earlier one is owed is retired',
      rows: [
        row('a', { cycleKey: '2027', notifications: [] }),
        row('b', { cycleKey: '2028', notifications: [n('b1', 'd-90', 'pending')] }),
        row('c', { ownerCreditCode: 'C2', cycleKey: '2028', notifications: [] }),
        row('d', { cycleKey: '2026', state: 'completed', notifications: [] }),
        row('e', { cycleKey: '2026', state: 'cancelled', notifications: [] }),
      ],
      plan: {
        survivors: [
          { id: 'd', ownerCreditCode: 'C1', cycleKey: '2026' },
          { id: 'a', ownerCreditCode: 'C1', cycleKey: '2027' },
          { id: 'c', ownerCreditCode: 'C2', cycleKey: '2028' },
        ],
        retired: ['b'],
        moved: [],
        cancelled: ['b1'],
      },
    },
  ])('$name', ({ rows, plan }) => {
    expect(planAnnualReportMerge(rows)).toEqual(plan);
  });
});
