import { once, type EventEmitter } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';

import type ExcelJS from 'exceljs';

import type { ChecklistRow, ExportHeader } from './checklist-row.js';
import { utcMidnight } from './dates.js';
import { labelOf, labelsFor, type ExportLabels } from './labels.js';
import { SheetNamer } from './sheet-name.js';
import {
  DestinationClosedError,
  endOutput,
  failOutput,
  waitForDrain,
  writeChunk,
  yieldToEventLoop,
} from './stream-output.js';

export interface XlsxWriterOptions {
  /** Where the per-mini-program spool file goes; the OS temp directory by default. */
  tmpDir?: string;
}

const DATE_FORMAT = 'yyyy-mm-dd';
const YIELD_EVERY_ROWS = 200;
/** Rows of finished per-mini-program sheets that may wait for compression at once (a few hundred KB of XML). */
const QUEUED_ROWS = 2000;
/**
 * Up to this many mini-programs, each gets its own sheet. Beyond it, a workbook of hundreds of tabs cannot
 * be navigated, and every tab is a zip entry of its own (5,000 of them cost most of a 10,000-deadline
 * export's time), so the detail goes to one sheet with the mini-program and AppID in its first columns.
 */
export const MAX_MINI_PROGRAM_SHEETS = 100;
const MARK_TODO = '☐';
const MARK_DONE = '☑';

type CellValue = string | number | Date | null;

interface ColumnSpec {
  label: (labels: ExportLabels) => string;
  width: number;
}

const SUMMARY_COLUMNS: ColumnSpec[] = [
  { label: (l) => l.miniProgram, width: 26 },
  { label: (l) => l.appId, width: 21 },
  { label: (l) => l.requirement, width: 36 },
  { label: (l) => l.dueOn, width: 12 },
  { label: (l) => l.actBy, width: 12 },
  { label: (l) => l.daysLeft, width: 10 },
  { label: (l) => l.state, width: 12 },
  { label: (l) => l.whoMustAct, width: 34 },
];

const DETAIL_COLUMNS: ColumnSpec[] = [
  { label: (l) => l.requirement, width: 32 },
  { label: (l) => l.dueOn, width: 12 },
  { label: (l) => l.actBy, width: 12 },
  { label: (l) => l.daysLeft, width: 10 },
  { label: (l) => l.state, width: 12 },
  { label: (l) => l.itemType, width: 10 },
  { label: (l) => l.item, width: 48 },
  { label: (l) => l.done, width: 12 },
  { label: (l) => l.whoMustAct, width: 30 },
  { label: (l) => l.consequence, width: 40 },
  { label: (l) => l.source, width: 40 },
];

const COMBINED_DETAIL_COLUMNS: ColumnSpec[] = [
  { label: (l) => l.miniProgram, width: 26 },
  { label: (l) => l.appId, width: 21 },
  ...DETAIL_COLUMNS,
];

/** Header and footer codes treat `&` as an escape; a literal one is written `&&`. */
function headerFooterText(value: string): string {
  return value.replace(/&/g, '&&');
}

function addSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: ColumnSpec[],
  labels: ExportLabels,
  header: ExportHeader,
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
    headerFooter: {
      oddHeader: `&L${headerFooterText(header.organizationName)}&R${headerFooterText(header.scopeLabel)}`,
      oddFooter: `&C${labels.pageOf}`,
    },
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = columns.map((column) => ({ width: column.width }));
  addRow(
    sheet,
    columns.map((column) => column.label(labels)),
    true,
  );
  return sheet;
}

/**
 * One style object per kind of cell, shared by every cell of that kind. exceljs looks a cell's style up
 * in a WeakMap keyed by the style object before serialising it to find its id; a style object per cell
 * (what `cell.numFmt = …` or `row.font = …` create) misses that cache and costs a serialisation per cell.
 * Never mutate these (no `cell.numFmt = …` on a cell that holds one).
 */
type CellStyle = Partial<ExcelJS.Style>;
const BOLD = { bold: true };
/** Excel's Text number format: the cell stays text when someone edits it, so `=1+1` never becomes a formula. */
const TEXT = '@';
const STYLES: Record<'plain' | 'bold', Record<'text' | 'number' | 'date', CellStyle>> = {
  plain: { text: { numFmt: TEXT }, number: {}, date: { numFmt: DATE_FORMAT } },
  bold: {
    text: { font: BOLD, numFmt: TEXT },
    number: { font: BOLD },
    date: { font: BOLD, numFmt: DATE_FORMAT },
  },
};

function styleOf(value: CellValue, bold: boolean): CellStyle {
  const styles = bold ? STYLES.bold : STYLES.plain;
  if (value instanceof Date) return styles.date;
  return typeof value === 'number' ? styles.number : styles.text;
}

/**
 * Adds one row: text as string cells in the Text format, dates as real date cells (yyyy-mm-dd). An XLSX
 * string cell is never evaluated, whatever it starts with, so text keeps its exact value: no apostrophe,
 * which spreadsheets would show (CSV, which has no types, is the format that needs one).
 */
