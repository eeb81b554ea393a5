import { readFileSync } from 'node:fs';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import { Inject, Injectable } from '@nestjs/common';
import { type OutboundDecision, OutboundGuard } from '../../common/src/outbound-guard.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { certificateNames, type ProbeResult } from '../../domain/src/certificates/index.js';

/** Errors before any TCP connection: the host is not there (DNS, routing, refused). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'ECONNRESET',
]);
/**
 * Verification errors that say nothing against the chain: the validity window (judged by our clock, so
 * `--at` rehearsals agree) and the host name (judged by `certificateCovers`, reported as wrong_name).
 */
const NOT_CHAIN = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);

export interface ProbeTarget {
  host: string;
  port: number;
}

const distinguishedName = (dn: Record<string, string | string[]> | undefined) =>
  Object.entries(dn ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');

/**
 * The one seam through which mp-guard opens TLS connections: to a registered domain on port 443 with
 * SNI = the domain, never verifying on the socket (an untrusted or expired certificate is a finding to
 * record, not a reason to see nothing), always closing the socket, never taking longer than the timeout.
 */
@Injectable()
export class TlsProbe {
  private readonly timeoutMs: number;
  private readonly overrides: Map<string, ProbeTarget>;
  private readonly ca: string[] | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly guard: OutboundGuard,
  ) {
    this.timeoutMs = config.CERT_WATCH_TIMEOUT_MS;
    this.overrides = new Map(
      (config.CERT_WATCH_CONNECT_OVERRIDE ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const [domain, address] = pair.split('=');
          const colon = address.lastIndexOf(':');
          return [domain, { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) }];
        }),
    );
    this.ca = config.CERT_WATCH_EXTRA_CA_FILE
      ? [...tls.rootCertificates, readFileSync(config.CERT_WATCH_EXTRA_CA_FILE, 'utf8')]
      : undefined;
  }

  /** Port 443 of the domain itself; tests map a domain to a local server (CERT_WATCH_CONNECT_OVERRIDE). */
  targetOf(domain: string): ProbeTarget {
    return this.overrides.get(domain) ?? { host: domain, port: 443 };
  }

  /**
   * Never rejects: every failure is an outcome. The name is resolved once and judged by the outbound
   * guard; a refused address is `private_address` and is never contacted; an allowed one is dialled
   * exactly (no second lookup). An aborted probe resolves at once as a `tls_error`.
   */
  async probe(domain: string, signal?: AbortSignal): Promise<ProbeResult> {
    const { host, port } = this.targetOf(domain);
    let decision: OutboundDecision | 'timeout';
    let timer: NodeJS.Timeout | undefined;
    try {
      // The system resolver can wait far longer than a probe may take: the same limit covers it.
      decision = await Promise.race([
        this.guard.admit(host),
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.timeoutMs))),
      ]);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return { outcome: 'unreachable', error: `${e.code ?? 'ERROR'}: ${e.message}` };
    } finally {
      clearTimeout(timer);
    }
    if (decision === 'timeout')
      return { outcome: 'timeout', error: `no address for ${host} within ${this.timeoutMs} ms` };
    if (!decision.allowed) {
      return {
        outcome: 'private_address',
        error:
          `${domain} resolves to ${decision.address} (${decision.kind}), not a public address: not contacted ` +
          `(an operator can allow the network with OUTBOUND_ALLOW_CIDRS)`,
      };
    }
    if (signal?.aborted) return { outcome: 'tls_error', error: 'aborted: the process is stopping' };
    return this.handshake(domain, decision.address, port, signal);
  }

  private handshake(
    domain: string,
    address: string,
    port: number,
    signal?: AbortSignal,
  ): Promise<ProbeResult> {
    return new Promise<ProbeResult>((resolve) => {
      let settled = false;
      let tcpConnected = false;
      const socket = tls.connect({
        host: address,
        port,
        servername: domain,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
        ...(this.ca ? { ca: this.ca } : {}),
      });
      const finish = (result: ProbeResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve(result);
      };
      const onAbort = () => finish({ outcome: 'tls_error', error: 'aborted: the process is stopping' });
      signal?.addEventListener('abort', onAbort);
      if (signal?.aborted) onAbort();
      const timer = setTimeout(
        () => finish({ outcome: 'timeout', error: `no TLS handshake within ${this.timeoutMs} ms` }),
        this.timeoutMs,
      );
      socket.once('connect', () => (tcpConnected = true));
      socket.once('secureConnect', () => {
        try {
          finish(this.read(socket));
        } catch (error) {
          finish({ outcome: 'tls_error', error: error instanceof Error ? error.message : String(error) });
        }
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? 'ERROR';
        const text = `${code}: ${error.message}`;
        if (code === 'ETIMEDOUT') finish({ outcome: 'timeout', error: text });
        else if (!tcpConnected && UNREACHABLE.has(code)) finish({ outcome: 'unreachable', error: text });
        else finish({ outcome: 'tls_error', error: text });
      });
      socket.once('close', () =>
        finish({
          outcome: tcpConnected ? 'tls_error' : 'unreachable',
          error: 'connection closed before the TLS handshake completed',
        }),
      );
    });
  }

  private read(socket: TLSSocket): ProbeResult {
    const cert: PeerCertificate = socket.getPeerCertificate(true);
    if (!cert || !cert.valid_to)
      return { outcome: 'tls_error', error: 'the server presented no certificate' };
    const authError = socket.authorizationError ? String(socket.authorizationError) : null;
    const subject = cert.subject as unknown as Record<string, string | string[]> | undefined;
    const cn = subject?.CN;
    return {
      outcome: 'certificate',
      certificate: {
        notBefore: new Date(cert.valid_from),
        notAfter: new Date(cert.valid_to),
        issuer: distinguishedName(cert.issuer as unknown as Record<string, string | string[]>),
        subject: distinguishedName(subject),
        names: certificateNames(cert.subjectaltname, Array.isArray(cn) ? cn[0] : cn),
        fingerprint: cert.fingerprint256,
        chainValid: socket.authorized || (authError !== null && NOT_CHAIN.has(authError)),
        chainError: authError,
        protocol: socket.getProtocol(),
      },
    };
  }
}
