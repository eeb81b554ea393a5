import { Controller, Get, HttpStatus, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../auth/src/auth-context.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { escapeHtml } from '../../domain/src/reminders/index.js';
import { LocalInbox } from './local-inbox.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The local inbox page: only with no SMTP_URL, and only to requests from this machine. */
@ApiExcludeController()
@Controller('inbox')
export class InboxController {
  constructor(
    private readonly inbox: LocalInbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private allowed(req: Request, res: Response): boolean {
    if (this.config.SMTP_URL || !LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      res
        .status(HttpStatus.NOT_FOUND)
        .json({ statusCode: 404, error: 'not_found', message: 'No local inbox here' });
      return false;
    }
    return true;
  }

  @Get()
  @Public()
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.allowed(req, res)) return;
    const { simpleParser } = await import('mailparser'); // loaded on first use: the CLI never needs it
    const mails = await Promise.all(
      (await this.inbox.list()).map(async ({ id, raw }) => ({ id, mail: await simpleParser(raw) })),
    );
    const rows = mails
      .map(
        ({ id, mail }) =>
          `<tr><td>${escapeHtml(mail.date?.toISOString() ?? '')}</td><td>${escapeHtml(
            [mail.to]
              .flat()
              .map((t) => t?.text ?? '')
              .join(', '),
          )}</td><td><a href="/inbox/${encodeURIComponent(id)}">${escapeHtml(mail.subject ?? '(no subject)')}</a></td></tr>`,
      )
      .join('');
    res
      .type('html')
      .send(
        `<!doctype html><html><head><meta charset="utf-8"><title>mp-guard local inbox</title></head><body style="font-family:sans-serif">` +
          `<h1>Local inbox (${mails.length})</h1><p>Mail mp-guard sent while no SMTP_URL is set, newest first. Files: ${escapeHtml(this.inbox.folder)}</p>` +
          `<table border="1" cellpadding="4" style="border-collapse:collapse"><tr><th>Date</th><th>To</th><th>Subject</th></tr>${rows}</table></body></html>`,
      );
  }

  @Get(':id')
  @Public()
  async show(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.allowed(req, res)) return;
    const raw = await this.inbox.read(id);
    if (!raw) {
      res.status(HttpStatus.NOT_FOUND).json({ statusCode: 404, error: 'not_found', message: 'No such mail' });
      return;
    }
    const { simpleParser } = await import('mailparser');
    const mail = await simpleParser(raw);
    const html = typeof mail.html === 'string' ? mail.html : `<pre>${escapeHtml(mail.text ?? '')}</pre>`;
    res.type('html').send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(mail.subject ?? '')}</title></head><body style="font-family:sans-serif">` +
        `<p><a href="/inbox">← inbox</a></p><h2>${escapeHtml(mail.subject ?? '')}</h2>` +
        `<p>To: ${escapeHtml(
          [mail.to]
            .flat()
            .map((t) => t?.text ?? '')
            .join(', '),
        )}<br>Message-ID: ${escapeHtml(mail.messageId ?? '')}</p>` +
        `<iframe sandbox="allow-popups allow-forms allow-top-navigation" style="width:100%;height:70vh;border:1px solid #ccc" srcdoc="${escapeHtml(html)}"></iframe></body></html>`,
    );
  }
}
