import { type Html, html, type SafeHtml } from '../html.js';

export type FieldErrors = Record<string, string[]>;

export interface FieldModel {
  name: string;
  label: string;
  value?: string | null;
  errors?: FieldErrors;
  type?: 'text' | 'email' | 'password' | 'date' | 'search';
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  /** Renders a textarea (lists, one per line). */
  multiline?: boolean;
}

/** One labelled field with its hint and, beside it, its errors; the input points at both. */
export function field(f: FieldModel): SafeHtml {
  const id = `f-${f.name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const errors = f.errors?.[f.name] ?? [];
  const described = [f.hint ? `${id}-hint` : '', errors.length ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = html` id="${id}"
  name="${f.name}"${f.required ? html` required` : ''}${
    errors.length ? html` aria-invalid="true"` : ''
  }${described ? html` aria-describedby="${described}"` : ''}${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}`;
  const control = f.multiline
    ? html`<textarea${common}>${f.value ?? ''}</textarea>`
    : html`<input type="${f.type ?? 'text'}" ${common} value="${f.value ?? ''}" />`;
  return html`<div class="field">
    <label for="${id}">${f.label}</label>${
      f.hint ? html`<span class="hint" id="${id}-hint">${f.hint}</span>` : ''
    }${control}${errors.length ? html`<span class="error" id="${id}-error">${errors.join(' ')}</span>` : ''}
  </div>`;
}

export interface SelectModel {
  name: string;
  label: string;
  value?: string | null;
  options: [string, string][];
  errors?: FieldErrors;
  hint?: string;
}

export function select(f: SelectModel): SafeHtml {
  const id = `f-${f.name}`;
  const errors = f.errors?.[f.name] ?? [];
  return html`<div class="field">
    <label for="${id}">${f.label}</label>${
      f.hint ? html`<span class="hint" id="${id}-hint">${f.hint}</span>` : ''
    }<select
      id="${id}"
      name="${f.name}"
      ${errors.length ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}
    >
      ${f.options.map(
        ([value, label]) =>
          html`<option value="${value}" ${value === (f.value ?? '') ? html` selected` : ''}>
            ${label}
          </option>`,
      )}</select
    >${errors.length ? html`<span class="error" id="${id}-error">${errors.join(' ')}</span>` : ''}
  </div>`;
}

export function errorSummary(errors: FieldErrors | undefined, text: string): Html {
  return errors && Object.keys(errors).length ? html`<p class="alert" role="alert">${text}</p>` : '';
}

export function alert(text: string | null | undefined): Html {
  return text ? html`<p class="alert" role="alert">${text}</p>` : '';
}
