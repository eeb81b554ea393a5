import { describe, expect, it } from '@jest/globals';
import { getRequirement, loadCatalogue } from '../../../catalogue/src/index.js';
import { checklistFor } from './checklist.js';
import { renderReminder, type ReminderMailInput } from './render-reminder.js';

const review = getRequirement(loadCatalogue(), 'wechat_certification_annual_review');

function input(
  overrides: Partial<ReminderMailInput> = {},
  locale: 'zh-CN' | 'en' = 'zh-CN',
): ReminderMailInput {
  return {
    organizationName: locale === 'zh-CN' ? '康宁医疗集团' : 'Kangning Medical Group',
    miniProgram: { name: '康宁互联网医院', appId: 'wx1234567890abcdef' },
    deadline: {
      title: review.name[locale],
      requirementName: review.name[locale],
      dueOn: '2026-12-21',
      actBy: '2026-11-27',
      daysLeft: 25,
      kind: 'annual_review',
    },
    stage: { code: 'd-30', isOverdue: false },
    consequence: review.consequences[0].text[locale],
    vendorUnavailable: false,
    vendorName: '某某科技',
    checklist: null,
    links: {
      acknowledge: 'https://mp-guard.example.cn/links/ack?t=abc.def',
      snooze: 'https://mp-guard.example.cn/links/snooze?t=abc.def',
      deadline: 'https://mp-guard.example.cn/deadlines/42',
    },
    ...overrides,
  };
}

describe('renderReminder in Chinese', () => {
  it('says what, which mini-program, when and how many days are left in the subject', () => {
    expect(renderReminder(input(), 'zh-CN').subject).toBe(
      '【剩 25 天】康宁互联网医院：微信认证年审（2026-12-21 到期）',
    );
  });

  it('gives the due and act-by dates, the consequence and both links in text and HTML', () => {
    const { text, html } = renderReminder(input(), 'zh-CN');
    for (const body of [text, html]) {
      expect(body).toContain('2026-12-21');
      expect(body).toContain('请最晚在 2026-11-27 前提交办理');
      expect(body).toContain('如果错过：无法发布新版本，小程序从搜索结果中消失');
      expect(body).toContain('wx1234567890abcdef');
    }
    expect(text).toContain('https://mp-guard.example.cn/links/ack?t=abc.def');
    expect(html).toContain('<a href="https://mp-guard.example.cn/links/snooze?t=abc.def">暂缓提醒</a>');
    expect(html).toContain('<html lang="zh-CN">');
    expect(text).not.toContain('办理清单');
  });

  it('uses overdue wording once the due date has passed', () => {
    const overdue = input({
      deadline: { ...input().deadline, daysLeft: -5 },
      stage: { code: 'overdue', isOverdue: true },
    });
    const { subject, text } = renderReminder(overdue, 'zh-CN');
    expect(subject).toBe('【已逾期 5 天】康宁互联网医院：微信认证年审（2026-12-21 到期）');
    expect(text).toContain('已逾期 5 天');
    expect(text).toContain('建议办理的最后日期 2026-11-27 已过');
    expect(text).toContain('接下来将失去：');
  });

  it('says due today on the due date', () => {
    const today = input({ deadline: { ...input().deadline, daysLeft: 0 } });
    expect(renderReminder(today, 'zh-CN').subject).toBe(
      '【今日到期】康宁互联网医院：微信认证年审（2026-12-21 到期）',
    );
  });

  it('carries the self-service checklist and says the owner must act alone when the vendor is unavailable', () => {
    const mail = input({ vendorUnavailable: true, checklist: checklistFor(review, 'zh-CN') });
    const { text, html } = renderReminder(mail, 'zh-CN');
    for (const body of [text, html]) {
      expect(body).toContain('外包服务商「某某科技」目前无法联系');
      expect(body).toContain('办理清单');
      expect(body).toContain('需要准备的材料');
      expect(body).toContain('营业执照');
      expect(body).toContain('贵单位可以自行完成的步骤');
      expect(body).toContain('需要小程序管理员扫码的步骤');
      expect(body).toContain('需要第三方或微信完成的步骤');
    }
    expect(text).toContain('需要准备的材料：\n- 营业执照\n');
    expect(text).not.toContain('原本由服务商完成的步骤');
  });
});

