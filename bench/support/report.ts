import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { type Summary, formatSummary } from './stats.js';

/** One line of the results table. */
export interface ResultRow {
  work: string;
  size: string;
  figure: string;
  unit: string;
  value: Summary;
  /** The best possible way of doing the same work, measured in the same run. */
  baseline?: { label: string; value: Summary };
  /** value / baseline (medians), or the ratio the goal is stated in. */
  ratio?: number;
  goal: string;
  /** null: reported, no goal. */
  met: boolean | null;
  digits?: number;
}

export interface BenchResult {
  name: string;
  rows: ResultRow[];
  /** Paragraphs for the report: what was measured, how, and why a goal was missed. */
  notes: string[];
  seconds: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  postgresSettings: string;
  os: string;
}

export function machine(postgres: string, postgresSettings: string, embedded: boolean): Machine {
  let os = `${process.platform} ${process.arch}`;
  try {
    os = /^PRETTY_NAME="?([^"\n]+)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // not Linux
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres: `${postgres}${embedded ? ' (embedded, same machine)' : ' (DATABASE_URL)'}`,
    postgresSettings,
    os,
  };
}

const fmt = (s: Summary, digits: number) => formatSummary(s, digits);

export function renderReport(input: {
  machine: Machine;
  sizeName: string;
  sizesNote: string;
  command: string;
  startedAt: Date;
  seconds: number;
  results: BenchResult[];
  preamble: string[];
  loadAtStart: number;
}): string {
  const m = input.machine;
  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(...input.preamble, '');
  lines.push('## This run', '');
  lines.push(
    `- Command: \`${input.command}\` (size \`${input.sizeName}\`), ${input.startedAt.toISOString()}`,
  );
  lines.push(`- Took ${Math.round(input.seconds)} s in all`);
  lines.push(
    `- Load average (1 min) at start ${input.loadAtStart.toFixed(2)}, at the end ${loadavg()[0].toFixed(2)}, ` +
      `on ${m.cores} cores: anything above 0 is other work sharing the machine`,
  );
  lines.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB memory, ${m.os}`);
  lines.push(`- Node.js ${m.node}; PostgreSQL ${m.postgres}`);
  lines.push(`- PostgreSQL settings: ${m.postgresSettings}`);
  lines.push(`- Sizes: ${input.sizesNote}`);
  lines.push('');
  lines.push(
    'Figures are the median of the runs with the range (min–max) in brackets. The ratio compares medians ' +
      'of the app and of its baseline, both measured in this run, interleaved run by run.',
    '',
  );
  lines.push('| Work | Size | Figure | Median (range) | Baseline: median (range) | Ratio | Goal | Met |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const r of input.results.flatMap((b) => b.rows)) {
    const d = r.digits ?? 1;
    const baseline = r.baseline ? `${r.baseline.label}: ${fmt(r.baseline.value, d)} ${r.unit}` : '–';
    const ratio = r.ratio === undefined ? '–' : `${r.ratio.toFixed(2)}×`;
    const met = r.met === null ? 'reported' : r.met ? '**yes**' : '**no**';
    lines.push(
      `| ${r.work} | ${r.size} | ${r.figure} | ${fmt(r.value, d)} ${r.unit} | ${baseline} | ${ratio} | ${r.goal} | ${met} |`,
    );
  }
  lines.push('');
  for (const b of input.results) {
    lines.push(`## ${b.name}`, '');
    for (const n of b.notes) lines.push(n, '');
    lines.push(`(${Math.round(b.seconds)} s including data generation.)`, '');
  }
  return lines.join('\n');
}
