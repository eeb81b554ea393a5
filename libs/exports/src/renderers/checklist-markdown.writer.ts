import type { Writable } from 'node:stream';

import type { ChecklistRow, ExportHeader } from './checklist-row.js';
import { formatInstant } from './dates.js';
import { labelOf, labelsFor, type ExportLabels } from './labels.js';
import { endOutput, failOutput, writeChunk } from './stream-output.js';

const FLUSH_AT = 64 * 1024;

/**
 * Makes user text inert inline Markdown: backslash-escapes every character that can open emphasis, code,
 * links, images, HTML, entities or break a table cell, defuses GFM autolinks (`http://`, `www.`, e-mail
 * addresses) and folds line breaks into spaces so text cannot start a new block.
 */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()<>|!#~&@:]/g, '\\$&')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/^([+\-=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A URL as a link target: only http(s), with spaces and parentheses percent-encoded. */
function markdownLink(url: string): string {
  if (!/^https?:\/\/\S+$/i.test(url)) return escapeMarkdown(url);
  const target = url.replace(/[()<> ]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${escapeMarkdown(url)}](${target})`;
}

function tableRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |\n`;
}

function deadlineSection(row: ChecklistRow, labels: ExportLabels): string {
  let md = `### ${escapeMarkdown(row.requirementName)}\n\n`;
  md += tableRow([
    labels.dueOn,
    labels.actBy,
    labels.windowOpensOn,
    labels.daysLeft,
    labels.state,
    labels.whoMustAct,
  ]);
  md += tableRow(['---', '---', '---', '---:', '---', '---']);
  md += tableRow([
    row.dueOn,
    row.actBy,
    row.windowOpensOn,
    String(row.daysLeft),
    escapeMarkdown(labelOf(labels.states, row.state)),
    escapeMarkdown(row.whoMustAct),
  ]);
  md += '\n';
  if (row.documents.length > 0) {
    md += `**${labels.documents}**\n\n`;
    for (const doc of row.documents) {
      const done = doc.onFile === true;
      md += `- [${done ? 'x' : ' '}] ${escapeMarkdown(doc.text)}${done ? labels.aside(labels.onFileMarker) : ''}\n`;
    }
    md += '\n';
  }
  if (row.steps.length > 0) {
    md += `**${labels.steps}**\n\n`;
    for (const step of row.steps) {
      const actor = step.actor
        ? labels.aside(`${labels.actor}${labels.colon}${labelOf(labels.actors, step.actor)}`)
        : '';
      md += `- [ ] ${escapeMarkdown(step.text)}${actor}\n`;
    }
    md += '\n';
  }
  if (row.consequence) md += `**${labels.consequence}**${labels.colon}${escapeMarkdown(row.consequence)}\n\n`;
  if (row.sourceUrl) md += `**${labels.source}**${labels.colon}${markdownLink(row.sourceUrl)}\n\n`;
  return md;
}

function miniProgramHeading(row: ChecklistRow, labels: ExportLabels): string {
  if (!row.miniProgram) return `## ${escapeMarkdown(labels.organizationLevel)}\n\n`;
  const { name, appId } = row.miniProgram;
  return `## ${escapeMarkdown(name)}\n\n${labels.appId}: ${escapeMarkdown(appId)}\n\n`;
}

/**
 * The checklist as GitHub-flavoured Markdown for a wiki or an issue: a heading per mini-program, a
 * section per deadline with a table of its dates, and documents and steps as task lists (`- [x]` when a
 * document is on file). All user text is escaped. Ends `out` when done; on failure destroys it and rethrows.
 */
export async function writeChecklistMarkdown(
  rows: AsyncIterable<ChecklistRow>,
  header: ExportHeader,
  out: Writable,
): Promise<void> {
  const labels = labelsFor(header.locale);
  try {
    let pending =
      `# ${labels.title}: ${escapeMarkdown(header.organizationName)}\n\n` +
      `- ${labels.scope}: ${escapeMarkdown(header.scopeLabel)}\n` +
      `- ${labels.generatedAt}: ${formatInstant(header.generatedAt, header.timeZone)} (${escapeMarkdown(header.timeZone)})\n\n`;
    let key: string | undefined;
    let count = 0;
    for await (const row of rows) {
      const rowKey = row.miniProgram ? `mp:${row.miniProgram.id}` : 'organization';
      if (rowKey !== key) {
        key = rowKey;
        pending += miniProgramHeading(row, labels);
      }
      pending += deadlineSection(row, labels);
      count++;
      if (pending.length >= FLUSH_AT) {
        await writeChunk(out, pending);
        pending = '';
      }
    }
    if (count === 0) pending += `${labels.noDeadlines}\n`;
    await writeChunk(out, pending);
    await endOutput(out);
  } catch (error) {
    failOutput(out, error);
  }
}
