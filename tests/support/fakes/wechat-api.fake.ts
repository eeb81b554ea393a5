import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for api.weixin.qq.com speaking the documented protocol of the three calls mp-guard
 * makes, checked as the docs describe them:
 * - POST /cgi-bin/stable_token, JSON {grant_type: 'client_credential', appid, secret, force_refresh?}
 *   -> {access_token, expires_in}. Normal mode returns the token still valid (with its remaining life);
 *   force_refresh true replaces it (and is counted: mp-guard must never do it).
 * - POST /cgi-bin/account/getaccountbasicinfo?access_token= -> {errcode 0, ..., wx_verify_info}.
 * - GET /wxa/icp/get_icp_entrance_info?access_token= -> {errcode 0, info: {status, ...}}.
 * Errors are HTTP 200 with errcode/errmsg, as WeChat answers them: 40013 invalid appid, 40125 invalid
 * appsecret, 40164 not in the IP whitelist (naming the caller's address as WeChat does), 40001 invalid
 * token, 42001 expired token, 48001 api unauthorized, 45009 daily quota, -1 system busy.
 */

export interface FakeMiniProgram {
  appId: string;
  secret: string;
  wxVerifyInfo: {
    qualification_verify: boolean;
    naming_verify?: boolean;
    annual_review?: boolean;
    annual_review_begin_time?: number;
    annual_review_end_time?: number;
  };
  icp: { status: number; is_canceling?: boolean; available?: number; audit_data?: unknown[] };
  nickname?: string;
  /** Calls this mini-program may not make (answered 48001). */
  unauthorized?: ('getaccountbasicinfo' | 'get_icp_entrance_info')[];
}

interface IssuedToken {
  appId: string;
  expiresAt: number;
  expired: boolean;
}

export interface FakeRequest {
  method: string;
  path: string;
  /** The body as received, with any secret replaced: the fake's own log must not hold one either. */
  body: Record<string, unknown> | null;
}

const rid = () => `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;

export class FakeWechatApi {
  readonly apps = new Map<string, FakeMiniProgram>();
  readonly requests: FakeRequest[] = [];
  tokenRequests = 0;
  forceRefreshes = 0;
  /** Seconds a new token lives (WeChat: 7200). */
  tokenLifetime = 7200;
  /** Answer every call with 40164 unless the caller's address is listed. */
  whitelist: string[] | null = null;
  /** Answer the next n calls with -1 (system busy). */
  busy = 0;
  /** Answer stable_token with 45009 (daily quota reached). */
  quotaExceeded = false;
  /** Expire the token right after this many successful getaccountbasicinfo answers (a token dying mid-sync). */
  expireTokenAfterBasicInfo: number | null = null;
  /** Hold each stable_token answer this long (lets concurrent syncs overlap). */
  tokenDelayMs = 0;
  /** Hold every answer this long (timeouts). */
  delayMs = 0;
  private readonly tokens = new Map<string, IssuedToken>();
  private server: Server | null = null;
  private port = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  add(app: FakeMiniProgram): this {
    this.apps.set(app.appId, app);
    return this;
  }

  /** The admin reset the AppSecret (开发管理 > 开发设置): the old one stops working, and so do its tokens. */
  resetSecret(appId: string): string {
    const app = this.apps.get(appId)!;
    app.secret = randomBytes(16).toString('hex');
    this.expireTokens(appId);
    return app.secret;
  }

  expireTokens(appId: string): void {
    for (const t of this.tokens.values()) if (t.appId === appId) t.expired = true;
  }

  tokenRequestsFor(appId: string): number {
    return this.requests.filter((r) => r.path === '/cgi-bin/stable_token' && r.body?.appid === appId).length;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    let body: Record<string, unknown> | null = null;
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return this.answer(res, { errcode: 47001, errmsg: `data format error rid: ${rid()}` });
      }
    }
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      body: body && 'secret' in body ? { ...body, secret: '[present]' } : body,
    });
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const caller = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (this.whitelist && !this.whitelist.includes(caller)) {
      return this.answer(res, {
        errcode: 40164,
        errmsg: `invalid ip ${caller} ipv6 ::ffff:${caller}, not in whitelist rid: ${rid()}`,
      });
    }
    if (this.busy > 0) {
      this.busy--;
      return this.answer(res, { errcode: -1, errmsg: `system error rid: ${rid()}` });
    }
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'POST /cgi-bin/stable_token':
        return this.stableToken(res, body ?? {});
      case 'POST /cgi-bin/account/getaccountbasicinfo':
        return this.withToken(res, url, 'getaccountbasicinfo', (app) => {
          const answer = {
            errcode: 0,
            errmsg: 'ok',
            appid: app.appId,
            account_type: 3,
            principal_type: 1,
            principal_name: '示例主体',
            realname_status: 1,
            wx_verify_info: app.wxVerifyInfo,
            nickname: app.nickname ?? app.appId,
            customer_type: app.wxVerifyInfo.qualification_verify ? 1 : 0,
          };
          if (this.expireTokenAfterBasicInfo !== null && --this.expireTokenAfterBasicInfo <= 0) {
            this.expireTokenAfterBasicInfo = null;
            this.expireTokens(app.appId);
          }
          return answer;
        });
      case 'GET /wxa/icp/get_icp_entrance_info':
        return this.withToken(res, url, 'get_icp_entrance_info', (app) => ({
          errcode: 0,
          errmsg: 'ok',
          info: app.icp,
        }));
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  }

  private async stableToken(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    this.tokenRequests++;
    if (this.tokenDelayMs) await new Promise((r) => setTimeout(r, this.tokenDelayMs));
    if (body.grant_type !== 'client_credential') {
      return this.answer(res, { errcode: 40002, errmsg: `invalid grant_type rid: ${rid()}` });
    }
    if (body.force_refresh !== undefined && typeof body.force_refresh !== 'boolean') {
      return this.answer(res, { errcode: 47001, errmsg: `data format error rid: ${rid()}` });
    }
    const app = typeof body.appid === 'string' ? this.apps.get(body.appid) : undefined;
    if (!app) return this.answer(res, { errcode: 40013, errmsg: `invalid appid rid: ${rid()}` });
    if (body.secret !== app.secret) {
      return this.answer(res, { errcode: 40125, errmsg: `invalid appsecret rid: ${rid()}` });
    }
    if (this.quotaExceeded) {
      return this.answer(res, { errcode: 45009, errmsg: `reach max api daily quota limit rid: ${rid()}` });
    }
    const now = this.now();
    if (body.force_refresh === true) {
      this.forceRefreshes++;
      this.expireTokens(app.appId);
    } else {
      for (const [token, t] of this.tokens) {
        if (t.appId === app.appId && !t.expired && t.expiresAt > now) {
          return this.answer(res, {
            access_token: token,
            expires_in: Math.floor((t.expiresAt - now) / 1000),
          });
        }
      }
    }
    const token = `fake-token-${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { appId: app.appId, expiresAt: now + this.tokenLifetime * 1000, expired: false });
    return this.answer(res, { access_token: token, expires_in: this.tokenLifetime });
  }

  private withToken(
    res: ServerResponse,
    url: URL,
    api: 'getaccountbasicinfo' | 'get_icp_entrance_info',
    answer: (app: FakeMiniProgram) => Record<string, unknown>,
  ): void {
    const issued = this.tokens.get(url.searchParams.get('access_token') ?? '');
    if (!issued) {
      return this.answer(res, {
        errcode: 40001,
        errmsg: `invalid credential, access_token is invalid or not latest rid: ${rid()}`,
      });
    }
    if (issued.expired || issued.expiresAt <= this.now()) {
      return this.answer(res, { errcode: 42001, errmsg: `access_token expired rid: ${rid()}` });
    }
    const app = this.apps.get(issued.appId)!;
    if (app.unauthorized?.includes(api)) {
      return this.answer(res, { errcode: 48001, errmsg: `api unauthorized rid: ${rid()}` });
    }
    return this.answer(res, answer(app));
  }

  private answer(res: ServerResponse, body: Record<string, unknown>): void {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  }
}
