export type ExportExtension = 'csv' | 'xlsx' | 'pdf' | 'md' | 'ics';

/** Windows, macOS and Linux reject or misread these in file names; control characters break headers. */
const UNSAFE_IN_FILE_NAME = /[<>:"/\\|?*\p{Cc}]/gu;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_SCOPE_LENGTH = 60;

function truncateCodePoints(value: string, max: number): string {
  return Array.from(value).slice(0, max).join('');
}

/** The two names of a download: the exact one (UTF-8) and the one for clients that read only ASCII. */
export interface ExportFileName {
  /** e.g. `mp-guard-checklist_康宁互联网医院_wx3f8a1c2d4e5b6a70_2026-11-25.pdf` */
  name: string;
  /** e.g. `mp-guard-checklist_wx3f8a1c2d4e5b6a70_2026-11-25.pdf`: what `curl -OJ` saves. */
  ascii: string;
}

function cleanScope(label: string): string {
  return truncateCodePoints(
    label
      .normalize('NFC')
      .replace(UNSAFE_IN_FILE_NAME, '')
      .trim()
      .replace(/\s+/g, '-')
      .replace(/^[.-]+|[.]+$/g, ''),
    MAX_SCOPE_LENGTH,
  );
}

/**
 * `<prefix>_<scope>[_<appId>]_<date>.<ext>` and its ASCII twin `<prefix>_<asciiScope>_<date>.<ext>`.
 * Characters unsafe in file names are removed, runs of spaces become one `-`, the scope is cut to 60
 * characters and dropped when nothing is left of it. `asciiScope` says which scope this is in ASCII (an
 * AppID, `all`, a due window), so files of different scopes never share a name even where only the ASCII
 * fallback is read (curl -J). `date` is the organization's local date.
 */
export function exportFileName(input: {
  scopeLabel: string;
  /** The mini-program's AppID, when the file is about one (names are not unique, AppIDs are). */
  appId?: string;
  asciiScope: string;
  date: string;
  ext: ExportExtension;
  /** What the file is; default `mp-guard-checklist`. */
  prefix?: string;
}): ExportFileName {
  if (!LOCAL_DATE.test(input.date))
    throw new RangeError(`date must be YYYY-MM-DD, got ${JSON.stringify(input.date)}`);
  const ext = input.ext.replace(/[^a-z0-9]/gi, '').toLowerCase();
  const prefix = input.prefix ?? 'mp-guard-checklist';
  const scope = cleanScope(input.scopeLabel);
  const appId = input.appId ? cleanScope(input.appId) : '';
  const asciiScope = input.asciiScope
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 120);
  return {
    name: [prefix, scope, appId, input.date].filter(Boolean).join('_') + `.${ext}`,
    ascii: [prefix, asciiScope, input.date].filter(Boolean).join('_') + `.${ext}`,
  };
}

/** RFC 5987 `value-chars`: encodeURIComponent leaves ' ( ) * unencoded, which attr-char does not allow. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A `Content-Disposition` header value for a download (RFC 6266): the ASCII name in `filename` for clients
 * that read only that (curl -J), quotes, backslashes and anything else unsafe replaced, and the exact UTF-8
 * name in `filename*` (RFC 5987), which browsers prefer.
 */
export function contentDisposition(file: ExportFileName): string {
  const clean = file.name.normalize('NFC').replace(/\p{Cc}/gu, '');
  const ascii =
    file.ascii
      .replace(/[^\x20-\x7e]+/g, '')
      .replace(/["\\]/g, '_')
      .replace(/_{2,}/g, '_')
      .replace(/_(?=\.[^.]*$)/, '')
      .trim() || 'download';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(clean)}`;
}
