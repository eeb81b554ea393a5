import { HostResolver } from '../../libs/common/src/outbound-guard.js';

/**
 * A resolver seam for tests: a fixed table of names to addresses (or a function of how often the name
 * was asked, to play a DNS rebinding), counting every lookup. Unknown names fail as `dns.lookup` does.
 */
export class HostTable extends HostResolver {
  readonly lookups = new Map<string, number>();

  /** `'silent'`: the resolver never answers (a dead DNS server). */
  constructor(private readonly table: Record<string, string[] | 'silent' | ((nth: number) => string[])>) {
    super();
  }

  resolve(host: string): Promise<string[]> {
    const nth = (this.lookups.get(host) ?? 0) + 1;
    this.lookups.set(host, nth);
    const entry = this.table[host];
    if (!entry)
      return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
    if (entry === 'silent') return new Promise<string[]>(() => undefined);
    return Promise.resolve(typeof entry === 'function' ? entry(nth) : entry);
  }
}
