/** What keeps a mini-program alive, and who can hold it. The register records custody, never the secret. */
export const ASSET_KINDS = [
  'source_code',
  'admin_binding',
  'developer_accounts',
  'app_secret',
  'servers',
  'cloud_account',
  'domain_registrar',
  'tls_certificates',
  'payment_merchant_account',
  'payment_keys',
  'backups',
  'original_licences',
  'message_push_url',
] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** Each asset kind's name as it reads inside a sentence (lower case in English). */
export const ASSET_KIND_NAMES: Record<AssetKind, { 'zh-CN': string; en: string }> = {
  source_code: { 'zh-CN': '源代码', en: 'source code' },
  admin_binding: { 'zh-CN': '管理员绑定', en: 'admin binding' },
  developer_accounts: { 'zh-CN': '开发者账号', en: 'developer accounts' },
  app_secret: { 'zh-CN': 'AppSecret', en: 'AppSecret' },
  servers: { 'zh-CN': '服务器', en: 'servers' },
  cloud_account: { 'zh-CN': '云账号', en: 'cloud account' },
  domain_registrar: { 'zh-CN': '域名注册商账号', en: 'domain registrar account' },
  tls_certificates: { 'zh-CN': 'TLS 证书', en: 'TLS certificates' },
  payment_merchant_account: { 'zh-CN': '微信支付商户号', en: 'WeChat Pay merchant account' },
  payment_keys: { 'zh-CN': '支付密钥和证书', en: 'payment keys and certificates' },
  backups: { 'zh-CN': '数据备份', en: 'backups' },
  original_licences: { 'zh-CN': '资质原件', en: 'original licences' },
  message_push_url: { 'zh-CN': '消息推送地址', en: 'message-push URL' },
};

export const ASSET_HOLDERS = ['owner', 'vendor', 'third_party', 'unknown'] as const;
export type AssetHolder = (typeof ASSET_HOLDERS)[number];

/** The one detector lives with the other text rules; the register's callers import it from here too. */
export { secretLikeContent } from '../validation/secret.js';
