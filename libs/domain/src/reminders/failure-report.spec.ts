import { describe, expect, it } from '@jest/globals';
import { renderFailureReport, rolesAbove } from './failure-report.js';

const input = {
  organizationName: '康宁<集团>',
  failedRecipient: { name: '李娜\r\nBcc: x@evil.cn', email: 'li@x.cn', role: 'operator' },
  miniProgramName: '康宁互联网医院',
  deadlineTitle: '微信认证年审',
  dueOn: '2026-12-21',
  error: '550 5.1.1 mailbox unavailable',
  reason: 'permanent' as const,
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

  it('says whether the server refused the address or the retry period ended', () => {
    expect(renderFailureReport(input, 'en').text).toContain('refused for good by the mail server');
    expect(renderFailureReport(input, 'zh-CN').text).toContain('永久拒收');
    const expired = { ...input, reason: 'retry_period_ended' as const, error: 'ECONNREFUSED: connect' };
    const en = renderFailureReport(expired, 'en').text;
    expect(en).toContain('could not be sent during the whole retry period');
    expect(en).toContain('The address itself was not refused.');
    expect(en).not.toContain('refused for good');
    expect(renderFailureReport(expired, 'zh-CN').text).toContain('地址本身未被拒收');
  });
});
