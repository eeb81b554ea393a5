export type ExportExtension = 'csv' | 'xlsx' | 'pdf' | 'md' | 'ics';

/** Windows, macOS and Linux reject or misread these in file names; control characters break headers. */
const UNSAFE_IN_FILE_NAME = /[<>:"/\\|?*\p{Cc}]/gu;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_SCOPE_LENGTH = 60;

function truncateCodePoints(value: string, max: number): string {
  return Array.from(value).slice(0, max).join('');
}

/**
 * `mp-guard-checklist_<scope>_<date>.<ext>`, e.g. `mp-guard-checklist_康宁互联网医院_2026-11-25.pdf`.
 * Characters unsafe in file names are removed, runs of spaces become one `-`, the scope is cut to 60
 * characters and dropped when nothing is left of it. `date` is the organization's local date.
 */
export function exportFileName(input: {
  scopeLabel: string;
  date: string;
  ext: ExportExtension;
  /** What the file is; default `mp-guard-checklist`. */
  prefix?: string;
}): string {
  if (!LOCAL_DATE.test(input.date))
    throw new RangeError(`date must be YYYY-MM-DD, got ${JSON.stringify(input.date)}`);
  const scope = truncateCodePoints(
    input.scopeLabel
      .normalize('NFC')
      .replace(UNSAFE_IN_FILE_NAME, '')
      .trim()
      .replace(/\s+/g, '-')
      .replace(/^[.-]+|[.]+$/g, ''),
    MAX_SCOPE_LENGTH,
  );
  const ext = input.ext.replace(/[^a-z0-9]/gi, '').toLowerCase();
  return [input.prefix ?? 'mp-guard-checklist', scope, input.date].filter(Boolean).join('_') + `.${ext}`;
}

/** RFC 5987 `value-chars`: encodeURIComponent leaves ' ( ) * unencoded, which attr-char does not allow. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A `Content-Disposition` header value for a download (RFC 6266): an ASCII `filename` for old clients
 * (non-ASCII dropped, quotes and backslashes replaced) and the exact UTF-8 name in `filename*` (RFC 5987).
 */
export function contentDisposition(fileName: string): string {
  const clean = fileName.normalize('NFC').replace(/\p{Cc}/gu, '');
  const ascii =
    clean
      .replace(/[^\x20-\x7e]+/g, '')
      .replace(/["\\]/g, '_')
      .replace(/_{2,}/g, '_')
      .replace(/_(?=\.[^.]*$)/, '')
      .trim() || 'download';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(clean)}`;
}
