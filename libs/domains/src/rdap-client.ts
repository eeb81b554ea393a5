import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import tls from 'node:tls';
import { Inject, Injectable } from '@nestjs/common';
import { OutboundGuard } from '../../common/src/outbound-guard.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { type RdapReading, readRdapDomain, topLevelDomain } from '../../domain/src/domains/index.js';

/**
 * Built-in RDAP servers, from IANA's RDAP bootstrap registry for DNS (RFC 9224,
 * https://data.iana.org/rdap/dns.json, entries "com" and "net", read 2026-12-01). .cn is not listed
 * there (CNNIC publishes no RDAP service in it), so .cn and every other TLD need RDAP_BASE_URL.
 */
export const BOOTSTRAP_DEFAULTS: Readonly<Record<string, string>> = {
  com: 'https://rdap.verisign.com/com/v1/',
  net: 'https://rdap.verisign.com/net/v1/',
};

/** Largest answer read; a domain object is a few kilobytes. */
const MAX_BYTES = 1 << 20;

/** Errors of certificate verification (node's and OpenSSL's codes), reported as `TLS: …` findings. */
const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

export type RdapLookup =
  | ({ outcome: 'answer'; server: string; status: 200 } & RdapReading)
  /** 404: the registry has no such domain (RFC 7480 §5.3). */
  | { outcome: 'not_found'; server: string; status: 404 }
  /** 429 (RFC 7480 §5.5), with the Retry-After it sent, in seconds, when it sent one. */
  | { outcome: 'rate_limited'; server: string; status: 429; retryAfterSeconds: number | null }
  /** 5xx, another status, a redirect (not followed), a timeout, a refused or reset connection. */
  | { outcome: 'unavailable'; server: string; status: number | null; error: string }
  /** The server's address is private and not in OUTBOUND_ALLOW_CIDRS: nothing was sent. */
  | { outcome: 'refused'; server: string; address: string; error: string }
  /** No RDAP server is known for the TLD (set RDAP_BASE_URL). */
  | { outcome: 'no_server'; server: null; error: string };

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
export function retryAfterSeconds(header: string | undefined, now: Date): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * The RDAP seam: `GET <base>domain/<name>` (RFC 9082 §3.1.3) with `Accept: application/rdap+json`
 * (RFC 7480 §4.2), to the base URL configured for the TLD and nowhere else. The server's name goes
 * through the outbound guard and the request connects to the admitted address (no second lookup).
 * One attempt with a hard timeout; redirects are reported, not followed, so a server cannot send us
 * to an address the guard did not judge. Retrying later is the caller's decision.
 */
@Injectable()
export class RdapClient {
  private readonly bases: Map<string, string>;
  private readonly all: string | null;
  /** The system's CAs plus RDAP_EXTRA_CA_FILE, or undefined for node's default (the system's). */
  private readonly ca: string[] | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly guard: OutboundGuard,
  ) {
    const value = config.RDAP_BASE_URL;
    const slash = (u: string) => u.replace(/\/?$/, '/');
    this.bases = new Map(Object.entries(BOOTSTRAP_DEFAULTS));
    this.all = null;
    this.ca = config.RDAP_EXTRA_CA_FILE
      ? [...tls.rootCertificates, readFileSync(config.RDAP_EXTRA_CA_FILE, 'utf8')]
      : undefined;
    if (value && !value.includes('=')) this.all = slash(value);
    else if (value)
      for (const pair of value.split(',')) {
        const [tld, url] = pair.split('=');
        this.bases.set(tld, slash(url));
      }
  }

  baseFor(domain: string): string | null {
    return this.all ?? this.bases.get(topLevelDomain(domain)) ?? null;
  }

  async lookup(domain: string, now: Date, signal?: AbortSignal): Promise<RdapLookup> {
    const base = this.baseFor(domain);
    if (!base)
      return {
        outcome: 'no_server',
        server: null,
        error: `no RDAP server for .${topLevelDomain(domain)}: set RDAP_BASE_URL`,
      };
    const url = new URL(`domain/${encodeURIComponent(domain)}`, base);
    const server = url.origin;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let decision;
    try {
      decision = await this.guard.admit(host);
    } catch (error) {
      return { outcome: 'unavailable', server, status: null, error: `DNS: ${(error as Error).message}` };
    }
    if (!decision.allowed)
      return {
        outcome: 'refused',
        server,
        address: decision.address,
        error: `${host} resolves to ${decision.address} (${decision.kind}), not a public address; OUTBOUND_ALLOW_CIDRS does not allow it`,
      };
    const pinned: LookupFunction = (_name, options, callback) => {
      if ((options as { all?: boolean }).all)
        (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
          { address: decision.address, family: decision.family },
        ]);
      else callback(null, decision.address, decision.family);
    };
    // https: the connection goes to the admitted address, while SNI and the certificate check use the name.
    const secure =
      url.protocol === 'https:'
        ? { servername: isIP(host) ? undefined : host, ca: this.ca, rejectUnauthorized: true }
        : {};
    const get = url.protocol === 'https:' ? https.get : http.get;
    return new Promise<RdapLookup>((resolve) => {
      let settled = false;
      const done = (r: RdapLookup) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        resolve(r);
      };
      const req = get(
        url,
        { lookup: pinned, headers: { accept: 'application/rdap+json' }, signal, agent: false, ...secure },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status === 404) return done({ outcome: 'not_found', server, status: 404 });
          if (status === 429)
            return done({
              outcome: 'rate_limited',
              server,
              status: 429,
              retryAfterSeconds: retryAfterSeconds(res.headers['retry-after'], now),
            });
          if (status !== 200)
            return done({
              outcome: 'unavailable',
              server,
              status,
              error:
                status >= 300 && status < 400
                  ? `HTTP ${status} redirect to ${res.headers.location ?? '?'} not followed`
                  : `HTTP ${status}`,
            });
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BYTES)
              return done({
                outcome: 'unavailable',
                server,
                status,
                error: `answer over ${MAX_BYTES} bytes`,
              });
            chunks.push(c);
          });
          res.on('error', (e) => done({ outcome: 'unavailable', server, status, error: e.message }));
          res.on('end', () => {
            let body: unknown;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              return done({
                outcome: 'answer',
                server,
                status: 200,
                kind: 'invalid',
                error: 'answer is not JSON',
              });
            }
            done({ outcome: 'answer', server, status: 200, ...readRdapDomain(body, domain) });
          });
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) =>
        done({
          outcome: 'unavailable',
          server,
          status: null,
          error: TLS_ERROR.test(e.code ?? '') ? `TLS: ${e.message}` : e.message,
        }),
      );
      const timer = setTimeout(
        () =>
          done({
            outcome: 'unavailable',
            server,
            status: null,
            error: `no complete answer within ${this.config.RDAP_TIMEOUT_MS} ms`,
          }),
        this.config.RDAP_TIMEOUT_MS,
      );
    });
  }
}
