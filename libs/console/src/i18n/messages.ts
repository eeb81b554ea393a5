import { en } from './en.js';
import { type MessageKey, zhCN } from './zh-CN.js';

export type ConsoleLocale = 'zh-CN' | 'en';
export type { MessageKey };

export const CATALOGUES: Record<ConsoleLocale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

/** A translator bound to one locale; `{name}` placeholders are filled from `params`. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: ConsoleLocale): Translate {
  const catalogue = CATALOGUES[locale];
  return (key, params) =>
    catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      params && name in params ? String(params[name]) : whole,
    );
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.prototype.hasOwnProperty.call(zhCN, value);
}

/** The console's language: the person's choice (cookie), else Accept-Language, else Chinese. */
export function negotiateLocale(
  cookie: string | undefined,
  acceptLanguage: string | undefined,
): ConsoleLocale {
  if (cookie === 'en' || cookie === 'zh-CN') return cookie;
  for (const part of String(acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

/** A reminder stage code as a name ('d-30' → 30 days before), never the code itself when it is known. */
export function stageName(code: string, t: Translate): string {
  let m = /^d-(\d+)$/.exec(code);
  if (m) return t('stage.before', { n: m[1] });
  if (code === 'due') return t('stage.due');
  if (code === 'overdue') return t('stage.overdue');
  m = /^overdue-(\d+)$/.exec(code);
  if (m) return t('stage.overdueRepeat', { n: m[1] });
  if (code === 'early') return t('stage.early');
  if (code.startsWith('failure:')) return t('stage.failure');
  return t('stage.custom', { code });
}
