import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';


import type { ChecklistItem, ChecklistRow, ExportHeader } from './checklist-row.js';
import { loadParsedCjkFonts } from './cjk-font.js';
import { formatInstant } from './dates.js';
import { labelOf, labelsFor, type ExportLabels } from './labels.js';
import { failOutput, RenderBudget, yieldToEventLoop } from './stream-output.js';

export const REGULAR = 'NotoSansSC';
export const BOLD = 'NotoSansSC-Bold';
const MARGIN = 50;
const FOOTER_SPACE = 30;
const BOX = 9;
const INDENT = 18;
const CLEAR_CACHES_EVERY_ROWS = 50;
const GREY = '#555555';

type Doc = PDFKit.PDFDocument;

function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function bottom(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom;
}

/** Starts a new page when the next `height` points would not fit, so a box never parts from its text. */
function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

/** pdfkit keeps the current font and colour in these fields; the footer must hand them back unchanged. */
const TEXT_STATE = ['_font', '_fontSize', '_fontSource', '_fontFamily', '_fillColor'] as const;

/**
 * Runs on 'pageAdded', which can fire in the middle of a paragraph that wraps onto the new page: the
 * paragraph's font, size, colour and position are restored afterwards. The number sits below the bottom
 * margin, which is lifted while it is drawn so that it cannot itself add a page.
 */
export function drawPageNumber(doc: Doc, pageNumber: number, labels: ExportLabels): void {
  const state = doc as unknown as Record<(typeof TEXT_STATE)[number], unknown>;
  const saved = TEXT_STATE.map((field) => state[field]);
  const { x, y } = doc;
  const bottomMargin = doc.page.margins.bottom;
  // pdfkit wraps any text with a width and starts a new page below the bottom margin
  doc.page.margins.bottom = 0;
  doc.save();
  doc
    .font(REGULAR)
    .fontSize(9)
    .fillColor(GREY)
    .text(labels.page(pageNumber), doc.page.margins.left, doc.page.height - MARGIN, {
      width: contentWidth(doc),
      align: 'center',
      lineBreak: false,
    });
  doc.restore();
  doc.page.margins.bottom = bottomMargin;
  TEXT_STATE.forEach((field, i) => (state[field] = saved[i]));
  doc.x = x;
  doc.y = y;
}

export function drawTickBox(doc: Doc, x: number, y: number, ticked: boolean): void {
  doc.save().lineWidth(0.8).rect(x, y, BOX, BOX).stroke();
  if (ticked) {
    doc
      .lineWidth(1.2)
      .moveTo(x + 1.8, y + 4.8)
      .lineTo(x + 3.9, y + 7.2)
      .lineTo(x + 7.6, y + 1.8)
      .stroke();
  }
  doc.restore();
}

function drawItem(doc: Doc, text: string, ticked: boolean): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc) - INDENT;
  doc.font(REGULAR).fontSize(10);
  ensureSpace(doc, doc.heightOfString(text, { width }));
  const y = doc.y;
  drawTickBox(doc, left + 2, y + 3, ticked);
  doc.text(text, left + INDENT, y, { width });
  doc.x = left;
}

function itemText(item: ChecklistItem, labels: ExportLabels, kind: 'document' | 'step'): string {
  if (kind === 'document')
    return item.onFile === true ? item.text + labels.aside(labels.onFileMarker) : item.text;
  if (!item.actor) return item.text;
  return item.text + labels.aside(`${labels.actor}${labels.colon}${labelOf(labels.actors, item.actor)}`);
}

function labelled(
  doc: Doc,
  labels: ExportLabels,
  label: string,
  value: string,
  options: PDFKit.Mixins.TextOptions = {},
): void {
  const left = doc.page.margins.left;
  doc
    .font(BOLD)
    .fontSize(10)
    .text(label + labels.colon, left, doc.y, { continued: true });
  doc.font(REGULAR).text(value, { ...options, width: contentWidth(doc) });
}

function drawTitlePage(doc: Doc, header: ExportHeader, labels: ExportLabels): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  doc.y = doc.page.height * 0.28;
  doc.font(BOLD).fontSize(24).text(labels.title, left, doc.y, { width });
  doc.moveDown(0.6);
  doc.font(BOLD).fontSize(18).text(header.organizationName, { width });
  doc.moveDown(1.2);
  labelled(doc, labels, labels.scope, header.scopeLabel);
  doc.moveDown(0.3);
  labelled(
    doc,
    labels,
    labels.generatedAt,
    `${formatInstant(header.generatedAt, header.timeZone)} (${header.timeZone})`,
  );
  doc.moveDown(2);
  doc.font(REGULAR).fontSize(10);
  drawItem(doc, `${labels.document} / ${labels.step}`, false);
  drawItem(doc, labels.onFileMarker, true);
}

function drawSectionHeading(doc: Doc, row: ChecklistRow, labels: ExportLabels): void {
  doc.addPage();
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  doc
    .font(BOLD)
    .fontSize(16)
    .text(row.miniProgram?.name ?? labels.organizationLevel, left, doc.y, { width });
  if (row.miniProgram) {
    doc
      .font(REGULAR)
      .fontSize(10)
      .fillColor(GREY)
      .text(`${labels.appId}: ${row.miniProgram.appId}`, { width });
    doc.fillColor('black');
  }
  const y = doc.y + 6;
  doc
    .save()
    .lineWidth(0.5)
    .moveTo(left, y)
    .lineTo(left + width, y)
    .stroke()
    .restore();
  doc.y = y + 10;
}

