import { describe, expect, it } from '@jest/globals';
import {
  countdownDateOf,
  type DigestItem,
  digestCounts,
  digestGroupOf,
  groupDigest,
  renderDigest,
} from './digest.js';

const item = (over: Partial<DigestItem> & Pick<DigestItem, 'deadlineId' | 'dueOn'>): DigestItem => ({
  deliveryId: `del-${over.deadlineId}`,
  stage: 'd-7',
  title: '微信认证年审',
  subjectName: '康宁健康课堂',
  appId: 'wx0123456789abcdef',
  actBy: over.dueOn,
  mustAct: ['operator', 'manager', 'executive'],
  links: {
    acknowledge: `https://mpg.example/ack/tok-${over.deadlineId}`,
    deadline: `https://mpg.example/console/deadlines/${over.deadlineId}`,
  },
  ...over,
});

describe('digestGroupOf (today 2027-03-01)', () => {
  it.each([
    // due, actBy, group: counted against the last day to act while it is ahead, else the due date
    ['2027-02-28', '2027-02-28', 'overdue'],
    ['2027-01-01', '2027-01-01', 'overdue'],
    ['2027-03-01', '2027-03-01', 'due_today'],
    ['2027-03-02', '2027-03-02', 'due_7'],
    ['2027-03-08', '2027-03-08', 'due_7'],
    ['2027-03-09', '2027-03-09', 'due_30'],
    ['2027-03-31', '2027-03-31', 'due_30'],
    ['2027-04-01', '2027-04-01', 'later'],
    // an ICP licence: filing closes 90 days before expiry
    ['2027-05-30', '2027-03-01', 'due_today'],
    ['2027-05-30', '2027-03-04', 'due_7'],
    ['2027-06-29', '2027-03-31', 'due_30'],
    // its window closed yesterday, expiry in 10 days: counted to the due date, not overdue
    ['2027-03-11', '2027-02-28', 'due_30'],
    ['2027-03-05', '2027-02-28', 'due_7'],
  ] as const)('due %s, act by %s: %s', (dueOn, actBy, group) => {
    expect(digestGroupOf({ dueOn, actBy }, '2027-03-01')).toBe(group);
  });

  it.each([
    ['2027-05-30', '2027-03-04', '2027-03-04'],
    ['2027-03-11', '2027-02-28', '2027-03-11'],
    ['2027-03-11', '2027-03-11', '2027-03-11'],
  ])('counts down from due %s / act by %s to %s', (dueOn, actBy, expected) => {
    expect(countdownDateOf({ dueOn, actBy }, '2027-03-01')).toBe(expected);
  });
});

describe('groupDigest', () => {
  it('orders groups by urgency, items by countdown date then title, and leaves empty groups out', () => {
    const items = [
      item({ deadlineId: 'a', dueOn: '2027-04-20', title: 'B' }),
      item({ deadlineId: 'b', dueOn: '2027-02-20', stage: 'overdue' }),
      item({ deadlineId: 'c', dueOn: '2027-03-05', title: 'Z' }),
      item({ deadlineId: 'd', dueOn: '2027-03-03', title: 'Y' }),
      item({ deadlineId: 'e', dueOn: '2027-04-20', title: 'A' }),
      item({ deadlineId: 'f', dueOn: '2027-03-01', stage: 'due' }),
    ];
    expect(groupDigest(items, '2027-03-01').map((g) => [g.group, g.items.map((i) => i.deadlineId)])).toEqual([
      ['overdue', ['b']],
      ['due_today', ['f']],
      ['due_7', ['d', 'c']],
      ['later', ['e', 'a']],
    ]);
  });
});

describe('digestCounts', () => {
  it('counts overdue, and due within 7 days with today', () => {
    const dates = [
      ['2027-02-01', '2027-02-01'],
      ['2027-02-28', '2027-02-28'],
      ['2027-03-01', '2027-03-01'],
      ['2027-03-08', '2027-03-08'],
      ['2027-03-09', '2027-03-09'],
      ['2027-06-01', '2027-03-03'],
    ];
    expect(
      digestCounts(
        dates.map(([dueOn, actBy]) => ({ dueOn, actBy })),
        '2027-03-01',
      ),
    ).toEqual({
      overdue: 2,
      within7: 3,
      all: 6,
    });
  });
});

