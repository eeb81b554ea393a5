/**
 * A worker job run once at start and then every `everyMs`: a look while the previous run is still going is
 * skipped (never two at once in this process), and stop() aborts the run in flight through its signal and
 * waits for it. `job` handles its own errors; the lock across processes is the job's business.
 */
export class PeriodicRun {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private readonly stopping = new AbortController();

  constructor(
    private readonly everyMs: number,
    private readonly job: (signal: AbortSignal) => Promise<void>,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.look(), this.everyMs);
    this.look();
  }

  look(): void {
    if (this.stopping.signal.aborted || this.running) return;
    this.running = this.job(this.stopping.signal).finally(() => (this.running = null));
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    clearInterval(this.timer);
    await this.running;
  }
}
