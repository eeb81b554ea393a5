import type { Writable } from 'node:stream';

export class DestinationClosedError extends Error {
  constructor() {
    super('The export destination closed before the export was complete');
    this.name = 'DestinationClosedError';
  }
}

/** Node's codes for a write to, or a wait on, a stream whose other end has gone. */
const GONE_CODES = new Set([
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
  'EPIPE',
  'ECONNRESET',
]);

/**
 * Whether an export failed because its destination went away (a client that closed the download, as
 * `curl -OJ` does when the file exists) rather than because of a fault of ours.
 */
export function isDestinationGone(error: unknown): boolean {
  if (error instanceof DestinationClosedError) return true;
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && GONE_CODES.has(code)) return true;
  return cause !== undefined && cause !== error && isDestinationGone(cause);
}

/** Writes a chunk and, when the destination's buffer is full, waits until it drains (or fails). */
export async function writeChunk(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new DestinationClosedError();
  if (out.write(chunk)) return;
  await waitForDrain(out);
}

export function waitForDrain(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.reject(new DestinationClosedError());
  if (!out.writableNeedDrain) return Promise.resolve();
  return settleOn(out, 'drain', () => false);
}

/** Ends the destination and resolves once everything written has been flushed. */
export function endOutput(out: Writable): Promise<void> {
  if (out.writableFinished) return Promise.resolve();
  if (out.destroyed) return Promise.reject(new DestinationClosedError());
  const done = settleOn(out, 'finish', () => out.writableFinished);
  if (!out.writableEnded) out.end();
  return done;
}

/**
 * Resolves on `event`, rejects on 'error', and on 'close' resolves only if `closedCleanly()` says the
 * work was done; the listeners are removed whichever comes first.
 */
function settleOn(out: Writable, event: 'drain' | 'finish', closedCleanly: () => boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      out.off(event, onEvent);
      out.off('error', onError);
      out.off('close', onClose);
    };
    const onEvent = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      if (closedCleanly()) resolve();
      else reject(new DestinationClosedError());
    };
    out.on(event, onEvent);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

/**
 * Lets queued I/O callbacks (zlib, the socket) run. Rows from an in-memory async generator resolve on
 * microtasks only, so without this a writer that buffers internally (exceljs, pdfkit) would never flush.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Hands the event loop back at least every `ms` milliseconds of rendering, and notices a destination
 * that went away or wants to drain, checked on every call. Counting rows instead let a PDF hold the
 * loop for 50 rows (half a second on a loaded machine): the next request on the process waited that
 * long for its first byte, and a client that had gone was noticed only after 50 rows more.
 */
export class RenderBudget {
  private since = performance.now();

  constructor(private readonly ms = 20) {}

  async breathe(out: Writable): Promise<void> {
    await waitForDrain(out);
    if (performance.now() - this.since < this.ms) return;
    await yieldToEventLoop();
    await waitForDrain(out);
    this.since = performance.now();
  }
}

/**
 * A failed export must not look like a complete file: the destination is destroyed (an HTTP response is
 * then aborted, not ended) and the error is rethrown to the caller. Destroyed without the error, so a
 * destination nobody listens to for 'error' cannot crash the process.
 */
export function failOutput(out: Writable, error: unknown): never {
  if (!out.destroyed) out.destroy();
  throw error instanceof Error ? error : new Error(String(error), { cause: error });
}
