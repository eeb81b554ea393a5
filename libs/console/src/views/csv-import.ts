import type { SignedInRequest } from '../console-context.js';
import { html, type SafeHtml } from '../html.js';

/** One refused CSV row as the import pages list it; `rule` is already in the person's language. */
export interface ImportProblemRow {
  line: number;
  column: string | null;
  rule: string;
}

/** The refusal of a CSV import: the alert, then every bad row with its line, column and rule. */
export function importProblems(
  c: SignedInRequest,
  m: { error?: string | null; rows?: ImportProblemRow[] },
): SafeHtml {
  const t = c.t;
  return html`${m.error ? html`<p class="alert" role="alert">${m.error}</p>` : ''}
  ${
    m.rows?.length
      ? html`<div class="table-wrap">
          <table>
            <caption>
              ${t('import.failed')}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t('import.line')}</th>
                <th scope="col">${t('import.column')}</th>
                <th scope="col">${t('import.problem')}</th>
              </tr>
            </thead>
            <tbody>
              ${m.rows.map(
                (r) =>
                  html`<tr>
                    <td>${r.line}</td>
                    <td>${r.column ?? ''}</td>
                    <td>${r.rule}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : ''
  }`;
}

/** The CSV upload form (multipart, one file, CSRF token in the action since the body is multipart). */
export function importUploadForm(c: SignedInRequest, action: string): SafeHtml {
  const t = c.t;
  return html`<form
    method="post"
    action="${action}?_csrf=${encodeURIComponent(c.csrf)}"
    enctype="multipart/form-data"
    class="stack"
  >
    <div class="field">
      <label for="f-file">${t('import.file')}</label
      ><input type="file" id="f-file" name="file" accept=".csv,text/csv" required />
    </div>
    <button type="submit">${t('import.submit')}</button>
  </form>`;
}
