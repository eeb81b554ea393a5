import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { SMTPServer } from 'smtp-server';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { Clock } from '../../common/src/clock.js';

/**
 * With no SMTP_URL the app receives its own mail: an SMTP server on loopback that files every message
 * under DATA_DIR/inbox, shown at /inbox. When another mp-guard process of the same data folder already
 * listens on the port (the CLI beside `npm start`), that one is used.
 */
@Injectable()
export class LocalInbox implements OnApplicationShutdown {
  private readonly logger = new Logger('LocalInbox');
  private server: SMTPServer | null = null;
  readonly folder: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.folder = path.resolve(config.DATA_DIR, 'inbox');
  }

  /** Starts (or finds) the inbox and answers the URL to send to. */
  async start(): Promise<string> {
    await mkdir(this.folder, { recursive: true });
    const { SMTPServer } = await import('smtp-server'); // not loaded by commands that send nothing
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      banner: 'mp-guard local inbox',
      size: 10 * 1024 * 1024,
      logger: false,
      onData: (stream, _session, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const name = `${this.clock.now().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`;
          writeFile(path.join(this.folder, name), Buffer.concat(chunks)).then(
            () => done(),
            (error: Error) => done(error),
          );
        });
      },
    });
    const port = this.config.LOCAL_SMTP_PORT;
    const listening = await new Promise<boolean>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') resolve(false);
        else reject(error);
      });
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (listening) {
      this.server = server;
      const address = server.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      this.logger.log(`Local inbox listening on 127.0.0.1:${actual}, filing mail in ${this.folder}`);
      return `smtp://127.0.0.1:${actual}`;
    }
    this.logger.log(`Local inbox port ${port} is taken: sending to the inbox already listening there`);
    return `smtp://127.0.0.1:${port}`;
  }

  /** Newest first. */
  async list(limit = 200): Promise<{ id: string; raw: Buffer }[]> {
    let names: string[];
    try {
      names = (await readdir(this.folder)).filter((n) => n.endsWith('.eml'));
    } catch {
      return [];
    }
    names.sort().reverse();
    return Promise.all(
      names.slice(0, limit).map(async (id) => ({ id, raw: await readFile(path.join(this.folder, id)) })),
    );
  }

  /**
   * Every captured mail, newest first, with the Message-ID it was sent with (read from its header block
   * only): what the console's inbox needs to tell whose mail it is before reading any mail in full.
   */
  async index(): Promise<{ id: string; messageId: string | null }[]> {
    let names: string[];
    try {
      names = (await readdir(this.folder)).filter((n) => /^[\w-]+\.eml$/.test(n));
    } catch {
      return [];
    }
    names.sort().reverse();
    return Promise.all(names.map(async (id) => ({ id, messageId: messageIdOf(await this.head(id)) })));
  }

  private async head(id: string): Promise<string> {
    const file = await open(path.join(this.folder, id), 'r');
    try {
      const buffer = Buffer.alloc(16 * 1024);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      return buffer.subarray(0, bytesRead).toString('latin1');
    } finally {
      await file.close();
    }
  }

  async read(id: string): Promise<Buffer | null> {
    if (!/^[\w-]+\.eml$/.test(id)) return null;
    try {
      return await readFile(path.join(this.folder, id));
    } catch {
      return null;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The Message-ID header of a raw mail's header block (folded lines unfolded), or null. */
export function messageIdOf(raw: string): string | null {
  const end = raw.search(/\r?\n\r?\n/);
  const headers = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:[ \t]*(<[^<>\s]+>)/im.exec(headers);
  return m ? m[1] : null;
}
