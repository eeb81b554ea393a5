import type { Locale } from '../../../catalogue/src/index.js';
import { headerSafe } from '../reminders/message-id.js';
import { escapeHtml } from '../reminders/render-reminder.js';
import { ASSET_KIND_NAMES, type AssetKind } from './assets.js';

/** How to get each asset back without the vendor (DOMAIN.md, "What the vendor usually holds"). */
export const RECOVERY_STEPS: Record<AssetKind, { 'zh-CN': string; en: string }> = {
  admin_binding: {
    'zh-CN':
      '换绑管理员：需要现管理员扫码；若此人已联系不上，由法定代表人向微信申诉（路径未经证实，请尽早联系微信客服）。',
    en: 'Rebind the administrator: the current admin must scan; if that person is gone, the legal representative appeals to WeChat (route not confirmed: contact WeChat support early).',
  },
  app_secret: {
    'zh-CN': '在“开发管理 > 开发设置”中重置 AppSecret；服务商后端会立即失效，先确认替代后端。',
    en: "Reset the AppSecret under 开发管理 > 开发设置; the vendor's backend stops at once, so have a replacement ready.",
  },
  source_code: {
    'zh-CN': '依据合同的源代码归属条款索取仓库和构建流程；若使用第三方平台模板，可能需要重新开发。',
    en: 'Claim the repository and build pipeline under the contract; if it runs from a third-party platform template, a rebuild may be needed.',
  },
  developer_accounts: {
    'zh-CN': '移除服务商的开发者和第三方平台授权。',
    en: "Remove the vendor's developer accounts and third-party platform authorization.",
  },
  servers: {
    'zh-CN': '接管或迁移服务器，并更换所有登录凭据。',
    en: 'Take over or migrate the servers and change every credential.',
  },
  cloud_account: {
    'zh-CN': '把云账号转到本单位名下，或迁移到本单位账号。',
    en: "Transfer the cloud account to the owner, or migrate to the owner's account.",
  },
  domain_registrar: {
    'zh-CN': '把域名转到本单位注册商账号；注意域名备案随主体变化的要求。',
    en: "Move the domain to the owner's registrar account; mind the ICP filing rules when the holder changes.",
  },
  tls_certificates: {
    'zh-CN': '为服务器域名重新签发证书和私钥。',
    en: 'Re-issue the certificates and private keys of the server domains.',
  },
  payment_merchant_account: {
    'zh-CN': '确认商户号超级管理员为本单位人员；更换需对公小额打款验证。',
    en: "Make sure the merchant super-admin is the owner's person; changing it needs a small corporate transfer.",
  },
  payment_keys: {
    'zh-CN': '由超级管理员重新申请 API 证书、设置新的 APIv3 密钥，并部署平台证书。',
    en: 'Have the super-admin re-issue the API certificate, set a new APIv3 key and deploy the platform certificate.',
  },
  backups: {
    'zh-CN': '索取最近的数据库备份，并建立本单位自己的备份。',
    en: 'Obtain the latest database backups and set up your own.',
  },
  original_licences: { 'zh-CN': '收回资质证书原件。', en: 'Take back the original licences.' },
  message_push_url: {
    'zh-CN': '把消息推送 URL 改到本单位服务器，否则年审等账号事件只会发给服务商。',
    en: "Point the message-push URL to the owner's server, or account events such as the annual review only reach the vendor.",
  },
};

export interface ContinuityAlertInput {
  organizationName: string;
  vendor: { name: string; status: 'unresponsive' | 'ceased'; reason: string | null };
  miniPrograms: {
    name: string;
    appId: string;
    heldByVendor: AssetKind[];
    originalsWithVendor: string[];
    nextDeadlines: { title: string; dueOn: string }[];
  }[];
  /** The organization's local date the alert speaks as of: earlier due dates are written as overdue. */
  today: string;
  /** The console page of the vendor's mini-programs (sign in first if needed). */
  consoleLink?: string;
}

/** The mail sent once per vendor status change: what is affected, what the vendor holds, how to recover it. */
export function renderContinuityAlert(input: ContinuityAlertInput, locale: Locale) {
  const zh = locale === 'zh-CN';
  const status = zh
    ? input.vendor.status === 'ceased'
      ? '已停止经营'
      : '联系不上'
    : input.vendor.status === 'ceased'
      ? 'has ceased'
      : 'is not answering';
  const subject = zh
    ? `【紧急】服务商「${input.vendor.name}」${status}：${input.miniPrograms.length} 个小程序需要您接手`
    : `Urgent: vendor ${input.vendor.name} ${status}: ${input.miniPrograms.length} mini-program(s) need you`;
  const lines: string[] = [
    zh ? `${input.organizationName}：` : `${input.organizationName}:`,
    zh
      ? `服务商「${input.vendor.name}」${status}${input.vendor.reason ? `（${input.vendor.reason}）` : ''}。从现在起提醒只发给贵单位的人员，下面是需要贵单位自行收回的资产和步骤。`
      : `Vendor ${input.vendor.name} ${status}${input.vendor.reason ? ` (${input.vendor.reason})` : ''}. From now on reminders go to your own people only; below is what you must now recover yourselves.`,
  ];
  const steps = new Set<AssetKind>();
  for (const mp of input.miniPrograms) {
    lines.push(`== ${mp.name} (${mp.appId}) ==`);
    const held = mp.heldByVendor.map((k) => ASSET_KIND_NAMES[k][locale]).join(zh ? '、' : ', ');
    lines.push(
      zh ? `服务商掌握：${held || '（未登记）'}` : `Held by the vendor: ${held || '(nothing recorded)'}`,
    );
    if (mp.originalsWithVendor.length) {
      lines.push(
        zh
          ? `在服务商手中的资质原件：${mp.originalsWithVendor.join('、')}`
          : `Originals held by the vendor: ${mp.originalsWithVendor.join(', ')}`,
      );
    }
    for (const d of mp.nextDeadlines) {
      const overdue = d.dueOn < input.today;
      if (zh) lines.push(`- ${d.dueOn} ${overdue ? '已逾期' : '到期'}：${d.title}`);
      else lines.push(`- ${overdue ? 'overdue since' : 'due'} ${d.dueOn}: ${d.title}`);
    }
    for (const k of mp.heldByVendor) steps.add(k);
  }
  lines.push(zh ? '== 收回步骤 ==' : '== Recovery steps ==');
  for (const k of steps) lines.push(`- ${ASSET_KIND_NAMES[k][locale]}: ${RECOVERY_STEPS[k][locale]}`);
  lines.push(
    zh
      ? '- 物色替代服务商，并把交接清单交给对方。'
      : '- Find a replacement vendor and hand them the handover checklist.',
  );
  const link = input.consoleLink;
  const linkLabel = zh ? '在控制台查看：' : 'Open in the console:';
  return {
    subject: headerSafe(subject),
    text: lines.join('\n') + (link ? `\n\n${linkLabel}\n${link}` : ''),
    html: `<!doctype html><html><body>${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}${
      link ? `<p>${escapeHtml(linkLabel)} <a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` : ''
    }</body></html>`,
  };
}
