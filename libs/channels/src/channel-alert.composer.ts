import type { EntityManager } from 'typeorm';
import { escapeHtml } from '../../domain/src/reminders/render-reminder.js';

const KIND_NAMES = {
  wecom: { 'zh-CN': '企业微信群机器人', en: 'WeCom group robot' },
  dingtalk: { 'zh-CN': '钉钉自定义机器人', en: 'DingTalk custom robot' },
  feishu: { 'zh-CN': '飞书自定义机器人', en: 'Feishu custom bot' },
  webhook: { 'zh-CN': 'Webhook', en: 'webhook' },
} as const;

/**
 * The admins' mail about a channel paused for an invalid key or token (subject_ref `<channel id>:<paused
 * at>`), or null when the channel was resumed or removed meanwhile. It names the channel and its masked
 * URL, never the key, the token or the secret.
 */
export async function composeChannelAlert(
  m: EntityManager,
  subjectRef: string,
  locale: 'zh-CN' | 'en',
  publicUrl: string,
): Promise<{ subject: string; text: string; html: string } | null> {
  const channelId = subjectRef.split(':')[0];
  const [c] = await m.query<
    {
      id: string;
      kind: keyof typeof KIND_NAMES;
      name: string;
      target_hint: string;
      paused_reason: string | null;
      org_name: string;
      waiting: number;
    }[]
  >(
    `SELECT c.id, c.kind, c.name, c.target_hint, c.paused_reason, o.name AS org_name,
            (SELECT count(*)::int FROM channel_deliveries d WHERE d.channel_id = c.id AND d.status = 'pending') AS waiting
       FROM channels c JOIN organizations o ON o.id = c.organization_id
      WHERE c.id = $1 AND c.status = 'paused' AND c.paused_kind = 'invalid_credentials'`,
    [channelId],
  );
  if (!c) return null;
  const zh = locale === 'zh-CN';
  const kind = KIND_NAMES[c.kind][locale];
  const subject = zh
    ? `【mp-guard】提醒渠道「${c.name}」已暂停：平台拒绝了它的密钥`
    : `[mp-guard] Reminder channel "${c.name}" paused: the platform refused its key`;
  const lines = zh
    ? [
        `${c.org_name}：`,
        `${kind}「${c.name}」（${c.target_hint}）返回：${c.paused_reason ?? ''}。`,
        `mp-guard 已暂停此渠道，${c.waiting} 条提醒正在等待，不会丢失。请在平台上检查或重新生成 webhook 地址与签名密钥，然后恢复此渠道：`,
        `${publicUrl}/api/v1/channels/${c.id}/resume（POST），或命令 mp-guard channels resume ${c.id}`,
      ]
    : [
        `${c.org_name}:`,
        `The ${kind} "${c.name}" (${c.target_hint}) answered: ${c.paused_reason ?? ''}.`,
        `mp-guard paused the channel; ${c.waiting} reminders are waiting and will not be lost. Check or regenerate the webhook URL and signing secret on the platform, then resume the channel:`,
        `POST ${publicUrl}/api/v1/channels/${c.id}/resume, or mp-guard channels resume ${c.id}`,
      ];
  return {
    subject,
    text: lines.join('\n\n') + '\n',
    html: `<!doctype html><html><body>${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</body></html>`,
  };
}
