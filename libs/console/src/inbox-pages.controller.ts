import { Controller, Get, Inject, Param, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/src/auth-context.js';
import { DomainError } from '../../common/src/domain.error.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { LocalInbox } from '../../mail/src/local-inbox.js';
import { MailTransport } from '../../mail/src/mail-transport.js';
import { ConsoleGuard, NeedsRole, Page, type SignedInRequest } from './console-context.js';
import { ConsoleErrorFilter } from './console-error.filter.js';
import { formFields } from './form-input.js';
import { type CapturedMailFacts, HistoryQueries } from './history-queries.service.js';
import { type InboxMail, inboxListPage, inboxMailPage } from './views/inbox-pages.js';

const PAGE_SIZE = 50;

/**
 * The local inbox of the embedded setup (no SMTP_URL), for administrators: the mail mp-guard captured
 * for the current organization only. A captured mail belongs to the organization whose delivery carries
 * its Message-ID (given when the reminder was planned); any other mail, of another organization or of
 * another database, is not listed and its page is the same 404 as a mail that does not exist.
 */
@ApiExcludeController()
@Public()
@UseGuards(ConsoleGuard)
@UseFilters(ConsoleErrorFilter)
@Controller('console/inbox')
export class InboxPagesController {
  constructor(
    private readonly inbox: LocalInbox,
    private readonly transport: MailTransport,
    private readonly queries: HistoryQueries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @NeedsRole('admin')
  async list(@Page() c: SignedInRequest, @Query() raw: Record<string, unknown>, @Res() res: Response) {
    const filters = formFields(raw, ['recipient', 'offset']);
    const offset = /^\d{1,7}$/.test(filters.offset ?? '') ? Number(filters.offset) : 0;
    const page = { total: 0, limit: PAGE_SIZE, offset };
    const base = { filters, folder: this.inbox.folder, page };
    if (this.config.SMTP_URL) {
      const target = this.transport.describe().target || new URL(this.config.SMTP_URL).host;
      res.type('html').send(inboxListPage(c, { ...base, notLocal: target, mails: [] }));
      return;
    }
    const index = await this.inbox.index();
    const facts = await this.mine(c, index);
    const needle = filters.recipient?.toLowerCase();
    const matching = index.filter((e) => {
      const f = e.messageId ? facts.get(e.messageId) : undefined;
      return f && (!needle || `${f.name} <${f.email}>`.toLowerCase().includes(needle));
    });
    const mails = await Promise.all(
      matching
        .slice(offset, offset + PAGE_SIZE)
        .map(async (e) => (await this.open(e.id, facts.get(e.messageId!)!))!),
    );
    res.type('html').send(
      inboxListPage(c, {
        ...base,
        notLocal: null,
        mails: mails.filter((m) => m !== null),
        page: { ...page, total: matching.length },
      }),
    );
  }

  @Get(':id')
  @NeedsRole('admin')
  async show(@Page() c: SignedInRequest, @Param('id') id: string, @Res() res: Response) {
    if (this.config.SMTP_URL || !/^[\w-]+\.eml$/.test(id)) throw DomainError.notFound('Page');
    const entry = (await this.inbox.index()).find((e) => e.id === id);
    const fact = entry?.messageId ? (await this.mine(c, [entry])).get(entry.messageId) : undefined;
    const mail = fact ? await this.open(id, fact) : null;
    if (!mail) throw DomainError.notFound('Page');
    res.type('html').send(inboxMailPage(c, mail));
  }

  private async mine(
    c: SignedInRequest,
    index: { messageId: string | null }[],
  ): Promise<Map<string, CapturedMailFacts>> {
    const ids = [...new Set(index.map((e) => e.messageId).filter((m): m is string => m !== null))];
    const facts = await this.queries.capturedMail(c.ctx, ids);
    return new Map(facts.map((f) => [f.message_id, f]));
  }

  private async open(id: string, f: CapturedMailFacts): Promise<(InboxMail & { text: string }) | null> {
    const raw = await this.inbox.read(id);
    if (!raw) return null;
    const { simpleParser } = await import('mailparser'); // loaded on first use: the CLI never needs it
    const mail = await simpleParser(raw);
    return {
      id,
      subject: mail.subject ?? '',
      sentAt: f.sent_at ?? mail.date ?? null, // the app's clock, as recorded at send; the Date header is the machine's
      to: `${f.name} <${f.email}>`,
      kind: f.kind,
      stage: f.stage,
      plannedDay: f.trigger_on,
      deadlineId: f.deadline_id,
      text: mail.text ?? '',
    };
  }
}