describe('renderReminder in English', () => {
  const english = (overrides: Partial<ReminderMailInput> = {}) => input(overrides, 'en');

  it('words the subject in English', () => {
    expect(renderReminder(english(), 'en').subject).toBe(
      '[25 days left] WeChat certification annual review for 康宁互联网医院, due 2026-12-21',
    );
    const oneDay = english({ deadline: { ...english().deadline, daysLeft: 1 } });
    expect(renderReminder(oneDay, 'en').subject).toContain('[1 day left]');
  });

  it('does not point at a checklist that is not there', () => {
    const { text } = renderReminder(english({ vendorUnavailable: true, checklist: null }), 'en');
    expect(text).toContain('Act alone; do not wait for the vendor.');
    expect(text).not.toContain('checklist');
  });

  it('uses overdue wording', () => {
    const overdue = english({ deadline: { ...english().deadline, daysLeft: -5 } });
    const { subject, text } = renderReminder(overdue, 'en');
    expect(subject).toBe(
      '[5 days overdue] WeChat certification annual review for 康宁互联网医院, due 2026-12-21',
    );
    expect(text).toContain('is 5 days overdue');
    expect(text).toContain('What is lost next: ');
  });

  it('lists vendor steps as the owner to arrange while the vendor is unavailable', () => {
    const checklist = {
      documents: ['Business licence'],
      ownerSteps: [],
      adminBindingSteps: [],
      thirdPartySteps: [],
      vendorSteps: ['Renew the API certificate'],
    };
    const { text } = renderReminder(english({ vendorUnavailable: true, vendorName: null, checklist }), 'en');
    expect(text).toContain('The vendor cannot be reached');
    expect(text).toContain(
      'Steps the vendor used to take: arrange them yourself or with a new vendor:\n- Renew',
    );
    expect(text).not.toContain('Steps you can take alone');
  });
});

describe('renderReminder names what the deadline belongs to', () => {
  const TITLE = { 'zh-CN': '服务合同到期', en: 'Service contract' };
  const contract = (locale: 'zh-CN' | 'en', kind: ReminderMailInput['deadline']['kind'], name: string) =>
    input(
      {
        miniProgram: { name, appId: null },
        deadline: {
          ...input({}, locale).deadline,
          title: TITLE[locale],
          requirementName: TITLE[locale],
          kind,
        },
        consequence: null,
      },
      locale,
    );
  it.each<['zh-CN' | 'en', ReminderMailInput['deadline']['kind'], string, string]>([
    [
      'zh-CN',
      'vendor_contract_end',
      '深圳市云速科技有限公司',
      '与服务商「深圳市云速科技有限公司」的「服务合同到期」将于 2026-12-21 到期，还剩 25 天。',
    ],
    ['en', 'vendor_contract_end', 'Yunsu Tech', 'Service contract with the vendor Yunsu Tech '],
    ['zh-CN', 'custom', '康宁医疗集团', '「服务合同到期」将于 2026-12-21 到期，还剩 25 天。'],
  ])('%s %s: no mini-program or AppID where there is none', (locale, kind, name, summary) => {
    const text = renderReminder(contract(locale, kind, name), locale).text;
    expect(text).toContain(summary);
    expect(text).not.toContain('AppID');
    expect(text).not.toContain('小程序「');
  });
});

describe('renderReminder keeps hostile names harmless', () => {
  const hostile = input({
    organizationName: 'Org <img src=x onerror=alert(1)>',
    miniProgram: {
      name: '康宁\r\nBcc: victim@example.com <script>alert("x")</script>',
      appId: 'wx1234567890abcdef',
    },
    vendorUnavailable: true,
    vendorName: '"><script>',
    checklist: { ...checklistFor(review, 'zh-CN'), ownerSteps: ['<b>bold</b> & more'] },
    consequence: "it's <gone>",
  });

  it('escapes every interpolated value in the HTML', () => {
    const { html } = renderReminder(hostile, 'zh-CN');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; more');
    expect(html).toContain('it&#39;s &lt;gone&gt;');
  });

  it('keeps the subject the same across stages apart from its prefix, so clients thread the cycle', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const rest = [25, 1, 0, -5].map((daysLeft) =>
        renderReminder(
          input({ deadline: { ...input().deadline, daysLeft } }, locale),
          locale,
        ).subject.replace(/^(【[^】]*】|\[[^\]]*\] )/, ''),
      );
      expect(new Set(rest).size).toBe(1);
    }
  });

  it('never lets CR or LF from a name reach the subject', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const { subject } = renderReminder(hostile, locale);
      expect(subject).not.toMatch(/[\r\n]/);
      expect(subject).toContain('康宁 Bcc: victim@example.com');
    }
  });

  it('refuses a link that is not http(s)', () => {
    const bad = input({ links: { ...input().links, acknowledge: 'javascript:alert(1)' } });
    expect(() => renderReminder(bad, 'zh-CN')).toThrow(RangeError);
  });
});

