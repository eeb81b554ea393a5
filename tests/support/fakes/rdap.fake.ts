import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A local RDAP server for domains, speaking the protocol as the RFCs write it:
 * - RFC 9082 §3.1.3 lookup path `<base>/domain/<ldh name>`; only GET and HEAD (RFC 7480 §4.1), anything
 *   else 405; the client's `Accept` is recorded (RFC 7480 §4.2 asks for application/rdap+json).
 * - RFC 9083 §5.3 domain object: rdapConformance, objectClassName "domain", handle, ldhName (upper case,
 *   as Verisign answers), status, events (registration, expiration, last update of RDAP database),
 *   a registrar entity with a jCard `fn`, a self link, notices; media type application/rdap+json (RFC 7480 §4.2).
 * - Errors (RFC 9083 §6): an error object {errorCode, title, description} with the HTTP status:
 *   404 for a domain it does not hold (RFC 7480 §5.3), 429 with Retry-After (RFC 7480 §5.5), 503.
 * - Over HTTPS when started with TLS options (RFC 7480 §4.1: RDAP should be served over https), recording
 *   the SNI name and the local address of every TLS connection.
 */
export interface FakeDomain {
  /** RFC 3339 instant of the expiration event, or null for an answer with no expiration event. */
  expiresAt: string | null;
  registrar?: string;
  /** How it answers now: the domain object, 429 with Retry-After seconds, or an HTTP 5xx. */
  mode?: { type: 'ok' } | { type: 'rate_limited'; retryAfter: number } | { type: 'error'; status: number };
}

export interface FakeRdapRequest {
  method: string;
  path: string;
  accept: string | undefined;
  host: string | undefined;
}

/** A TLS connection as the fake saw it: the SNI name the client sent, where it arrived, and how it ended. */
export interface FakeTlsConnection {
  servername: string | false | null;
  localAddress: string | undefined;
}

export class FakeRdapServer {
  readonly domains = new Map<string, FakeDomain>();
  readonly requests: FakeRdapRequest[] = [];
  readonly tlsConnections: FakeTlsConnection[] = [];
  private server: Server | null = null;
  port = 0;

  constructor(readonly basePath = '/rdap/') {}

  /** How many lookups reached the fake for this domain. */
  hits(domain: string): number {
    return this.requests.filter((r) => r.path === `${this.basePath}domain/${domain}`).length;
  }

  async start(host = '127.0.0.1', tlsOptions?: HttpsOptions): Promise<number> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    if (tlsOptions) {
      const server = createHttpsServer(tlsOptions, handler);
      server.on('secureConnection', (socket) =>
        this.tlsConnections.push({ servername: socket.servername, localAddress: socket.localAddress }),
      );
      this.server = server;
    } else this.server = createServer(handler);
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    this.requests.push({
      method: req.method ?? '',
      path,
      accept: req.headers.accept,
      host: req.headers.host,
    });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/rdap+json',
        'content-length': Buffer.byteLength(text),
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    const error = (status: number, title: string, description: string[], headers?: Record<string, string>) =>
      send(status, { rdapConformance: ['rdap_level_0'], errorCode: status, title, description }, headers);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return error(405, 'Method Not Allowed', ['RDAP uses GET and HEAD only'], { allow: 'GET, HEAD' });
    const prefix = `${this.basePath}domain/`;
    if (!path.startsWith(prefix)) return error(400, 'Bad Request', [`not an RDAP path: ${path}`]);
    const name = decodeURIComponent(path.slice(prefix.length)).toLowerCase();
    const domain = this.domains.get(name);
    if (!domain) return error(404, 'Not Found', [`${name} is not registered here`]);
    const mode = domain.mode ?? { type: 'ok' };
    if (mode.type === 'rate_limited')
      return error(429, 'Too Many Requests', ['query rate exceeded'], {
        'retry-after': String(mode.retryAfter),
      });
    if (mode.type === 'error') return error(mode.status, 'Service Unavailable', ['try again later']);
    const self = `${'encrypted' in req.socket ? 'https' : 'http'}://${req.headers.host}${path}`;
    const registrar = domain.registrar ?? 'Fake Registrar, Inc.';
    send(200, {
      rdapConformance: ['rdap_level_0', 'icann_rdap_response_profile_0'],
      objectClassName: 'domain',
      handle: `${name.replace(/\W/g, '_').toUpperCase()}-FAKE`,
      ldhName: name.toUpperCase(),
      status: ['client transfer prohibited'],
      links: [{ value: self, rel: 'self', href: self, type: 'application/rdap+json' }],
      events: [
        { eventAction: 'registration', eventDate: '2015-03-01T04:00:00Z' },
        ...(domain.expiresAt ? [{ eventAction: 'expiration', eventDate: domain.expiresAt }] : []),
        { eventAction: 'last update of RDAP database', eventDate: '2026-12-01T01:00:00Z' },
      ],
      entities: [
        {
          objectClassName: 'entity',
          handle: '1234',
          roles: ['registrar'],
          vcardArray: [
            'vcard',
            [
              ['version', {}, 'text', '4.0'],
              ['fn', {}, 'text', registrar],
            ],
          ],
        },
      ],
      notices: [{ title: 'Terms of Use', description: ['A local fake for tests.'] }],
    });
  }
}
