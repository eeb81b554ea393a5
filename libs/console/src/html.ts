/**
 * Pages are TypeScript functions over typed view models that return `SafeHtml`, built with the `html`
 * tag: every interpolated value is escaped unless it is itself `SafeHtml` (a fragment built the same
 * way), so user text can only ever reach a page as text. There is no way to mark a string safe except
 * `trusted()`, which only the asset and message code uses for fixed strings.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeText(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

export type Html = SafeHtml | string | number | null | undefined | false | readonly Html[];

function render(value: Html): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly Html[]).map(render).join('');
  return escapeText(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Html[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Fixed markup written in this codebase (never user input). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
