import type { EntityManager } from 'typeorm';
import type { WechatFinding } from '../../domain/src/wechat/index.js';
import { escapeHtml } from '../../domain/src/reminders/render-reminder.js';

/** Who the certification-lost alert goes to: the people of the ladder's manager stage. */
export const WITH_MANAGER_ROLES = ['operator', 'manager'];

/**
 * The urgent mail of a WeChat alert (certification lost), rendered from the sync that found it; null when
 * a later sync found the certification back (the alert is then cancelled rather than sent late).
 */
export async function composeWechatAlert(
  m: EntityManager,
  syncId: string,
  locale: 'zh-CN' | 'en',
  publicUrl: string,
): Promise<{ subject: string; text: string; html: string } | null> {
  const [sync] = await m.query<
    {
      organization_id: string;
      mini_program_id: string;
      findings: WechatFinding[];
      synced_at: Date;
      name: string;
      app_id: string;
      org_name: string;
      restored: boolean;
    }[]
  >(
    `SELECT s.organization_id, s.mini_program_id, s.findings, s.synced_at, mp.name, mp.app_id, o.name AS org_name,
            EXISTS (SELECT 1 FROM wechat_syncs later
                     WHERE later.mini_program_id = s.mini_program_id AND later.seq > s.seq
                       AND later.qualified) AS restored
       FROM wechat_syncs s
       JOIN mini_programs mp ON mp.id = s.mini_program_id
       JOIN organizations o ON o.id = s.organization_id
      WHERE s.id = $1`,
    [syncId],
  );
  if (!sync || sync.restored) return null;
  const lost = sync.findings.find((f) => f.code === 'certification_lost');
  if (!lost) return null;
  const link = `${publicUrl}/api/v1/mini-programs/${sync.mini_program_id}/wechat`;
  const zh = locale === 'zh-CN';
  const subject = zh
    ? `【紧急】${sync.name}（${sync.app_id}）的微信认证已失效`
    : `[Urgent] WeChat certification of ${sync.name} (${sync.app_id}) is gone`;
  const lines = [
    zh ? `${sync.org_name}：` : `${sync.org_name}:`,
    lost.message[locale],
    zh
      ? `发现时间：${sync.synced_at.toISOString()}（mp-guard 每日与 WeChat 同步）。`
      : `Found at ${sync.synced_at.toISOString()} (mp-guard's daily sync with WeChat).`,
    zh ? `同步记录：${link}` : `Sync record: ${link}`,
  ];
  return {
    subject,
    text: lines.join('\n\n') + '\n',
    html: `<!doctype html><html><body>${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</body></html>`,
  };
}
