import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port.js';

export type SinkMode = 'accept' | 'tempfail' | 'auth';

/**
 * A real SMTP server on loopback (the smtp-server package) that keeps every message it accepts and parses
 * it back with mailparser. Its behaviour can be switched mid-test: accept, answer 421, or demand
 * credentials; addresses can be made to bounce with 550; it can be stopped and started on the same port.
 */
export class SmtpSink {
  readonly messages: ParsedMail[] = [];
  readonly raw: Buffer[] = [];
  mode: SinkMode = 'accept';
  /** Parse each mail with mailparser (off for bulk tests, which read the raw Message-ID only). */
  parse = true;
  /** Milliseconds to wait before answering DATA, to keep sends in flight. */
  dataDelayMs = 0;
  readonly bounce = new Set<string>();
  credentials = { user: 'mpguard', pass: 'right-password' };
  attempts = 0;
  /** Connection errors after listening (ECONNRESET from a killed client...), kept rather than thrown. */
  readonly socketErrors: string[] = [];
  private server: SMTPServer | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink(await freePort());
    await sink.listen();
    return sink;
  }

  /** The SMTP_URL for the app; with `withAuth` it carries the given password. */
  url(withAuth?: { pass: string }): string {
    return withAuth
      ? `smtp://${this.credentials.user}:${encodeURIComponent(withAuth.pass)}@127.0.0.1:${this.port}`
      : `smtp://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, done) => {
        if (auth.username === this.credentials.user && auth.password === this.credentials.pass)
          done(null, { user: auth.username });
        else done(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
      },
      onMailFrom: (_address, session, done) => {
        this.attempts++;
        if (this.mode === 'tempfail')
          return done(Object.assign(new Error('Try again later'), { responseCode: 421 }));
        if (this.mode === 'auth' && !session.user)
          return done(Object.assign(new Error('Authentication required'), { responseCode: 530 }));
        done();
      },
      onRcptTo: (address, _session, done) => {
        if (this.bounce.has(address.address.toLowerCase())) {
          return done(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        }
        done();
      },
      onData: (stream, _session, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const accept = () => {
            this.raw.push(raw);
            if (!this.parse) return done();
            simpleParser(raw).then(
              (mail) => {
                this.messages.push(mail);
                done();
              },
              (error: Error) => done(error),
            );
          };
          if (this.dataDelayMs > 0) setTimeout(accept, this.dataDelayMs);
          else accept();
        });
      },
    });
    // Every connection error reaches the server's 'error' event (a worker killed mid-send resets its
    // sockets, one ECONNRESET per connection): a listener for each, not just the first, or the next one
    // is an unhandled 'error' that fails whichever suite is running.
    let listening = false;
    const started = new Promise<void>((resolve, reject) => {
      server.on('error', (error: NodeJS.ErrnoException) => {
        if (!listening) reject(error);
        else this.socketErrors.push(error.code ?? error.message);
      });
      server.listen(this.port, '127.0.0.1', () => {
        listening = true;
        resolve();
      });
    });
    await started;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Message-IDs of every accepted mail, read from the raw headers. */
  messageIds(): string[] {
    return this.raw.map((r) => /^Message-ID:\s*(<[^>]+>)/im.exec(r.toString('latin1'))?.[1] ?? '');
  }

  to(address: string): ParsedMail[] {
    return this.messages.filter((m) =>
      [m.to].flat().some((t) => t?.value.some((v) => v.address === address)),
    );
  }
}

/** A parsed header value as text (mailparser types headers loosely). */
export function headerText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
