import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import {
  type IcpEntranceInfo,
  RETRYABLE_CODES,
  type WechatApi,
  type WxVerifyInfo,
} from '../../domain/src/wechat/index.js';

/** WeChat answered with an error code (HTTP 200, `errcode` in the body). */
export class WechatApiError extends Error {
  constructor(
    readonly api: WechatApi,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${api}: ${errcode} ${errmsg}`);
    this.name = 'WechatApiError';
  }
}

/** No answer worth reading: timeout, connection refused, HTTP 5xx, not JSON. */
export class WechatUnreachableError extends Error {
  constructor(
    readonly api: WechatApi,
    readonly reason: string,
  ) {
    super(`${api}: ${reason}`);
    this.name = 'WechatUnreachableError';
  }
}

export interface StableToken {
  accessToken: string;
  expiresIn: number;
}

export interface AccountBasicInfo {
  appid?: string;
  account_type?: number;
  principal_type?: number;
  principal_name?: string;
  realname_status?: number;
  nickname?: string;
  credential?: string;
  customer_type?: number;
  wx_verify_info?: WxVerifyInfo;
}

interface Envelope {
  errcode?: number;
  errmsg?: string;
}

/**
 * The WeChat API behind one seam: three calls, all to WECHAT_API_BASE_URL and nowhere else (paths are
 * constants and redirects are refused). Every request has a hard timeout; a timeout, a refused connection,
 * an HTTP 5xx or WeChat's "system busy" (-1) is retried WECHAT_RETRIES times with doubling pauses; any other
 * error code is an answer and is thrown at once as WechatApiError. Tokens and secrets travel only in the
 * request and are never part of an error message.
 */
@Injectable()
export class WechatApiClient {
  private readonly base: URL;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.base = new URL(config.WECHAT_API_BASE_URL.replace(/\/?$/, '/'));
  }

  /** POST /cgi-bin/stable_token in normal mode (force_refresh false: a vendor backend sharing the secret keeps its token). */
  async stableToken(appId: string, secret: string, signal?: AbortSignal): Promise<StableToken> {
    const body = await this.call<{ access_token?: string; expires_in?: number }>(
      'stable_token',
      'POST',
      'cgi-bin/stable_token',
      null,
      { grant_type: 'client_credential', appid: appId, secret, force_refresh: false },
      signal,
    );
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new WechatUnreachableError('stable_token', 'answer without access_token and expires_in');
    }
    return { accessToken: body.access_token, expiresIn: body.expires_in };
  }

  /** POST /cgi-bin/account/getaccountbasicinfo: certification (wx_verify_info) and the review window. */
  accountBasicInfo(accessToken: string, signal?: AbortSignal): Promise<AccountBasicInfo> {
    return this.call(
      'getaccountbasicinfo',
      'POST',
      'cgi-bin/account/getaccountbasicinfo',
      accessToken,
      {},
      signal,
    );
  }

  /** GET /wxa/icp/get_icp_entrance_info: the mini-program filing status. */
  async icpEntranceInfo(accessToken: string, signal?: AbortSignal): Promise<IcpEntranceInfo> {
    const body = await this.call<{ info?: IcpEntranceInfo }>(
      'get_icp_entrance_info',
      'GET',
      'wxa/icp/get_icp_entrance_info',
      accessToken,
      null,
      signal,
    );
    if (!body.info || typeof body.info.status !== 'number') {
      throw new WechatUnreachableError('get_icp_entrance_info', 'answer without info.status');
    }
    return body.info;
  }

  private async call<T>(
    api: WechatApi,
    method: 'GET' | 'POST',
    path: string,
    accessToken: string | null,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<T & Envelope> {
    const url = new URL(path, this.base);
    if (accessToken !== null) url.searchParams.set('access_token', accessToken);
    let last: Error = new WechatUnreachableError(api, 'not called');
    for (let attempt = 0; attempt <= this.config.WECHAT_RETRIES; attempt++) {
      if (attempt > 0) await sleep(200 * 2 ** (attempt - 1), undefined, { signal });
      signal?.throwIfAborted();
      const timeout = AbortSignal.timeout(this.config.WECHAT_TIMEOUT_MS);
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, {
          method,
          redirect: 'error',
          headers: body === null ? {} : { 'content-type': 'application/json' },
          body: body === null ? undefined : JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        text = await res.text();
      } catch (error) {
        signal?.throwIfAborted();
        last = new WechatUnreachableError(
          api,
          timeout.aborted ? `no answer within ${this.config.WECHAT_TIMEOUT_MS} ms` : causeOf(error),
        );
        continue;
      }
      if (res.status >= 500) {
        last = new WechatUnreachableError(api, `HTTP ${res.status}`);
        continue;
      }
      if (!res.ok) throw new WechatUnreachableError(api, `HTTP ${res.status}`);
      let parsed: T & Envelope;
      try {
        parsed = JSON.parse(text) as T & Envelope;
      } catch {
        throw new WechatUnreachableError(api, 'answer is not JSON');
      }
      const errcode = typeof parsed.errcode === 'number' ? parsed.errcode : 0;
      if (errcode === 0) return parsed;
      last = new WechatApiError(api, errcode, String(parsed.errmsg ?? ''));
      if (!RETRYABLE_CODES.has(errcode)) throw last;
    }
    throw last;
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
