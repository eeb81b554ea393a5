import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { OutboundGuard } from '../../common/src/outbound-guard.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import type { RobotRequest } from '../../domain/src/channels/index.js';

export interface RobotAnswer {
  status: number;
  text: string;
}

/** No answer at all: refused address, timeout, connection error. Never carries the URL (it holds the key). */
export class RobotUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RobotUnreachableError';
  }
}

const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The one seam through which mp-guard posts to a robot or webhook. The host is judged by the
 * OutboundGuard (public addresses only unless OUTBOUND_ALLOW_CIDRS allows) and the admitted address is
 * dialled exactly, with no second lookup; redirects are not followed; the whole exchange has a hard
 * timeout (CHANNEL_TIMEOUT_MS); the answer is read up to 64 KB.
 */
@Injectable()
export class RobotHttpClient {
  constructor(
    private readonly guard: OutboundGuard,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async post(req: RobotRequest): Promise<RobotAnswer> {
    const host = req.url.hostname.replace(/^\[|\]$/g, '');
    let decision;
    try {
      decision = await this.guard.admit(host);
    } catch (error) {
      throw new RobotUnreachableError(
        `${(error as NodeJS.ErrnoException).code ?? 'ERROR'}: no address for the host`,
      );
    }
    if (!decision.allowed)
      throw new RobotUnreachableError(
        `the host resolves to ${decision.address} (${decision.kind}), not a public address: not contacted`,
      );
    const { address, family } = decision;
    const secure = req.url.protocol === 'https:';
    const body = Buffer.from(req.body, 'utf8');
    return new Promise<RobotAnswer>((resolve, reject) => {
      const options: https.RequestOptions = {
        method: 'POST',
        host: isIP(host) ? host : req.url.hostname,
        port: req.url.port || (secure ? 443 : 80),
        path: `${req.url.pathname}${req.url.search}`,
        headers: { ...req.headers, 'content-length': String(body.length), 'user-agent': 'mp-guard' },
        servername: secure && !isIP(host) ? host : undefined,
        agent: false,
        lookup: ((_h: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) =>
          opts?.all ? cb(null, [{ address, family }]) : cb(null, address, family)) as never,
      };
      const request = (secure ? https : http).request(options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(new RobotUnreachableError(e.message));
        });
      });
      const timer = setTimeout(() => {
        request.destroy(new RobotUnreachableError(`no answer within ${this.config.CHANNEL_TIMEOUT_MS} ms`));
      }, this.config.CHANNEL_TIMEOUT_MS);
      request.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(e instanceof RobotUnreachableError ? e : new RobotUnreachableError(e.code ?? e.message));
      });
      request.end(body);
    });
  }
}
