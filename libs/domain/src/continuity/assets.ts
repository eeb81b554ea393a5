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

export const ASSET_HOLDERS = ['owner', 'vendor', 'third_party', 'unknown'] as const;
export type AssetHolder = (typeof ASSET_HOLDERS)[number];

const PATTERNS: { rule: string; test: RegExp }[] = [
  { rule: 'a PEM private key or certificate', test: /-----BEGIN [A-Z ]+-----/ },
  // AppSecrets and WeChat Pay APIv3 keys are 32 hex or alphanumeric characters.
  {
    rule: 'a 32-character key such as an AppSecret or APIv3 key',
    test: /(^|[^A-Za-z0-9])[A-Za-z0-9]{32}([^A-Za-z0-9]|$)/,
  },
  { rule: 'a long encoded token', test: /[A-Za-z0-9+/_-]{40,}={0,2}/ },
  {
    rule: 'a password or secret assignment',
    test: /\b(password|passwd|pwd|secret|apikey|api_key|token)\s*[:=]\s*\S+/i,
  },
  { rule: 'credentials inside a URL', test: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
];

/**
 * Null when the text may be stored; otherwise what it looks like. The custody register must never become
 * the place where the keys leak from, so anything key-shaped is refused rather than stored.
 */
export function secretLikeContent(text: string): string | null {
  for (const p of PATTERNS) if (p.test.test(text)) return `must not contain secrets: looks like ${p.rule}`;
  return null;
}