describe('renderDigest', () => {
  const items = [
    item({ deadlineId: 'd1', dueOn: '2027-02-22', stage: 'overdue', mustAct: ['operator', 'legal'] }),
    item({
      deadlineId: 'd2',
      dueOn: '2027-05-30',
      actBy: '2027-03-04',
      stage: 'd-3',
      title: '增值电信业务经营许可证',
      subjectName: '康宁优选商城',
      appId: null,
    }),
    item({ deadlineId: 'd3', dueOn: '2027-03-31', stage: 'd-30', mustAct: ['operator', 'manager'] }),
  ];
  const input = {
    organizationName: '康宁健康集团',
    localDate: '2027-03-01',
    recipientName: '王丽',
    items,
    consoleUrl: 'https://mpg.example/console',
  };

  it.each([
    ['zh-CN', '【mp-guard 每日汇总】2027-03-01 · 1 项逾期 · 1 项 7 天内 · 共 3 项'],
    ['en', '[mp-guard daily digest] 2027-03-01 · 1 overdue · 1 within 7 days · 3 in all'],
  ] as const)('%s subject: the local date and the counts', (locale, subject) => {
    expect(renderDigest(input, locale).subject).toBe(subject);
  });

  it('lists each item with its dates, who must act and its own acknowledge and console links (zh-CN)', () => {
    const { text } = renderDigest(input, 'zh-CN');
    expect(text).toContain(
      [
        '== 已逾期 (1) ==',
        '- 康宁健康课堂 (wx0123456789abcdef) · 微信认证年审: 已逾期 7 天',
        '  到期日 2027-02-22，最后办理日 2027-02-22，需办理：经办人、法务（阶段 overdue）',
        '  确认收到（仅此事项）: https://mpg.example/ack/tok-d1',
        '  查看详情: https://mpg.example/console/deadlines/d1',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '== 7 天内 (1) ==',
        '- 康宁优选商城 · 增值电信业务经营许可证: 还剩 3 天',
        '  到期日 2027-05-30，最后办理日 2027-03-04，需办理：经办人、经理、高管（阶段 d-3）',
        '  确认收到（仅此事项）: https://mpg.example/ack/tok-d2',
      ].join('\n'),
    );
    expect(text).toContain(
      '== 30 天内 (1) ==\n- 康宁健康课堂 (wx0123456789abcdef) · 微信认证年审: 还剩 30 天',
    );
    expect(text.indexOf('已逾期 (1)')).toBeLessThan(text.indexOf('7 天内 (1)'));
    expect(text.indexOf('7 天内 (1)')).toBeLessThan(text.indexOf('30 天内 (1)'));
  });

  it('says the same in English', () => {
    const { text } = renderDigest(input, 'en');
    expect(text).toContain(
      [
        '== Overdue (1) ==',
        '- 康宁健康课堂 (wx0123456789abcdef) · 微信认证年审: 7 days overdue',
        '  due 2027-02-22, last day to act 2027-02-22, must act: operator, legal (stage overdue)',
        '  Acknowledge (this item only): https://mpg.example/ack/tok-d1',
        '  Details: https://mpg.example/console/deadlines/d1',
      ].join('\n'),
    );
    expect(text).toContain('- 康宁优选商城 · 增值电信业务经营许可证: 3 days left');
  });

  it('escapes names in the HTML part and links every acknowledge link once', () => {
    const html = renderDigest(
      { ...input, items: [item({ deadlineId: 'x', dueOn: '2027-03-02', title: '<b>&"' })] },
      'en',
    ).html;
    expect(html).toContain('&lt;b&gt;&amp;&quot;');
    expect(html).not.toContain('<b>&"');
    expect(html.match(/href="https:\/\/mpg\.example\/ack\/tok-x"/g)).toHaveLength(1);
  });

  it('refuses an empty digest', () => {
    expect(() => renderDigest({ ...input, items: [] }, 'en')).toThrow(RangeError);
  });
});