function drawDeadline(doc: Doc, row: ChecklistRow, labels: ExportLabels): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  ensureSpace(doc, 90);
  doc.font(BOLD).fontSize(12).text(row.requirementName, left, doc.y, { width });
  doc.moveDown(0.2);
  const facts = [
    `${labels.dueOn} ${row.dueOn}`,
    `${labels.actBy} ${row.actBy}`,
    `${labels.daysLeft} ${row.daysLeft}`,
    `${labels.state} ${labelOf(labels.states, row.state)}`,
  ].join('   ·   ');
  doc.font(REGULAR).fontSize(10).text(facts, { width });
  labelled(doc, labels, labels.whoMustAct, row.whoMustAct);

  if (row.documents.length > 0) {
    doc.moveDown(0.4);
    ensureSpace(doc, 30);
    doc.font(BOLD).fontSize(10).text(labels.documents, left, doc.y, { width });
    for (const item of row.documents) drawItem(doc, itemText(item, labels, 'document'), item.onFile === true);
  }
  if (row.steps.length > 0) {
    doc.moveDown(0.4);
    ensureSpace(doc, 30);
    doc.font(BOLD).fontSize(10).text(labels.steps, left, doc.y, { width });
    for (const item of row.steps) drawItem(doc, itemText(item, labels, 'step'), false);
  }
  if (row.consequence) {
    doc.moveDown(0.4);
    labelled(doc, labels, labels.consequence, row.consequence);
  }
  if (row.sourceUrl) {
    const link = /^https?:\/\//i.test(row.sourceUrl) ? row.sourceUrl : undefined;
    labelled(doc, labels, labels.source, row.sourceUrl, link ? { link, underline: true } : {});
  }
  doc.moveDown(1.2);
}

/**
 * pdfkit caches the glyph layout of every distinct word it has set, for the life of the document; Chinese
 * has no spaces, so nearly every line is a new "word" and the cache grows with the rows. Emptying it every
 * few rows keeps memory flat and keeps most of the speed (the labels are laid out again once).
 */
function clearLayoutCaches(doc: Doc): void {
  const families = (doc as unknown as { _fontFamilies: Record<string, { layoutCache?: object }> })
    ._fontFamilies;
  for (const font of Object.values(families)) {
    if (font.layoutCache) font.layoutCache = Object.create(null) as object;
  }
}

/**
 * An A4 document with Noto Sans SC registered (embedded as a subset, so Chinese renders anywhere) and
 * every page numbered in its footer; the first page is not added yet.
 */
export async function openA4Document(
  locale: ExportHeader['locale'],
  labels: ExportLabels,
  info: { Title: string; Subject: string; Author: string; generatedAt: Date },
): Promise<PDFKit.PDFDocument> {
  // loaded on first use: pdfkit and its font engine are a third of a CLI start that renders nothing
  const [fonts, { default: PDFDocument }] = await Promise.all([
    loadParsedCjkFonts(),
    import('pdfkit'),
  ]);
  const doc = new PDFDocument({
    size: 'A4',
    autoFirstPage: false,
    bufferPages: false,
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER_SPACE },
    lang: locale,
    displayTitle: true,
    info: {
      Title: info.Title,
      Subject: info.Subject,
      Author: info.Author,
      Creator: 'mp-guard',
      Producer: 'mp-guard (pdfkit)',
      CreationDate: info.generatedAt,
      ModDate: info.generatedAt,
    },
  });
  doc.registerFont(REGULAR, fonts.regular);
  doc.registerFont(BOLD, fonts.bold);
  let pageNumber = 0;
  doc.on('pageAdded', () => drawPageNumber(doc, ++pageNumber, labels));
  return doc;
}

/**
 * The checklist as a printable A4 PDF with Noto Sans SC embedded (subset), so Chinese renders anywhere:
 * a title page, then one section per mini-program starting on a new page, each deadline with its dates,
 * a drawn tick box before every document and step (ticked when the document is on file), the consequence
 * and the source. Pages are numbered as they are added ("第 N 页" / "Page N"): pdfkit flushes each page to
 * `out` when the next starts, and "of M" would need every page kept in memory (bufferPages).
 * Ends `out` when done; on failure destroys it and rethrows.
 */
export async function writeChecklistPdf(
  rows: AsyncIterable<ChecklistRow>,
  header: ExportHeader,
  out: Writable,
): Promise<void> {
  const labels = labelsFor(header.locale);
  const source = rows[Symbol.asyncIterator]();
  try {
    const doc = await openA4Document(header.locale, labels, {
      Title: `${labels.title} - ${header.organizationName}`,
      Subject: header.scopeLabel,
      Author: header.organizationName,
      generatedAt: header.generatedAt,
    });
    doc.pipe(out);
    const done = finished(out);
    done.catch(() => undefined);
    // The first rows are read while the title page is drawn, and the file's first bytes leave before
    // either: a download starts at once instead of after both.
    const next = source.next();
    next.catch(() => undefined);
    await yieldToEventLoop();

    doc.addPage();
    drawTitlePage(doc, header, labels);

    let key: string | undefined;
    let count = 0;
    const budget = new RenderBudget();
    for (let item = await next; !item.done; item = await source.next()) {
      const row = item.value;
      const rowKey = row.miniProgram ? `mp:${row.miniProgram.id}` : 'organization';
      if (rowKey !== key) {
        key = rowKey;
        drawSectionHeading(doc, row, labels);
      }
      drawDeadline(doc, row, labels);
      if (++count % CLEAR_CACHES_EVERY_ROWS === 0) clearLayoutCaches(doc);
      await budget.breathe(out);
    }
    if (count === 0) {
      doc.moveDown(2);
      doc.font(REGULAR).fontSize(12).text(labels.noDeadlines, doc.page.margins.left, doc.y);
    }
    doc.end();
    await done;
  } catch (error) {
    // as a for-await would: the source stops reading (its pages, its connection) when rendering fails
    await source.return?.().catch(() => undefined);
    failOutput(out, error);
  }
}
