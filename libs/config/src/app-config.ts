import { z } from 'zod';
import { parseCidrList } from '../../domain/src/network/index.js';

/** Why an RDAP_BASE_URL value is refused, or null (used by the schema and the RDAP client). */
export function rdapBaseProblem(value: string): string | null {
  const parts = value.includes('=') ? value.split(',').map((p) => p.split('=')) : [['*', value]];
  for (const part of parts) {
    if (part.length !== 2 || !/^(\*|[a-z0-9-]+)$/.test(part[0]))
      return 'must be an http(s) URL, or tld=url pairs separated by commas (com=https://rdap.verisign.com/com/v1/)';
    if (!URL.canParse(part[1]) || !/^https?:$/.test(new URL(part[1]).protocol))
      return `must be an http(s) URL, not ${JSON.stringify(part[1])}`;
  }
  return null;
}

/** Every variable the app reads, with its default. `.env.example` mirrors this list. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ error: 'must be an absolute http(s) URL' }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  LOCAL_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  MAIL_FROM: z.string().min(3).default('mp-guard <reminders@mp-guard.localhost>'),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(20_000),
  TICK_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  DELIVERY_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  DELIVERY_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  /** How long a transient SMTP failure is retried before the delivery fails (RFC 5321: 4-5 days). */
  MAIL_RETRY_PERIOD_HOURS: z.coerce.number().min(0.01).max(720).default(120),
  /** Consecutive sends failing the same transient way that mark the transport down (claiming pauses). */
  MAIL_DOWN_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(3),
  LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(120),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SCHEDULER_ENABLED: z
    .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
    .default('true')
    .transform((v) => v === 'true'),
  DEMO_SEED: z
    .enum(['auto', 'always', 'never'], { error: "must be 'auto', 'always' or 'never'" })
    .default('auto'),
  CERT_WATCH_HOUR: z.coerce.number().int().min(0).max(23).default(3),
  CERT_WATCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  CERT_WATCH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  CERT_WATCH_EXTRA_CA_FILE: z.string().min(1).optional(),
  CERT_WATCH_CONNECT_OVERRIDE: z
    .string()
    .regex(
      /^[a-z0-9.-]+=[a-z0-9.-]+:\d{1,5}(,[a-z0-9.-]+=[a-z0-9.-]+:\d{1,5})*$/,
      'must be domain=host:port pairs separated by commas (tests only)',
    )
    .optional(),
  SECRETS_KEY: z
    .string()
    .regex(
      /^[A-Za-z0-9+/]{43}=$/,
      'must be 32 bytes in base64 (44 characters), e.g. `openssl rand -base64 32`',
    )
    .optional(),
  SECRETS_PREVIOUS_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/,
      'must be base64 32-byte keys separated by commas (keys being rotated away)',
    )
    .optional(),
  WECHAT_API_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://api.weixin.qq.com'),
  WECHAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WECHAT_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  WECHAT_SYNC_HOUR: z.coerce.number().int().min(0).max(23).default(4),
  // Chat channels (issue #17): each platform's base URL (tests point them at local fakes).
  WECOM_API_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://qyapi.weixin.qq.com'),
  DINGTALK_API_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://oapi.dingtalk.com'),
  FEISHU_API_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://open.feishu.cn'),
  CHANNEL_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  CHANNEL_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** How long a channel message is retried (5xx, timeouts, rate limits) before it fails. */
  CHANNEL_RETRY_PERIOD_HOURS: z.coerce.number().min(0.01).max(720).default(72),
  /** Accept http:// generic webhooks (local demos and tests only). */
  CHANNEL_WEBHOOK_ALLOW_HTTP: z
    .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
    .default('false')
    .transform((v) => v === 'true'),
  CERT_WATCH_DAILY_PROBE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  // Domain registration expiry over RDAP (catalogue area, #14).
  /** One RDAP base URL for every TLD, or `tld=url` pairs separated by commas; unset: built-in com/net. */
  RDAP_BASE_URL: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      const problem = rdapBaseProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  RDAP_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /**
   * A PEM file of CA certificates trusted for https RDAP servers besides the system's (a registry behind an
   * on-premises CA; tests). It adds trust: certificates are always verified against the server's name.
   */
  RDAP_EXTRA_CA_FILE: z.string().min(1).optional(),
  /** Queries one organization may make in its local day. */
  RDAP_DAILY_QUERY_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(500),
  /** Days a successful reading stays fresh before the domain is asked again. */
  RDAP_REFRESH_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  /** Minutes before a failed query (5xx, timeout) is tried again; a 429 waits its Retry-After. */
  RDAP_RETRY_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  OUTBOUND_ALLOW_CIDRS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const { invalid } = parseCidrList(value);
      if (invalid.length)
        ctx.addIssue({
          code: 'custom',
          message: `must be CIDRs separated by commas, such as 10.0.0.0/8,fd00::/8 (host bits zero); not: ${invalid.join(', ')}`,
        });
    }),
});

export type AppConfig = z.infer<typeof schema> & { publicUrl: string; embedded: boolean };

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; rule: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.rule}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Validates the environment once; a bad value fails start-up naming the variable and the rule. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty variable means "not set", as it does in shells and .env files.
  const present = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '?'),
        rule: issue.message,
      })),
    );
  }
  const cfg = result.data;
  const publicUrl = (
    cfg.PUBLIC_URL ?? `http://${cfg.HOST === '0.0.0.0' ? '127.0.0.1' : cfg.HOST}:${cfg.PORT}`
  ).replace(/\/$/, '');
  return { ...cfg, publicUrl, embedded: cfg.DATABASE_URL === undefined };
}

/** Removes credentials from a connection URL so it can be logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');