function addRow(sheet: ExcelJS.Worksheet, values: CellValue[], bold = false): void {
  const row = sheet.addRow(values);
  // Every cell, plain ones too: exceljs gives each new cell a fresh style object, which would miss the cache.
  for (let i = 0; i < values.length; i++) row.getCell(i + 1).style = styleOf(values[i], bold);
  row.commit();
}

function finishSheet(sheet: ExcelJS.Worksheet, columns: ColumnSpec[], lastRow: number): void {
  sheet.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: Math.max(lastRow, 1), column: columns.length },
  };
  sheet.commit();
}

function summaryValues(row: ChecklistRow, labels: ExportLabels): CellValue[] {
  return [
    row.miniProgram?.name ?? labels.organizationLevel,
    row.miniProgram?.appId ?? '',
    row.requirementName,
    utcMidnight(row.dueOn),
    utcMidnight(row.actBy),
    row.daysLeft,
    labelOf(labels.states, row.state),
    row.whoMustAct,
  ];
}

function detailRows(row: ChecklistRow, labels: ExportLabels): { values: CellValue[]; bold: boolean }[] {
  const due = utcMidnight(row.dueOn);
  const result = [
    {
      bold: true,
      values: [
        row.requirementName,
        due,
        utcMidnight(row.actBy),
        row.daysLeft,
        labelOf(labels.states, row.state),
        labels.deadline,
        labelOf(labels.kinds, row.kind),
        '',
        row.whoMustAct,
        row.consequence,
        row.sourceUrl,
      ] as CellValue[],
    },
  ];
  for (const doc of row.documents) {
    const mark = doc.onFile === true ? `${MARK_DONE} ${labels.onFileMarker}` : MARK_TODO;
    result.push({
      bold: false,
      values: [row.requirementName, due, null, null, null, labels.document, doc.text, mark, null, null, null],
    });
  }
  for (const step of row.steps) {
    const actor = step.actor ? labelOf(labels.actors, step.actor) : null;
    result.push({
      bold: false,
      values: [
        row.requirementName,
        due,
        null,
        null,
        null,
        labels.step,
        step.text,
        MARK_TODO,
        actor,
        null,
        null,
      ],
    });
  }
  return result;
}

function groupKey(row: ChecklistRow): string {
  return row.miniProgram ? `mp:${row.miniProgram.id}` : 'organization';
}

async function* readSpool(path: string): AsyncGenerator<ChecklistRow> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line) yield JSON.parse(line) as ChecklistRow;
  }
}

/**
 * The checklist as an XLSX workbook written with exceljs's streaming WorkbookWriter: a summary sheet
 * (one row per deadline) first, then one sheet per mini-program (each deadline, then its documents and
 * steps with a ☐ / ☑ marker), or a single detail sheet when there are more than MAX_MINI_PROGRAM_SHEETS. Frozen header row, autofilter, real date cells formatted yyyy-mm-dd.
 *
 * A zip is written one entry at a time, so two sheets cannot be filled at once: while the summary sheet
 * streams, every deadline is also appended to a JSON-lines spool file on disk, which is replayed into the
 * per-mini-program sheets after the summary is committed. Memory stays flat; disk use is about the size
 * of the rows as JSON, and the spool is deleted at the end, on success and on failure.
 */
