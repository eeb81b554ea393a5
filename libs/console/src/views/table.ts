import { type Html, html, type SafeHtml } from '../html.js';
import type { Translate } from '../i18n/messages.js';

/** A table with one header row, scrolling sideways on a phone; the empty text instead when there are no rows. */
export function dataTable<T>(
  heads: readonly string[],
  items: readonly T[],
  row: (item: T) => SafeHtml,
  empty: string,
): SafeHtml {
  return items.length
    ? html`<div class="table-wrap">
        <table>
          <thead>
            <tr>
              ${heads.map((h) => html`<th scope="col">${h}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${items.map(row)}
          </tbody>
        </table>
      </div>`
    : html`<p>${empty}</p>`;
}

/** A list page's filters: a GET form (works without JavaScript), its button, and a link back to no filters. */
export function filterForm(
  t: Translate,
  action: string,
  controls: Html,
  opts: { search?: boolean; hidden?: Html } = {},
): SafeHtml {
  return html`<form
    method="get"
    action="${action}"
    class="filters"
    ${opts.search ? html` role="search"` : ''}
  >
    ${opts.hidden ?? ''} ${controls}
    <div>
      <button type="submit">${t('common.apply')}</button>
      <a href="${action}">${t('common.clear')}</a>
    </div>
  </form>`;
}

/** A select's options: "all" first, then each value with its name. */
export function anyOf(
  t: Translate,
  values: readonly string[],
  name: (v: string) => string,
): [string, string][] {
  return [['', t('common.any')], ...values.map((v): [string, string] => [v, name(v)])];
}
