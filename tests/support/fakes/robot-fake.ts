import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a test can make the next request(s) get, in turn. */
export type Scripted = 'ok' | 'rate_limit' | '5xx' | 'invalid_token';

export interface RobotRequestSeen {
  /** The fake's clock when the request arrived (the test's injected clock). */
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: string;
  body: Record<string, unknown> | null;
}

export interface Answer {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * The shared machinery of the robot fakes: a loopback HTTP server that reads each request whole, asks
 * the platform's fake to check it exactly as the platform documents (path, query, Content-Type, JSON
 * shape, signature recomputed, timestamp window, size, rate limit), and answers as the platform would.
 * Tests can script the next answers (success, rate limit, 5xx, invalid token) and hold an answer to
 * keep a post in flight. `received` holds the messages the "group" would show (answered ok);
 * `violations` any request that broke the documented protocol (a test expects it empty).
 */
export abstract class RobotFake {
  readonly received: RobotRequestSeen[] = [];
  readonly requests: (RobotRequestSeen & { answered: number | null })[] = [];
  readonly violations: string[] = [];
  private readonly script: Scripted[] = [];
  private holds: { release: () => void; arrived: () => void; wait: Promise<void> }[] = [];
  private server: Server | null = null;
  private port = 0;

  constructor(protected readonly now: () => number = () => Date.now()) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next requests get these answers, in turn, whatever they are (after them: the real checks). */
  answerNext(...answers: Scripted[]): this {
    this.script.push(...answers);
    return this;
  }

  /**
   * The next request is checked and recorded, then its answer waits until `release()`. `arrived`
   * resolves when it came in.
   */
  hold(): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    const arrivedP = new Promise<void>((r) => (arrived = r));
    let release!: () => void;
    const wait = new Promise<void>((r) => (release = r));
    this.holds.push({ release, arrived, wait });
    return { arrived: arrivedP, release };
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const h of this.holds) h.release();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  /** Messages accepted in the sliding minute (or second) ending at `at`, for the fake's own rate limit. */
  protected acceptedWithin(ms: number, at: number, same: (r: RobotRequestSeen) => boolean): number {
    return this.received.filter((r) => same(r) && r.at > at - ms && r.at <= at).length;
  }

  /** The platform's checks; returns the answer for a request that breaks them, or null when it is valid. */
  protected abstract check(req: RobotRequestSeen): Answer | null;
  /** The platform's answer to a scripted outcome (or 'ok' for a valid request). */
  protected abstract answer(kind: Scripted): Answer;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: Record<string, unknown> | null;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      body = null;
    }
    const seen: RobotRequestSeen = {
      at: this.now(),
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      raw,
      body,
    };
    const entry = { ...seen, answered: null as number | null };
    this.requests.push(entry);
    const hold = this.holds.shift();
    hold?.arrived();
    let answer: Answer;
    const scripted = this.script.shift();
    const problem = this.check(seen);
    if (problem) {
      this.violations.push(`${seen.method} ${seen.path}: ${problem.body}`);
      answer = problem;
    } else if (scripted && scripted !== 'ok') {
      answer = this.answer(scripted);
    } else {
      this.received.push(seen);
      answer = this.answer('ok');
    }
    if (hold) await hold.wait;
    entry.answered = answer.status;
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
    res.end(answer.body);
  }
}

export const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

export function jsonContentType(headers: IncomingMessage['headers']): boolean {
  return /^application\/json\b/i.test(String(headers['content-type'] ?? ''));
}