export async function writeChecklistXlsx(
  rows: AsyncIterable<ChecklistRow>,
  header: ExportHeader,
  out: Writable,
  options: XlsxWriterOptions = {},
): Promise<void> {
  const labels = labelsFor(header.locale);
  let spoolDir: string | undefined;
  let spool: Writable | undefined;
  try {
    spoolDir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'mp-guard-xlsx-'));
    const spoolPath = join(spoolDir, 'rows.jsonl');
    spool = createWriteStream(spoolPath, 'utf8');
    let spoolError: Error | undefined;
    // kept and rethrown below; an 'error' without a listener would crash the process
    spool.on('error', (error) => (spoolError ??= error));

    // loaded on first use: exceljs and its zip libraries are a fifth of a CLI start that writes no XLSX
    const { default: excel } = await import('exceljs');
    const workbook = new excel.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
    const zipped = new ZippedSheets(workbook, out);
    workbook.creator = 'mp-guard';
    workbook.lastModifiedBy = 'mp-guard';
    workbook.created = header.generatedAt;
    workbook.modified = header.generatedAt;
    workbook.title = `${labels.title} - ${header.organizationName}`;
    workbook.subject = header.scopeLabel;

    const namer = new SheetNamer(labels.miniProgram);
    const summary = addSheet(workbook, namer.next(labels.summarySheet), SUMMARY_COLUMNS, labels, header);
    let summaryRows = 1;
    let groups = 0;
    let lastGroup: string | undefined;
    for await (const row of rows) {
      addRow(summary, summaryValues(row, labels));
      if (groupKey(row) !== lastGroup) {
        lastGroup = groupKey(row);
        groups++;
      }
      summaryRows++;
      if (spoolError) throw spoolError;
      await writeChunk(spool, JSON.stringify(row) + '\n');
      if (summaryRows % YIELD_EVERY_ROWS === 0) await breathe(out);
    }
    finishSheet(summary, SUMMARY_COLUMNS, summaryRows);
    await endOutput(spool);
    if (spoolError) throw spoolError;

    if (groups > MAX_MINI_PROGRAM_SHEETS) {
      await writeCombinedDetails(
        workbook,
        namer.next(labels.detailsSheet),
        readSpool(spoolPath),
        labels,
        header,
        out,
      );
      await workbook.commit();
      await endOutput(out);
      return;
    }

    let current: { key: string; sheet: ExcelJS.Worksheet; rows: number } | undefined;
    const queued: { id: number; rows: number }[] = [];
    let queuedRows = 0;
    let sinceBreath = 0;
    for await (const row of readSpool(spoolPath)) {
      if (current?.key !== groupKey(row)) {
        if (current) {
          finishSheet(current.sheet, DETAIL_COLUMNS, current.rows);
          // finished sheets wait for compression while the next ones fill, up to QUEUED_ROWS rows in all:
          // waiting for each small sheet in turn left the event loop idle on zlib's thread most of the time
          queued.push({ id: current.sheet.id, rows: current.rows });
          queuedRows += current.rows;
          while (queuedRows > QUEUED_ROWS) {
            const oldest = queued.shift()!;
            await zipped.waitFor(oldest.id);
            queuedRows -= oldest.rows;
          }
        }
        const name = namer.next(row.miniProgram?.name ?? labels.organizationLevel);
        current = {
          key: groupKey(row),
          sheet: addSheet(workbook, name, DETAIL_COLUMNS, labels, header),
          rows: 1,
        };
      }
      for (const detail of detailRows(row, labels)) {
        addRow(current.sheet, detail.values, detail.bold);
        current.rows++;
        sinceBreath++;
      }
      if (sinceBreath >= YIELD_EVERY_ROWS) {
        sinceBreath = 0;
        await breathe(out);
      }
    }
    if (current) finishSheet(current.sheet, DETAIL_COLUMNS, current.rows);

    await workbook.commit();
    await endOutput(out);
  } catch (error) {
    failOutput(out, error);
  } finally {
    if (spool && !spool.closed) spool.destroy();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  }
}

/** Every deadline's detail on one sheet, each line led by its mini-program and AppID. */
async function writeCombinedDetails(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  rows: AsyncIterable<ChecklistRow>,
  labels: ExportLabels,
  header: ExportHeader,
  out: Writable,
): Promise<void> {
  const sheet = addSheet(workbook, name, COMBINED_DETAIL_COLUMNS, labels, header);
  let lines = 1;
  let sinceBreath = 0;
  for await (const row of rows) {
    const lead = [row.miniProgram?.name ?? labels.organizationLevel, row.miniProgram?.appId ?? ''];
    for (const detail of detailRows(row, labels)) {
      addRow(sheet, [...lead, ...detail.values], detail.bold);
      lines++;
      sinceBreath++;
    }
    if (sinceBreath >= YIELD_EVERY_ROWS) {
      sinceBreath = 0;
      await breathe(out);
    }
  }
  finishSheet(sheet, COMBINED_DETAIL_COLUMNS, lines);
}

/**
 * Each sheet is a zip entry, and entries are compressed one after another; sheets finished faster than
 * zlib compresses them would queue in memory. This waits until a given sheet has been written into the
 * zip, watching the 'entry' events of the archiver inside exceljs's WorkbookWriter (a property its typings
 * do not declare; without it, the wait degrades to yielding to the event loop).
 */
class ZippedSheets {
  private readonly zipped = new Set<number>();
  private readonly zip: EventEmitter | undefined;
  private readonly closed = new AbortController();

  /** Create before the first sheet, so that no 'entry' event is missed. */
  constructor(workbook: ExcelJS.stream.xlsx.WorkbookWriter, out: Writable) {
    this.zip = (workbook as unknown as { zip?: EventEmitter }).zip;
    this.zip?.on('entry', (entry: { name?: string }) => {
      const match = /worksheets\/sheet(\d+)\.xml$/.exec(entry.name ?? '');
      if (match) this.zipped.add(Number(match[1]));
    });
    // a destination that goes away stops the zip, and its 'entry' events with it
    out.once('close', () => this.closed.abort(new DestinationClosedError()));
  }

  async waitFor(sheetId: number): Promise<void> {
    if (!this.zip) return yieldToEventLoop();
    while (!this.zipped.has(sheetId)) await once(this.zip, 'entry', { signal: this.closed.signal });
    this.zipped.delete(sheetId);
  }
}

/** Gives zlib a turn and waits for a slow reader, so the zip's in-memory queue stays short. */
async function breathe(out: Writable): Promise<void> {
  await yieldToEventLoop();
  await waitForDrain(out);
}
