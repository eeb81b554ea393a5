import { HostResolver } from '../../libs/common/src/outbound-guard.js';

/**
 * A resolver seam for tests: a fixed table of names to addresses (or a function of how often the name
 * was asked, to play a DNS rebinding), counting every lookup. Unknown names fail as `dns.lookup` does.
 */
export class HostTable extends HostResolver {
  readonly lookups = new Map<string, number>();

  constructor(private readonly table: Record<string, string[] | ((nth: number) => string[])>) {
    super();
  }

  resolve(host: string): Promise<string[]> {
    const nth = (this.lookups.get(host) ?? 0) + 1;
    this.lookups.set(host, nth);
    const entry = this.table[host];
    if (!entry)
      return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(typeof entry === 'function' ? entry(nth) : entry);
  }
}
