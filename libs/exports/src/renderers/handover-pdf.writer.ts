import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

import type { HandoverDeadline, HandoverPack } from '../../../domain/src/continuity/index.js';
import { BOLD, drawTickBox, openA4Document, REGULAR } from './checklist-pdf.writer.js';
import { formatInstant } from './dates.js';
import { handoverLabelsFor, type HandoverLabels } from './handover-labels.js';
import { labelOf, labelsFor, type ExportLabels } from './labels.js';
import { failOutput } from './stream-output.js';

const INDENT = 18;
const GREY = '#555555';

type Doc = PDFKit.PDFDocument;

const width = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  ensureSpace(doc, 60);
  const left = doc.page.margins.left;
  doc.moveDown(0.8);
  doc
    .font(BOLD)
    .fontSize(14)
    .fillColor('black')
    .text(text, left, doc.y, { width: width(doc) });
  const y = doc.y + 3;
  doc
    .save()
    .lineWidth(0.5)
    .moveTo(left, y)
    .lineTo(left + width(doc), y)
    .stroke()
    .restore();
  doc.y = y + 6;
}

function subheading(doc: Doc, text: string): void {
  ensureSpace(doc, 40);
  doc.moveDown(0.4);
  doc
    .font(BOLD)
    .fontSize(11)
    .text(text, doc.page.margins.left, doc.y, { width: width(doc) });
}

function line(doc: Doc, text: string, options: { grey?: boolean; indent?: number } = {}): void {
  const left = doc.page.margins.left + (options.indent ?? 0);
  doc
    .font(REGULAR)
    .fontSize(10)
    .fillColor(options.grey ? GREY : 'black')
    .text(text, left, doc.y, { width: width(doc) - (options.indent ?? 0) });
  doc.fillColor('black');
}

function labelled(doc: Doc, c: ExportLabels, label: string, value: string): void {
  doc
    .font(BOLD)
    .fontSize(10)
    .text(label + c.colon, doc.page.margins.left, doc.y, { continued: true, width: width(doc) });
  doc.font(REGULAR).text(value, { width: width(doc) });
}

function tickItem(doc: Doc, text: string, ticked: boolean): void {
  const left = doc.page.margins.left;
  doc.font(REGULAR).fontSize(10);
  ensureSpace(doc, doc.heightOfString(text, { width: width(doc) - INDENT }));
  const y = doc.y;
  drawTickBox(doc, left + 2, y + 3, ticked);
  doc.text(text, left + INDENT, y, { width: width(doc) - INDENT });
  doc.x = left;
}

const or = (value: string | null, l: HandoverLabels) => (value === null || value === '' ? l.none : value);

function drawDeadline(doc: Doc, d: HandoverDeadline, c: ExportLabels): void {
  subheading(doc, d.requirementName);
  line(
    doc,
    [
      `${c.dueOn} ${d.dueOn}`,
      `${c.actBy} ${d.actBy}`,
      `${c.daysLeft} ${d.daysLeft}`,
      `${c.state} ${labelOf(c.states, d.state)}`,
    ].join('   ·   '),
  );
  labelled(doc, c, c.whoMustAct, d.whoMustAct);
  if (d.documents.length) {
    line(doc, c.documents, { grey: true });
    for (const item of d.documents) {
      const onFile = item.onFile === true;
      tickItem(doc, onFile ? item.text + c.aside(c.onFileMarker) : item.text, onFile);
    }
  }
  if (d.steps.length) {
    line(doc, c.steps, { grey: true });
    for (const step of d.steps) {
      const actor = step.actor ? c.aside(`${c.actor}${c.colon}${labelOf(c.actors, step.actor)}`) : '';
      tickItem(doc, step.text + actor, false);
    }
  }
  if (d.consequence) labelled(doc, c, c.consequence, d.consequence);
  if (d.sourceUrl) labelled(doc, c, c.source, d.sourceUrl);
}

