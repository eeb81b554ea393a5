import type { Writable } from 'node:stream';

import type { HandoverDeadline, HandoverPack } from '../../../domain/src/continuity/index.js';
import { escapeMarkdown } from './checklist-markdown.writer.js';
import { formatInstant } from './dates.js';
import { handoverLabelsFor, type HandoverLabels } from './handover-labels.js';
import { labelOf, labelsFor, type ExportLabels } from './labels.js';
import { endOutput, failOutput, writeChunk } from './stream-output.js';

const cell = (value: string | null | undefined, l: HandoverLabels) =>
  value === null || value === undefined || value === '' ? l.none : escapeMarkdown(value);

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |\n`;
  return line(head) + line(head.map(() => '---')) + rows.map(line).join('') + '\n';
}

function facts(pack: HandoverPack, l: HandoverLabels, c: ExportLabels): string {
  const f = pack.facts;
  const item = (label: string, value: string | null) => `- ${label}${c.colon}${cell(value, l)}\n`;
  return (
    `## ${l.facts}\n\n` +
    item(l.name, f.name) +
    item(l.appId, f.appId) +
    item(l.owner, f.ownerName) +
    item(l.creditCode, f.ownerCreditCode) +
    item(l.serviceCategories, f.serviceCategories.join(l.listSeparator)) +
    item(l.certificationExpiresOn, f.certificationExpiresOn) +
    item(l.icpFilingNumber, f.icpFilingNumber) +
    '\n'
  );
}

function vendor(pack: HandoverPack, l: HandoverLabels, c: ExportLabels): string {
  const v = pack.vendor;
  if (!v) return `## ${l.vendor}\n\n${l.noVendor}\n\n`;
  const item = (label: string, value: string | null) => `- ${label}${c.colon}${cell(value, l)}\n`;
  return (
    `## ${l.vendor}\n\n` +
    item(l.vendorName, v.name) +
    item(l.status, labelOf(l.statuses, v.status)) +
    item(l.since, v.since) +
    item(l.reason, v.reason) +
    item(l.evidence, v.evidence) +
    item(l.contractEndsOn, v.contractEndsOn) +
    '\n'
  );
}

function domains(pack: HandoverPack, l: HandoverLabels): string {
  if (!pack.domains.length) return `## ${l.domains}\n\n${l.noDomains}\n\n`;
  return (
    `## ${l.domains}\n\n` +
    table(
      [l.domain, l.certificateExpiresOn, l.daysLeft],
      pack.domains.map((d) => [
        cell(d.domain, l),
        cell(d.certificateExpiresOn, l),
        d.daysLeft === null ? l.none : String(d.daysLeft),
      ]),
    )
  );
}

function assets(pack: HandoverPack, l: HandoverLabels, c: ExportLabels): string {
  let md = `## ${l.assets}\n\n`;
  if (!pack.assets.length) md += `${l.noAssets}\n\n`;
  else {
    md += table(
      [l.kind, l.holder, l.location, l.lastVerifiedOn, l.notes],
      pack.assets.map((a) => [
        escapeMarkdown(l.kinds[a.kind]),
        escapeMarkdown(l.holders[a.holder]),
        cell(a.location, l),
        cell(a.lastVerifiedOn, l),
        cell(a.notes, l),
      ]),
    );
  }
  if (pack.unrecorded.length) {
    md += `${l.unrecorded}${c.colon}${pack.unrecorded.map((k) => escapeMarkdown(l.kinds[k])).join(l.listSeparator)}\n\n`;
  }
  const recoveries = [...new Map(pack.assets.filter((a) => a.recovery).map((a) => [a.kind, a])).values()];
  if (recoveries.length) {
    md += `### ${l.recovery}\n\n`;
    for (const a of recoveries)
      md += `- [ ] **${escapeMarkdown(l.kinds[a.kind])}**${c.colon}${escapeMarkdown(a.recovery!)}\n`;
    md += '\n';
  }
  return md;
}

