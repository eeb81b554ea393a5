import type { Writable } from 'node:stream';

import { describe, expect, it } from '@jest/globals';

import type { ChecklistRow, ExportHeader } from './checklist-row.js';
import { countingSink, generatedRows, headerFor } from './checklist-rows.fixture.js';
import { writeChecklistCsv } from './checklist-csv.writer.js';
import { writeChecklistXlsx } from './checklist-xlsx.writer.js';

type Writer = (rows: AsyncIterable<ChecklistRow>, header: ExportHeader, out: Writable) => Promise<void>;

const ROWS = 10_000;
/**
 * Peak heap growth allowed while exporting 10,000 deadlines (60,000 CSV lines, 1,000 mini-program sheets).
 * Measured: CSV about 18 MB, XLSX 30-40 MB; holding all rows or an in-memory workbook would exceed it.
 */
const HEAP_BOUND_MB = 64;

async function measure(write: Writer, count: number): Promise<{ ms: number; peakMb: number; bytes: number }> {
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  async function* sampled(): AsyncGenerator<ChecklistRow> {
    let i = 0;
    for await (const row of generatedRows(count)) {
      if (++i % 100 === 0) sample();
      yield row;
    }
  }
  const timer = setInterval(sample, 5);
  const sink = countingSink();
  const started = process.hrtime.bigint();
  try {
    await write(sampled(), headerFor('zh-CN'), sink.out);
  } finally {
    clearInterval(timer);
  }
  sample();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const result = { ms: Math.round(ms), peakMb: Math.round((peak - baseline) / 1e5) / 10, bytes: sink.size() };
  process.stdout.write(`${write.name}: ${count} rows, ${JSON.stringify(result)}\n`);
  return result;
}

describe('exports of 10,000 deadlines', () => {
  it(`streams CSV with peak heap growth under ${HEAP_BOUND_MB} MB`, async () => {
    const result = await measure(writeChecklistCsv, ROWS);
    expect(result.bytes).toBeGreaterThan(ROWS * 500);
    expect(result.peakMb).toBeLessThan(HEAP_BOUND_MB);
  }, 60_000);

  it(`streams XLSX with peak heap growth under ${HEAP_BOUND_MB} MB`, async () => {
    const result = await measure(writeChecklistXlsx, ROWS);
    expect(result.bytes).toBeGreaterThan(ROWS * 50);
    expect(result.peakMb).toBeLessThan(HEAP_BOUND_MB);
  }, 60_000);
});
