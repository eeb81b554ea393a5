import type { Writable } from 'node:stream';
import { CHECKLIST_FORMATS, type ChecklistFormat } from './checklist.service.js';
import {
  type ChecklistRow,
  type ExportHeader,
  writeChecklistCsv,
  writeChecklistMarkdown,
  writeChecklistPdf,
  writeChecklistXlsx,
} from './renderers/index.js';

export const CHECKLIST_CONTENT_TYPES: Record<ChecklistFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  md: 'text/markdown; charset=utf-8',
};

export function isChecklistFormat(value: unknown): value is ChecklistFormat {
  return typeof value === 'string' && (CHECKLIST_FORMATS as readonly string[]).includes(value);
}

export const FORMAT_RULE = `must be one of: ${CHECKLIST_FORMATS.join(', ')}`;

/** Streams the checklist in one format; ends `out`, or destroys it and rejects when anything fails. */
export function writeChecklist(
  format: ChecklistFormat,
  rows: AsyncIterable<ChecklistRow>,
  header: ExportHeader,
  out: Writable,
): Promise<void> {
  switch (format) {
    case 'csv':
      return writeChecklistCsv(rows, header, out);
    case 'xlsx':
      return writeChecklistXlsx(rows, header, out);
    case 'pdf':
      return writeChecklistPdf(rows, header, out);
    case 'md':
      return writeChecklistMarkdown(rows, header, out);
  }
}
