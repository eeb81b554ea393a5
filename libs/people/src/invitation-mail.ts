import { escapeHtml } from '../../domain/src/reminders/index.js';

export interface InvitationMailInput {
  purpose: 'invite' | 'reset';
  organizationName: string;
  invitedBy: string;
  role: string | null;
  link: string;
  expiresOn: string;
}

const ROLE_NAMES: Record<string, { 'zh-CN': string; en: string }> = {
  admin: { 'zh-CN': '管理员', en: 'administrator' },
  manager: { 'zh-CN': '负责人', en: 'manager' },
  operator: { 'zh-CN': '经办人', en: 'operator' },
  viewer: { 'zh-CN': '只读成员', en: 'viewer' },
};

/** The invitation or password-reset mail, in the invitee's language. */
export function renderInvitationMail(input: InvitationMailInput, locale: 'zh-CN' | 'en') {
  const zh = locale === 'zh-CN';
  const role = input.role ? (ROLE_NAMES[input.role]?.[locale] ?? input.role) : '';
  const subject =
    input.purpose === 'invite'
      ? zh
        ? `邀请您加入 mp-guard：${input.organizationName}`
        : `You are invited to mp-guard: ${input.organizationName}`
      : zh
        ? 'mp-guard：重设密码'
        : 'mp-guard: reset your password';
  const lines =
    input.purpose === 'invite'
      ? zh
        ? [
            `${input.invitedBy} 邀请您以「${role}」身份加入「${input.organizationName}」的小程序合规管理。`,
            '打开下面的链接设置密码并登录：',
            input.link,
            `链接仅能使用一次，${input.expiresOn} 前有效。`,
          ]
        : [
            `${input.invitedBy} invites you to ${input.organizationName}'s mini-program compliance console as ${role}.`,
            'Open this link to set your password and sign in:',
            input.link,
            `The link works once, until ${input.expiresOn}.`,
          ]
      : zh
        ? [
            '有人为您的 mp-guard 账号申请了重设密码。打开下面的链接设置新密码：',
            input.link,
            `链接仅能使用一次，${input.expiresOn} 前有效。若不是您本人申请，请忽略此邮件。`,
          ]
        : [
            'Someone asked to reset the password of your mp-guard account. Open this link to choose a new one:',
            input.link,
            `The link works once, until ${input.expiresOn}. If you did not ask for it, ignore this mail.`,
          ];
  const text = lines.join('\n\n');
  const html = lines
    .map((line) =>
      line === input.link
        ? `<p><a href="${escapeHtml(line)}">${escapeHtml(line)}</a></p>`
        : `<p>${escapeHtml(line)}</p>`,
    )
    .join('\n');
  return { subject, text, html: `<!doctype html><html><body>${html}</body></html>` };
}