function deadline(d: HandoverDeadline, c: ExportLabels): string {
  let md = `### ${escapeMarkdown(d.requirementName)}\n\n`;
  md += table(
    [c.dueOn, c.actBy, c.daysLeft, c.state, c.whoMustAct],
    [
      [
        d.dueOn,
        d.actBy,
        String(d.daysLeft),
        escapeMarkdown(labelOf(c.states, d.state)),
        escapeMarkdown(d.whoMustAct),
      ],
    ],
  );
  if (d.documents.length) {
    md += `**${c.documents}**\n\n`;
    for (const doc of d.documents) {
      const done = doc.onFile === true;
      md += `- [${done ? 'x' : ' '}] ${escapeMarkdown(doc.text)}${done ? c.aside(c.onFileMarker) : ''}\n`;
    }
    md += '\n';
  }
  if (d.steps.length) {
    md += `**${c.steps}**\n\n`;
    for (const step of d.steps) {
      const actor = step.actor ? c.aside(`${c.actor}${c.colon}${labelOf(c.actors, step.actor)}`) : '';
      md += `- [ ] ${escapeMarkdown(step.text)}${actor}\n`;
    }
    md += '\n';
  }
  if (d.consequence) md += `**${c.consequence}**${c.colon}${escapeMarkdown(d.consequence)}\n\n`;
  if (d.sourceUrl) md += `**${c.source}**${c.colon}${escapeMarkdown(d.sourceUrl)}\n\n`;
  return md;
}

function qualifications(pack: HandoverPack, l: HandoverLabels): string {
  if (!pack.qualifications.length) return `## ${l.qualifications}\n\n${l.noQualifications}\n\n`;
  return (
    `## ${l.qualifications}\n\n` +
    table(
      [l.requirement, l.number, l.issuer, l.issuedOn, l.expiresOn, l.originalHeldBy],
      pack.qualifications.map((q) => [
        `${cell(q.name, l)} (${escapeMarkdown(q.code)})`,
        cell(q.number, l),
        cell(q.issuer, l),
        cell(q.issuedOn, l),
        cell(q.expiresOn, l),
        escapeMarkdown(labelOf(l.holders, q.originalHeldBy)),
      ]),
    )
  );
}

function contacts(pack: HandoverPack, l: HandoverLabels): string {
  let md = `## ${l.contacts}\n\n`;
  for (const [title, list] of [
    [l.ownerContacts, pack.ownerContacts],
    [l.vendorContacts, pack.vendorContacts],
  ] as const) {
    md += `### ${title}\n\n`;
    if (!list.length) md += `${l.noContacts}\n\n`;
    else
      md += table(
        [l.person, l.role, l.email],
        list.map((p) => [cell(p.name, l), escapeMarkdown(labelOf(l.roles, p.role)), cell(p.email, l)]),
      );
  }
  return md;
}

/**
 * The handover pack as GitHub-flavoured Markdown: facts, vendor, domains, assets with their custody and
 * recovery steps, open deadlines with their checklists, qualifications and contacts. All user text is
 * escaped, so nothing in the register can become a link, an image or HTML.
 */
export function renderHandoverMarkdown(pack: HandoverPack): string {
  const l = handoverLabelsFor(pack.locale);
  const c = labelsFor(pack.locale);
  let md =
    `# ${l.title}${c.colon}${escapeMarkdown(pack.facts.name)}\n\n` +
    `- ${c.organization}${c.colon}${escapeMarkdown(pack.organizationName)}\n` +
    `- ${l.generatedAt}${c.colon}${formatInstant(pack.generatedAt, pack.timeZone)} (${escapeMarkdown(pack.timeZone)})\n\n` +
    `${l.intro}\n\n> ${l.noSecrets}${pack.withheld ? ` ${l.withheld(pack.withheld)}` : ''}\n\n`;
  md += facts(pack, l, c) + vendor(pack, l, c) + domains(pack, l) + assets(pack, l, c);
  md += `## ${l.deadlines}\n\n`;
  md += pack.deadlines.length ? pack.deadlines.map((d) => deadline(d, c)).join('') : `${l.noDeadlines}\n\n`;
  md += qualifications(pack, l) + contacts(pack, l);
  return md.replace(/\n+$/, '\n');
}

/** Writes the Markdown pack to `out` and ends it; on failure destroys it and rethrows. */
export async function writeHandoverMarkdown(pack: HandoverPack, out: Writable): Promise<void> {
  try {
    await writeChunk(out, renderHandoverMarkdown(pack));
    await endOutput(out);
  } catch (error) {
    failOutput(out, error);
  }
}
