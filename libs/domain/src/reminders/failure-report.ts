import type { Locale } from '../../../catalogue/src/index.js';
import { headerSafe } from './message-id.js';
import { escapeHtml } from './render-reminder.js';

export interface FailureReportInput {
  organizationName: string;
  failedRecipient: { name: string; email: string; role: string };
  miniProgramName: string | null;
  deadlineTitle: string;
  dueOn: string;
  error: string;
  /** A permanent answer of the server, or the end of the retry period after transient failures. */
  reason: 'permanent' | 'retry_period_ended';
}

const WORDS = {
  'zh-CN': {
    subject: (i: FailureReportInput) =>
      `【投递失败】${i.deadlineTitle}的提醒未能送达 ${i.failedRecipient.name}`,
    body: (i: FailureReportInput) => [
      `${i.organizationName}：`,
      i.reason === 'permanent'
        ? `发给 ${i.failedRecipient.name}（${i.failedRecipient.email}，角色 ${i.failedRecipient.role}）的提醒被邮件服务器永久拒收，不会再重试。`
        : `发给 ${i.failedRecipient.name}（${i.failedRecipient.email}，角色 ${i.failedRecipient.role}）的提醒在重试期限内一直未能送出（邮件服务器暂时不可用），已停止重试。地址本身未被拒收。`,
      `事项：${i.miniProgramName ? `${i.miniProgramName} · ` : ''}${i.deadlineTitle}，${i.dueOn} 到期。`,
      `服务器答复：${i.error}`,
      i.reason === 'permanent'
        ? '请核对该联系人的邮箱地址，或确认由您跟进此事项。'
        : '请确认由您跟进此事项，并检查邮件服务器。',
    ],
  },
  en: {
    subject: (i: FailureReportInput) =>
      `Delivery failed: reminder for ${i.deadlineTitle} did not reach ${i.failedRecipient.name}`,
    body: (i: FailureReportInput) => [
      `${i.organizationName}:`,
      i.reason === 'permanent'
        ? `The reminder to ${i.failedRecipient.name} (${i.failedRecipient.email}, role ${i.failedRecipient.role}) was refused for good by the mail server and will not be retried.`
        : `The reminder to ${i.failedRecipient.name} (${i.failedRecipient.email}, role ${i.failedRecipient.role}) could not be sent during the whole retry period (the mail server was temporarily unavailable), so retrying has stopped. The address itself was not refused.`,
      `About: ${i.miniProgramName ? `${i.miniProgramName} · ` : ''}${i.deadlineTitle}, due ${i.dueOn}.`,
      `Server answer: ${i.error}`,
      i.reason === 'permanent'
        ? "Please check the contact's address, or make sure you follow this up yourself."
        : 'Please make sure you follow this up yourself, and check the mail server.',
    ],
  },
} as const;

/** The mail to the next role up when a reminder could not be delivered at all. */
export function renderFailureReport(input: FailureReportInput, locale: Locale) {
  const w = WORDS[locale];
  const lines = w.body(input);
  return {
    subject: headerSafe(w.subject(input)),
    text: lines.join('\n\n'),
    html: `<!doctype html><html><body>${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</body></html>`,
  };
}

const NEXT_ROLE: Record<string, string[]> = {
  operator: ['manager'],
  manager: ['executive'],
  executive: ['legal'],
  legal: ['executive'],
};

/** Who hears of a failed delivery: the role above the recipient's. */
export function rolesAbove(role: string): string[] {
  return NEXT_ROLE[role] ?? ['manager'];
}