function drawPack(doc: Doc, pack: HandoverPack, l: HandoverLabels, c: ExportLabels): void {
  const left = doc.page.margins.left;
  doc
    .font(BOLD)
    .fontSize(20)
    .text(`${l.title}${c.colon}${pack.facts.name}`, left, doc.y, { width: width(doc) });
  doc.moveDown(0.3);
  labelled(doc, c, c.organization, pack.organizationName);
  labelled(doc, c, l.generatedAt, `${formatInstant(pack.generatedAt, pack.timeZone)} (${pack.timeZone})`);
  doc.moveDown(0.5);
  line(doc, l.intro);
  line(doc, pack.withheld ? `${l.noSecrets} ${l.withheld(pack.withheld)}` : l.noSecrets, { grey: true });

  const f = pack.facts;
  heading(doc, l.facts);
  labelled(doc, c, l.name, f.name);
  labelled(doc, c, l.appId, f.appId);
  labelled(doc, c, l.owner, f.ownerName);
  labelled(doc, c, l.creditCode, f.ownerCreditCode);
  labelled(doc, c, l.serviceCategories, or(f.serviceCategories.join(l.listSeparator), l));
  labelled(doc, c, l.certificationExpiresOn, or(f.certificationExpiresOn, l));
  labelled(doc, c, l.icpFilingNumber, or(f.icpFilingNumber, l));

  heading(doc, l.vendor);
  const v = pack.vendor;
  if (!v) line(doc, l.noVendor);
  else {
    labelled(doc, c, l.vendorName, v.name);
    labelled(doc, c, l.status, labelOf(l.statuses, v.status));
    labelled(doc, c, l.since, v.since);
    labelled(doc, c, l.reason, or(v.reason, l));
    labelled(doc, c, l.evidence, or(v.evidence, l));
    labelled(doc, c, l.contractEndsOn, or(v.contractEndsOn, l));
  }

  heading(doc, l.domains);
  if (!pack.domains.length) line(doc, l.noDomains);
  for (const d of pack.domains) {
    const cert = d.certificateExpiresOn
      ? `   ·   ${l.certificateExpiresOn} ${d.certificateExpiresOn}   ·   ${l.daysLeft} ${d.daysLeft}`
      : '';
    line(doc, d.domain + cert);
  }

  heading(doc, l.assets);
  if (!pack.assets.length) line(doc, l.noAssets);
  for (const a of pack.assets) {
    subheading(doc, `${l.kinds[a.kind]}${c.aside(`${l.holder}${c.colon}${l.holders[a.holder]}`)}`);
    line(doc, `${l.location}${c.colon}${or(a.location, l)}`, { indent: INDENT });
    line(doc, `${l.lastVerifiedOn}${c.colon}${or(a.lastVerifiedOn, l)}`, { indent: INDENT });
    if (a.notes) line(doc, `${l.notes}${c.colon}${a.notes}`, { indent: INDENT });
  }
  if (pack.unrecorded.length) {
    doc.moveDown(0.4);
    labelled(doc, c, l.unrecorded, pack.unrecorded.map((k) => l.kinds[k]).join(l.listSeparator));
  }
  const recoveries = [...new Map(pack.assets.filter((a) => a.recovery).map((a) => [a.kind, a])).values()];
  if (recoveries.length) {
    subheading(doc, l.recovery);
    for (const a of recoveries) tickItem(doc, `${l.kinds[a.kind]}${c.colon}${a.recovery}`, false);
  }

  heading(doc, l.deadlines);
  if (!pack.deadlines.length) line(doc, l.noDeadlines);
  for (const d of pack.deadlines) drawDeadline(doc, d, c);

  heading(doc, l.qualifications);
  if (!pack.qualifications.length) line(doc, l.noQualifications);
  for (const q of pack.qualifications) {
    subheading(doc, `${q.name} (${q.code})`);
    line(
      doc,
      [
        `${l.number}${c.colon}${or(q.number, l)}`,
        `${l.issuer}${c.colon}${or(q.issuer, l)}`,
        `${l.issuedOn}${c.colon}${or(q.issuedOn, l)}`,
        `${l.expiresOn}${c.colon}${or(q.expiresOn, l)}`,
        `${l.originalHeldBy}${c.colon}${labelOf(l.holders, q.originalHeldBy)}`,
      ].join('   ·   '),
      { indent: INDENT },
    );
  }

  heading(doc, l.contacts);
  for (const [title, list] of [
    [l.ownerContacts, pack.ownerContacts],
    [l.vendorContacts, pack.vendorContacts],
  ] as const) {
    subheading(doc, title);
    if (!list.length) line(doc, l.noContacts, { indent: INDENT });
    for (const p of list)
      line(doc, [p.name, labelOf(l.roles, p.role), p.email].join('   ·   '), { indent: INDENT });
  }
}

/**
 * The handover pack as an A4 PDF with Noto Sans SC embedded (subset), so Chinese renders anywhere; pages
 * numbered like the checklist's, steps and documents with tick boxes. A pack is one mini-program's worth
 * of text, so it is laid out in one go. Ends `out`; on failure destroys it and rethrows.
 */
export async function writeHandoverPdf(pack: HandoverPack, out: Writable): Promise<void> {
  const l = handoverLabelsFor(pack.locale);
  const c = labelsFor(pack.locale);
  try {
    const doc = await openA4Document(pack.locale, c, {
      Title: `${l.title} - ${pack.facts.name}`,
      Subject: pack.facts.appId,
      Author: pack.organizationName,
      generatedAt: pack.generatedAt,
    });
    doc.pipe(out);
    const done = finished(out);
    done.catch(() => undefined);
    doc.addPage();
    drawPack(doc, pack, l, c);
    doc.end();
    await done;
  } catch (error) {
    failOutput(out, error);
  }
}
