import { Writable } from 'node:stream';

import { describe, expect, it } from '@jest/globals';

import type { ChecklistRow, ExportHeader } from './checklist-row.js';
import { generatedRows, headerFor } from './checklist-rows.fixture.js';
import { writeChecklistCsv } from './checklist-csv.writer.js';
import { writeChecklistXlsx } from './checklist-xlsx.writer.js';

type Writer = (rows: AsyncIterable<ChecklistRow>, header: ExportHeader, out: Writable) => Promise<void>;

const ROWS = 10_000;
/**
 * A streaming export holds what the reader has not taken yet, a few chunks, and reads no further
 * ahead: with a reader that takes nothing, the writers stop after a few hundred deadlines (CSV: one
 * 256 KB flush is ~170 deadlines; XLSX: its queue of 2,000 spooled rows). An export that builds the
 * whole file in memory, or writes without waiting for the reader, reads all 10,000 first.
 *
 * This replaces a heap measurement that depended on what else lived in the test process's heap.
 */
const MAX_ROWS_READ_AHEAD = 4_000;

/** A reader that takes nothing until `release()`: a phone on a stalled connection. */
function stalledReader(): { out: Writable; release: () => void; bytes: () => number } {
  let held: Array<() => void> | null = [];
  let bytes = 0;
  const out = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (held) held.push(callback);
      else callback();
    },
  });
  const release = (): void => {
    const waiting = held ?? [];
    held = null;
    for (const callback of waiting) callback();
  };
  return { out, release, bytes: () => bytes };
}

/** Waits until `value()` has not changed for `quietTurns` turns of the event loop (I/O included). */
async function settled(value: () => number, quietTurns = 200): Promise<number> {
  let last = value();
  let quiet = 0;
  while (quiet < quietTurns) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const now = value();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  return last;
}

async function readAhead(write: Writer): Promise<{ readWhileStalled: number; readInTotal: number; bytes: number }> {
  let read = 0;
  async function* counted(): AsyncGenerator<ChecklistRow> {
    for await (const row of generatedRows(ROWS)) {
      read++;
      yield row;
    }
  }
  const reader = stalledReader();
  const done = write(counted(), headerFor('zh-CN'), reader.out);
  const readWhileStalled = await settled(() => read);
  reader.release();
  await done;
  return { readWhileStalled, readInTotal: read, bytes: reader.bytes() };
}

describe('exports of 10,000 deadlines to a reader that stalls', () => {
  it('CSV stops reading deadlines until the reader takes what was written', async () => {
    const result = await readAhead(writeChecklistCsv);
    expect(result.readWhileStalled).toBeLessThan(MAX_ROWS_READ_AHEAD);
    expect(result.readInTotal).toBe(ROWS);
    expect(result.bytes).toBeGreaterThan(ROWS * 500);
  }, 60_000);

  it('XLSX stops reading deadlines until the reader takes what was written', async () => {
    const result = await readAhead(writeChecklistXlsx);
    expect(result.readWhileStalled).toBeLessThan(MAX_ROWS_READ_AHEAD);
    expect(result.readInTotal).toBe(ROWS);
    expect(result.bytes).toBeGreaterThan(ROWS * 50);
  }, 60_000);
});
