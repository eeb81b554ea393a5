import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { LocalInbox } from './local-inbox.js';
import { parseSmtpUrl } from './smtp-url.js';

export interface OutgoingMail {
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  response: string;
}

/**
 * The one seam to SMTP: a pooled nodemailer transport to SMTP_URL, or to the local inbox. Services never
 * touch nodemailer; tests swap the server behind SMTP_URL, never this class.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger('MailTransport');
  private transporter: ReturnType<typeof createTransport> | null = null;
  private starting: Promise<void> | null = null;
  private target = '';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly inbox: LocalInbox,
  ) {}

  /** Where mail goes, without credentials. */
  describe(): { kind: 'smtp' | 'local-inbox'; target: string } {
    return { kind: this.config.SMTP_URL ? 'smtp' : 'local-inbox', target: this.target };
  }

  private ready(): Promise<void> {
    this.starting ??= (async () => {
      const url = this.config.SMTP_URL ?? (await this.inbox.start());
      const target = parseSmtpUrl(url);
      this.target = target.display;
      this.transporter = createTransport({
        pool: true,
        host: target.host,
        port: target.port,
        secure: target.secure,
        auth: target.auth,
        maxConnections: this.config.SMTP_POOL_SIZE,
        maxMessages: 500,
        connectionTimeout: this.config.SMTP_TIMEOUT_MS,
        greetingTimeout: this.config.SMTP_TIMEOUT_MS,
        socketTimeout: this.config.SMTP_TIMEOUT_MS,
        // The local inbox speaks plain SMTP on loopback; a real server must offer valid TLS.
        ignoreTLS: !this.config.SMTP_URL,
        tls: { rejectUnauthorized: true },
        logger: false,
      });
      this.logger.log(`Mail goes to ${this.target}`);
    })();
    return this.starting;
  }

  async start(): Promise<void> {
    await this.ready();
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    await this.ready();
    const info = (await this.transporter!.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      headers: mail.headers,
    })) as { messageId: string; response: string; rejected?: unknown[] };
    if (info.rejected && info.rejected.length > 0) {
      throw Object.assign(new Error(`Recipient rejected: ${info.response}`), { responseCode: 550 });
    }
    return { messageId: info.messageId, response: info.response };
  }

  /** Checks the server accepts a connection and our credentials (used to resume after an auth pause). */
  async verify(): Promise<void> {
    await this.ready();
    await this.transporter!.verify();
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
    this.transporter = null;
    this.starting = null;
  }
}
