export const CHANNEL_KINDS = ['wecom', 'dingtalk', 'feishu', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export function isChannelKind(value: unknown): value is ChannelKind {
  return typeof value === 'string' && (CHANNEL_KINDS as readonly string[]).includes(value);
}

/**
 * What each platform documents, in one table (sources in the comments; the fakes in tests/support/fakes
 * check the same figures):
 * - WeCom group robot (developer.work.weixin.qq.com/document/path/91770, 群机器人配置说明): text content
 *   "最长不超过2048个字节", markdown content "最长不超过4096个字节", UTF-8; "每个机器人发送的消息不能超过20条/分钟".
 * - DingTalk custom robot (open.dingtalk.com, 自定义机器人接入): "每个机器人每分钟最多发送20条消息到群里，如果超过20条，
 *   会限流10分钟". No size limit is documented in the sources we could read: we keep markdown text within
 *   4,096 bytes, WeCom's figure, so a long checklist is cut the same way everywhere.
 * - Feishu custom bot (open.feishu.cn 自定义机器人使用指南): "单租户单机器人 100 次/分钟，5 次/秒" and
 *   "请求体的数据大小不能超过 20 KB".
 * - Standard Webhooks: no platform limit; we keep the body within 64 KB and 60 a minute per endpoint.
 */
export interface PlatformLimits {
  /** Sends allowed in any sliding 60 seconds. */
  perMinute: number;
  /** Sends allowed in any sliding second (Feishu only). */
  perSecond: number | null;
  /** How long the platform refuses everything once the minute's allowance was exceeded. */
  penaltyMs: number;
  /** Bytes of the message text (markdown/content) the platform accepts. */
  maxTextBytes: number;
  /** Bytes of the whole JSON body. */
  maxBodyBytes: number;
}

export const PLATFORM_LIMITS: Record<ChannelKind, PlatformLimits> = {
  wecom: { perMinute: 20, perSecond: null, penaltyMs: 60_000, maxTextBytes: 4096, maxBodyBytes: 8192 },
  dingtalk: {
    perMinute: 20,
    perSecond: null,
    penaltyMs: 10 * 60_000,
    maxTextBytes: 4096,
    maxBodyBytes: 20_000,
  },
  feishu: { perMinute: 100, perSecond: 5, penaltyMs: 60_000, maxTextBytes: 16_000, maxBodyBytes: 20 * 1024 },
  webhook: {
    perMinute: 60,
    perSecond: null,
    penaltyMs: 60_000,
    maxTextBytes: 16_000,
    maxBodyBytes: 64 * 1024,
  },
};
