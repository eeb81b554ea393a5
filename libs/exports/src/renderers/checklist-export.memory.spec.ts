import type { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { describe, expect, it } from '@jest/globals';

import type { ChecklistRow, ExportHeader } from './checklist-row.js';
import { countingSink, generatedRows, headerFor } from './checklist-rows.fixture.js';
import { writeChecklistCsv } from './checklist-csv.writer.js';
import { writeChecklistXlsx } from './checklist-xlsx.writer.js';

type Writer = (rows: AsyncIterable<ChecklistRow>, header: ExportHeader, out: Writable) => Promise<void>;

const ROWS = 10_000;
/**
 * Peak growth of live memory (heap and buffers, after a full GC) allowed while exporting 10,000 deadlines.
 * Measured on 2026-12-01: CSV 2.9-3.6 MB and XLSX 12.7-16.6 MB when streaming; 18.3 MB and 40.9 MB when every
 * written chunk is kept (the bug of buffering the whole file), so these bounds tell the two apart.
 */
const CSV_BOUND_MB = 12;
const XLSX_BOUND_MB = 32;

// Live memory, not garbage: heapUsed between collections depends on when V8 chose to collect (this spec once
// read 83 MB on a busy machine for the same CSV that retains a few MB), so each sample is taken after a full GC.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const liveHeap = (): number => {
  collect();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

async function measure(write: Writer, count: number): Promise<{ ms: number; peakMb: number; bytes: number }> {
  const baseline = liveHeap();
  let peak = baseline;
  const sample = (): void => {
    peak = Math.max(peak, liveHeap());
  };
  async function* sampled(): AsyncGenerator<ChecklistRow> {
    let i = 0;
    for await (const row of generatedRows(count)) {
      if (++i % 2000 === 0) sample();
      yield row;
    }
  }
  const sink = countingSink();
  const started = process.hrtime.bigint();
  await write(sampled(), headerFor('zh-CN'), sink.out);
  sample();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const result = { ms: Math.round(ms), peakMb: Math.round((peak - baseline) / 1e5) / 10, bytes: sink.size() };
  process.stdout.write(`${write.name}: ${count} rows, ${JSON.stringify(result)}\n`);
  return result;
}

describe('exports of 10,000 deadlines', () => {
  it(`streams CSV with live memory growth under ${CSV_BOUND_MB} MB`, async () => {
    const result = await measure(writeChecklistCsv, ROWS);
    expect(result.bytes).toBeGreaterThan(ROWS * 500);
    expect(result.peakMb).toBeLessThan(CSV_BOUND_MB);
  }, 60_000);

  it(`streams XLSX with live memory growth under ${XLSX_BOUND_MB} MB`, async () => {
    const result = await measure(writeChecklistXlsx, ROWS);
    expect(result.bytes).toBeGreaterThan(ROWS * 50);
    expect(result.peakMb).toBeLessThan(XLSX_BOUND_MB);
  }, 60_000);
});
