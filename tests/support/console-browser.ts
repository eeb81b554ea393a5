import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import request from 'supertest';
import { createApp } from '../../apps/bootstrap.js';
import { OrganizationService } from '../../libs/auth/src/organization.service.js';
import type { AuthContext } from '../../libs/auth/src/auth-context.js';
import { type Clock } from '../../libs/common/src/clock.js';
import { loadConfig } from '../../libs/config/src/app-config.js';
import { PeopleService } from '../../libs/people/src/people.service.js';
import { DeliveryService } from '../../libs/reminders/src/delivery.service.js';
import { freePort } from './free-port.js';
import { SmtpSink } from './smtp-sink.js';
import { createTestDatabase } from './test-database.js';

/** Screenshots of every page land here (gitignored); look at them after a run. */
export const SCREENSHOTS = path.resolve('test-output/console');

export interface ConsoleOrg {
  id: string;
  bearer: string;
  ctx: AuthContext;
}

/** The real app listening on its own port and database, mailing to a real SMTP server, for a real browser. */
export class ConsoleHarness {
  private constructor(
    readonly app: NestExpressApplication,
    readonly baseUrl: string,
    readonly sink: SmtpSink,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  static async start(clock: Clock, env: Record<string, string> = {}): Promise<ConsoleHarness> {
    const db = await createTestDatabase();
    const sink = await SmtpSink.start();
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      DB_POOL_SIZE: '6',
      SMTP_URL: sink.url(),
      PUBLIC_URL: baseUrl,
      PORT: String(port),
      ...env,
    });
    const app = await createApp({ config, databaseUrl: db.url, roles: { api: true, worker: false }, clock });
    await app.listen(port, '127.0.0.1');
    return new ConsoleHarness(app, baseUrl, sink, db.drop);
  }

  http() {
    return request(this.baseUrl);
  }

  async createOrg(name: string): Promise<ConsoleOrg> {
    const { organization, apiKey } = await this.app.get(OrganizationService).create({ name });
    return {
      id: organization.id,
      bearer: `Bearer ${apiKey.key}`,
      ctx: {
        organizationId: organization.id,
        timeZone: organization.timeZone,
        locale: organization.locale,
        actorType: 'cli',
        actorId: null,
        actorLabel: 'test setup',
      },
    };
  }

  /** A person with a password and a role in the organization, made through the invitation flow's service. */
  async person(
    org: ConsoleOrg,
    email: string,
    role: string,
    password = 'correct horse battery',
  ): Promise<{ email: string; password: string }> {
    const people = this.app.get(PeopleService);
    const { link } = await people.invite(org.ctx, { email, role }, { mail: false });
    await people.accept(link.split('/').pop()!, 'invite', { name: email.split('@')[0], password });
    return { email, password };
  }

  /** Sends everything in the outbox now, through the real SMTP server. */
  deliver(now: () => Date) {
    return this.app.get(DeliveryService).deliverDue(now, () => 0.5);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.sink.stop();
    await this.dropDatabase();
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

/** A fresh browser profile (no cookies) that fails the test on any dialog: injected script must never run. */
export async function newContext(browser: Browser, locale = 'zh-CN'): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  context.on('page', (page) => watchDialogs(page));
  return context;
}

export const dialogs: string[] = [];
function watchDialogs(page: Page) {
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
}

/** Page objects: what a person does, in their words. */
export const person = {
  async signIn(page: Page, baseUrl: string, who: { email: string; password: string }, path = '/console') {
    await page.goto(`${baseUrl}${path}`);
    if (!page.url().includes('/console/sign-in')) return;
    await page.locator('#f-email').fill(who.email);
    await page.locator('#f-password').fill(who.password);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('form[action="/console/sign-in"] button[type=submit]').click(),
    ]);
  },
  async signOut(page: Page) {
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('form[action="/console/sign-out"] button').click(),
    ]);
  },
};

export interface AxeFinding {
  page: string;
  id: string;
  impact: string | null | undefined;
  nodes: number;
}

/** Runs axe-core on the page and returns the serious and critical violations (there should be none). */
export async function seriousViolations(page: Page, name: string): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ page: name, id: v.id, impact: v.impact, nodes: v.nodes.length }));
}

/** Saves the page at desktop and phone width (full page), then restores the desktop width. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const files: string[] = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    const file = path.join(SCREENSHOTS, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return files;
}

/** The session cookie's value in a browser context. */
export async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies()).find((c) => c.name === 'mpg_session')?.value;
}
