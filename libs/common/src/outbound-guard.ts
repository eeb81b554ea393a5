import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import {
  type AddressKind,
  type Cidr,
  outboundVerdict,
  parseCidrList,
} from '../../domain/src/network/index.js';

/** The one seam through which mp-guard turns a host name into addresses (tests give a table). */
export abstract class HostResolver {
  /** Every address the name has, in the resolver's order; rejects like `dns.lookup` when it has none. */
  abstract resolve(host: string): Promise<string[]>;
}

export class SystemHostResolver extends HostResolver {
  async resolve(host: string): Promise<string[]> {
    return (await lookup(host, { all: true })).map((a) => a.address);
  }
}

export type OutboundDecision =
  | {
      allowed: true;
      /** Dial exactly this address (SNI and Host headers keep the name): no second lookup. */
      address: string;
      family: 4 | 6;
      addresses: string[];
    }
  | {
      allowed: false;
      /** The first address that is not public and not in OUTBOUND_ALLOW_CIDRS. */
      address: string;
      kind: AddressKind | 'invalid';
      addresses: string[];
    };

/**
 * Outbound connections on a tenant's behalf reach only the public internet, or networks the operator
 * listed in OUTBOUND_ALLOW_CIDRS. A name is refused if any of its addresses is refused: round-robin DNS
 * must not let a second lookup land on the internal one. Callers connect to `address` and never look
 * the name up again. For any client that connects out (certificate watch, RDAP, chat robots, WeChat).
 */
@Injectable()
export class OutboundGuard {
  private readonly allow: Cidr[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly resolver: HostResolver,
  ) {
    this.allow = parseCidrList(config.OUTBOUND_ALLOW_CIDRS).cidrs;
  }

  /** Resolves (unless `host` is an address) and judges; resolution errors reject as `dns.lookup`'s do. */
  async admit(host: string): Promise<OutboundDecision> {
    const addresses = isIP(host) ? [host] : await this.resolver.resolve(host);
    if (addresses.length === 0)
      throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
    let first: { address: string; family: 4 | 6 } | null = null;
    for (const candidate of addresses) {
      const verdict = outboundVerdict(candidate, this.allow);
      if (!verdict.allowed)
        return { allowed: false, address: verdict.address, kind: verdict.kind, addresses };
      first ??= { address: verdict.address, family: verdict.family };
    }
    return { allowed: true, ...first!, addresses };
  }
}
