import type { Writable } from 'node:stream';

import type { ChecklistItem, ChecklistRow, ExportHeader } from './checklist-row.js';
import { labelOf, labelsFor, type ExportLabels } from './labels.js';
import { neutralizeCell } from './neutralize-cell.js';
import { endOutput, failOutput, writeChunk } from './stream-output.js';

const BOM = '\uFEFF';
const CRLF = '\r\n';
const FLUSH_AT = 256 * 1024;

/** RFC 4180: a field holding a comma, a quote, CR or LF is quoted, and its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvCells(cells: ReadonlyArray<string | number | null | undefined>): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += (i ? ',' : '') + csvField(neutralizeCell(cells[i]));
  return line;
}

function csvLine(cells: ReadonlyArray<string | number | null | undefined>): string {
  return csvCells(cells) + CRLF;
}

export function checklistCsvColumns(labels: ExportLabels): string[] {
  return [
    labels.miniProgram,
    labels.appId,
    labels.requirement,
    labels.kind,
    labels.dueOn,
    labels.actBy,
    labels.windowOpensOn,
    labels.daysLeft,
    labels.state,
    labels.whoMustAct,
    labels.itemType,
    labels.itemNumber,
    labels.item,
    labels.onFile,
    labels.actor,
    labels.consequence,
    labels.source,
    labels.requirementCode,
    labels.deadlineId,
  ];
}

function onFileLabel(labels: ExportLabels, item: ChecklistItem): string {
  if (item.onFile === true) return labels.yes;
  if (item.onFile === false) return labels.no;
  return labels.unknown;
}

function rowLines(row: ChecklistRow, labels: ExportLabels): string {
  // The deadline's columns and the tail repeat on each of its lines: encoded once per deadline.
  const deadline = csvCells([
    row.miniProgram?.name ?? labels.organizationLevel,
    row.miniProgram?.appId ?? '',
    row.requirementName,
    labelOf(labels.kinds, row.kind),
    row.dueOn,
    row.actBy,
    row.windowOpensOn,
    row.daysLeft,
    labelOf(labels.states, row.state),
    row.whoMustAct,
  ]);
  const tail = csvCells([row.consequence, row.sourceUrl, row.requirementCode, row.deadlineId]);
  const line = (item: ReadonlyArray<string | number>) => `${deadline},${csvCells(item)},${tail}${CRLF}`;
  if (row.documents.length === 0 && row.steps.length === 0) return line(['', '', '', '', '']);
  let lines = '';
  row.documents.forEach((doc, i) => {
    lines += line([labels.document, i + 1, doc.text, onFileLabel(labels, doc), '']);
  });
  row.steps.forEach((step, i) => {
    const actor = step.actor ? labelOf(labels.actors, step.actor) : '';
    lines += line([labels.step, i + 1, step.text, '', actor]);
  });
  return lines;
}

/**
 * The checklist as CSV: UTF-8 with a BOM (Excel and WPS then read Chinese correctly), CRLF line ends,
 * RFC 4180 quoting, one line per document or step of each deadline with the deadline's columns repeated,
 * so a filter on "On file = no" or "Actor" keeps every line's context. A deadline without items gets one
 * line with the item columns empty. Ends `out` when done; on failure destroys it and rethrows.
 */
export async function writeChecklistCsv(
  rows: AsyncIterable<ChecklistRow>,
  header: ExportHeader,
  out: Writable,
): Promise<void> {
  const labels = labelsFor(header.locale);
  try {
    let pending = BOM + csvLine(checklistCsvColumns(labels));
    let first = true;
    for await (const row of rows) {
      pending += rowLines(row, labels);
      // the header and first deadline go out at once, so a download starts before the rest is read
      if (first || pending.length >= FLUSH_AT) {
        first = false;
        await writeChunk(out, pending);
        pending = '';
      }
    }
    if (pending) await writeChunk(out, pending);
    await endOutput(out);
  } catch (error) {
    failOutput(out, error);
  }
}
