import type { Writable } from 'node:stream';

import type { ChecklistRow, ExportHeader } from './checklist-row.js';
import { formatInstant } from './dates.js';
import { labelOf, labelsFor, type ExportLabels } from './labels.js';
import { endOutput, failOutput, writeChunk } from './stream-output.js';

const FLUSH_AT = 64 * 1024;

const WORD = /[\p{L}\p{N}]/u;

/**
 * Makes user text inert inline Markdown with a backslash only where Markdown would read structure:
 * characters that open code, emphasis, strikethrough, links or images (`[`), HTML (`<`) and table cells
 * (`|`); `_` only at a word edge (inside a word it never emphasises); `&` only where it would start an
 * entity; `#`, `>`, `+`, `-`, `=` and `1.` only at the start. Line breaks fold into spaces, so text cannot
 * start a block. A web address in free text is kept from becoming a GFM autolink by one backslash
 * (`http\://`, `www\.`), so a vendor name cannot put a link to anywhere in the file; an e-mail address
 * stays as written (GFM links it to exactly that address).
 */
export function escapeMarkdown(value: string): string {
  return escapeMarkdownText(value)
    .replace(/\b(https?):(?=\/\/)/gi, '$1\\:')
    .replace(/\b(www)\./gi, '$1\\.');
}

/** `escapeMarkdown` without the autolink defusing: for the text of a link mp-guard makes itself. */
function escapeMarkdownText(value: string): string {
  const text = value.replace(/[\r\n]+/g, ' ');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ('\\`*[]<|~'.includes(ch)) out += `\\${ch}`;
    else if (ch === '_' && !(WORD.test(text[i - 1] ?? '') && WORD.test(text[i + 1] ?? ''))) out += '\\_';
    else if (ch === '&' && /^&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(text.slice(i))) out += '\\&';
    else out += ch;
  }
  return out.replace(/^([#>+\-=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A URL as a link target: only http(s), with spaces and parentheses percent-encoded. */
function markdownLink(url: string): string {
  if (!/^https?:\/\/\S+$/i.test(url)) return escapeMarkdown(url);
  const target = url.replace(/[()<> ]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  // inside link text GFM makes no autolink: the URL is shown as written
  return `[${escapeMarkdownText(url)}](${target})`;
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
      // the heading and first deadline go out at once, so a download starts before the rest is read
      if (count === 1 || pending.length >= FLUSH_AT) {
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