describe('renderReminder for a requirement whose filing window closes before expiry', () => {
  const icp = getRequirement(loadCatalogue(), 'icp_vas_licence');
  const licence = (locale: 'zh-CN' | 'en', today: 'open' | 'closed'): ReminderMailInput =>
    input(
      {
        deadline: {
          title: icp.name[locale],
          requirementName: icp.name[locale],
          dueOn: '2027-06-30',
          actBy: '2027-04-01',
          // 2027-03-18 to 2027-06-30: 13 + 30 + 31 + 30 days; 2027-04-02: 28 + 31 + 30.
          daysLeft: today === 'open' ? 104 : 89,
          kind: 'qualification_expiry',
          applicationWindow: true,
          lateApplicationRefused: true,
          // Thursday 18 March through Thursday 1 April 2027: 2 + 5 + 3 + 1.
          workingDaysToActBy: today === 'open' ? 11 : null,
        },
        stage: { code: today === 'open' ? 'd-14' : 'closed', isOverdue: false },
        afterWindowCloses: icp.afterWindowCloses?.[locale] ?? null,
        consequence: icp.consequences[0].text[locale],
      },
      locale,
    );

  it('says both dates and the working days left, in Chinese and English', () => {
    const zh = renderReminder(licence('zh-CN', 'open'), 'zh-CN');
    expect(zh.subject).toBe(
      '【请于 2027-04-01 前申请·剩 11 个工作日】康宁互联网医院：增值电信业务经营许可证（ICP/EDI）（2027-06-30 到期）',
    );
    expect(zh.text).toContain(
      '请于 2027-04-01 前提交申请（还剩 11 个工作日）；2027-06-30 到期。逾期申请不予受理。',
    );
    const en = renderReminder(licence('en', 'open'), 'en');
    expect(en.subject).toBe(
      '[Apply by 2027-04-01, 11 working days left] Value-added telecom business licence (ICP/EDI) for 康宁互联网医院, due 2027-06-30',
    );
    expect(en.text).toContain(
      'Apply by 2027-04-01 (11 working days left); expires 2027-06-30. A later application is not accepted.',
    );
  });

  it('says plainly after the last day to apply that the window has closed, and what can still be done', () => {
    const en = renderReminder(licence('en', 'closed'), 'en');
    expect(en.subject).toBe(
      '[Application window closed, 89 days to expiry] Value-added telecom business licence (ICP/EDI) for 康宁互联网医院, due 2027-06-30',
    );
    expect(en.text).toContain(
      'The application window closed on 2027-04-01: a renewal can no longer be filed. It expires 2027-06-30.',
    );
    expect(en.text).toContain(`What you can still do: ${icp.afterWindowCloses!.en}.`);
    expect(en.text).not.toContain('Apply by');
    const zh = renderReminder(licence('zh-CN', 'closed'), 'zh-CN');
    expect(zh.subject).toBe(
      '【申请期已过·剩 89 天到期】康宁互联网医院：增值电信业务经营许可证（ICP/EDI）（2027-06-30 到期）',
    );
    expect(zh.text).toContain('申请期已于 2027-04-01 结束，已无法再提交续期申请。将于 2027-06-30 到期。');
    expect(zh.text).toContain(`现在还可以：${icp.afterWindowCloses!['zh-CN']}。`);
  });

  it('asks to apply at once, without saying the window is closed, when late filing is still possible', () => {
    const soft = licence('en', 'closed');
    soft.deadline.lateApplicationRefused = false;
    const en = renderReminder(soft, 'en');
    expect(en.subject).toMatch(/^\[Apply now, 89 days to expiry\] /);
    expect(en.text).toContain(
      'The last safe date to apply, 2027-04-01, has passed: apply now, it expires 2027-06-30.',
    );
    expect(en.text).not.toContain('What you can still do');
  });
});
