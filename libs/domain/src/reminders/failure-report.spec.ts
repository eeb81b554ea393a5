import { describe, expect, it } from '@jest/globals';
import { renderFailureReport, rolesAbove } from './failure-report.js';

const input = {
  organizationName: '康宁<集团>',
  failedRecipient: { name: '李娜\r\nBcc: x@evil.cn', email: 'li@x.cn', role: 'operator' },
  miniProgramName: '康宁互联网医院',
  deadlineTitle: '微信认证年审',
  dueOn: '2026-12-21',
  error: '550 5.1.1 mailbox unavailable',
};

describe('failure report', () => {
  it('goes to the role above the failed recipient', () => {
    expect(rolesAbove('operator')).toEqual(['manager']);
    expect(rolesAbove('manager')).toEqual(['executive']);
    expect(rolesAbove('executive')).toEqual(['legal']);
  });

  it('names the recipient and the server answer, escapes HTML and keeps CR/LF out of the subject', () => {
    const zh = renderFailureReport(input, 'zh-CN');
    expect(zh.subject).not.toMatch(/[\r\n]/);
    expect(zh.subject).toContain('微信认证年审');
    expect(zh.text).toContain('550 5.1.1 mailbox unavailable');
    expect(zh.html).toContain('康宁&lt;集团&gt;');
    const en = renderFailureReport(input, 'en');
    expect(en.subject).toMatch(/^Delivery failed: reminder for 微信认证年审/);
  });
});
