/**
 * Which addresses mp-guard may open a connection to on a tenant's behalf. Anything a tenant can name
 * (a server domain, later a webhook or robot URL) is resolved by us and checked here before we connect:
 * only the public internet, unless the operator allows a network of their own (OUTBOUND_ALLOW_CIDRS).
 * Pure: text in, verdict out; resolving and connecting belong to the caller.
 */

export type AddressKind =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'unique_local'
  | 'multicast'
  | 'documentation'
  | 'benchmark'
  | 'reserved';

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

export interface Cidr extends IpAddress {
  prefix: number;
}

const V4_PART = /^(0|[1-9][0-9]{0,2})$/;
const V6_GROUP = /^[0-9a-f]{1,4}$/;

function parseV4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    // Leading zeros are refused: inet_aton would read "010" as octal, a classic way past a filter.
    if (!V4_PART.test(parts[i])) return null;
    const n = Number(parts[i]);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

function parseV6(text: string): Uint8Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseV4(p);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (V6_GROUP.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return null;
  // A dotted quad may only end the address.
  if (halves.length === 2 && halves[0].includes('.')) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** An IPv4 dotted quad or an IPv6 address (brackets and a `%zone` allowed); null for anything else. */
export function parseIpAddress(text: string): IpAddress | null {
  let t = text.trim().toLowerCase();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (t.includes(':')) {
    const zone = t.indexOf('%');
    if (zone >= 0) t = t.slice(0, zone);
    const bytes = parseV6(t);
    return bytes ? { family: 6, bytes } : null;
  }
  const bytes = parseV4(t);
  return bytes ? { family: 4, bytes } : null;
}

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/** `::ffff:a.b.c.d` is the IPv4 host a.b.c.d: the kernel connects there, so it is judged as IPv4. */
export function unmapIpv4(address: IpAddress): IpAddress {
  if (address.family === 6 && startsWith(address.bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])) {
    return { family: 4, bytes: address.bytes.slice(12) };
  }
  return address;
}

/** Dotted quad, or RFC 5952 text (lower case, the longest run of zero groups as `::`). */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) return Array.from(address.bytes).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (address.bytes[2 * i] << 8) | address.bytes[2 * i + 1]);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a single host). Host bits must be zero. */
export function parseCidr(text: string): Cidr | null {
  const [addr, len, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const parsed = parseIpAddress(addr);
  if (!parsed || addr.includes('%')) return null;
  const max = parsed.family === 4 ? 32 : 128;
  if (len !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(len)) return null;
  const prefix = len === undefined ? max : Number(len);
  if (prefix > max) return null;
  const cidr = { ...parsed, prefix };
  for (let bit = prefix; bit < max; bit++) {
    if (parsed.bytes[bit >> 3] & (0x80 >> (bit & 7))) return null;
  }
  return cidr;
}

/** Whether the address lies in the network; an IPv4-mapped IPv6 address counts as its IPv4 host. */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  const a = unmapIpv4(address);
  if (a.family !== cidr.family) return false;
  for (let bit = 0; bit < cidr.prefix; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((a.bytes[bit >> 3] & mask) !== (cidr.bytes[bit >> 3] & mask)) return false;
  }
  return true;
}

export interface CidrList {
  cidrs: Cidr[];
  /** Entries that are not a CIDR, as written. */
  invalid: string[];
}

/** A comma- or space-separated list of CIDRs, as in OUTBOUND_ALLOW_CIDRS. */
export function parseCidrList(text: string | undefined): CidrList {
  const cidrs: Cidr[] = [];
  const invalid: string[] = [];
  for (const entry of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const cidr = parseCidr(entry);
    if (cidr) cidrs.push(cidr);
    else invalid.push(entry);
  }
  return { cidrs, invalid };
}

const table = (rows: [string, AddressKind][]) =>
  rows.map(([text, kind]) => ({ cidr: parseCidr(text)!, kind }));

/** IANA IPv4 special-purpose registry (RFC 6890 and successors): what is not the public internet. */
const V4_SPECIAL = table([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmark'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
]);

/** IANA IPv6 special-purpose registry; first match wins, so narrower rows come first. */
const V6_SPECIAL = table([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'],
  ['100::/64', 'reserved'],
  ['2001:2::/48', 'benchmark'],
  ['2001:db8::/32', 'documentation'],
  ['2001::/23', 'reserved'],
  ['3fff::/20', 'documentation'],
  ['5f00::/16', 'reserved'],
  ['fc00::/7', 'unique_local'],
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'private'],
  ['ff00::/8', 'multicast'],
]);
const V6_GLOBAL_UNICAST = parseCidr('2000::/3')!;
const NAT64 = parseCidr('64:ff9b::/96')!;
const SIX_TO_FOUR = parseCidr('2002::/16')!;

function classifyV4(address: IpAddress): AddressKind {
  return V4_SPECIAL.find((row) => cidrContains(row.cidr, address))?.kind ?? 'public';
}

/** The kind of a parsed address. IPv6 forms that carry an IPv4 host (mapped, NAT64, 6to4) are judged by it. */
export function addressKind(parsed: IpAddress): AddressKind {
  const address = unmapIpv4(parsed);
  if (address.family === 4) return classifyV4(address);
  if (cidrContains(NAT64, address)) return classifyV4({ family: 4, bytes: address.bytes.slice(12) });
  if (cidrContains(SIX_TO_FOUR, address)) return classifyV4({ family: 4, bytes: address.bytes.slice(2, 6) });
  const special = V6_SPECIAL.find((row) => cidrContains(row.cidr, address))?.kind;
  if (special) return special;
  // Outside 2000::/3 nothing is assigned for global unicast (IPv4-compatible ::a.b.c.d included).
  return cidrContains(V6_GLOBAL_UNICAST, address) ? 'public' : 'reserved';
}

/** The kind of an address written as text; null when it is not an IP address at all. */
export function classifyAddress(text: string): AddressKind | null {
  const parsed = parseIpAddress(text);
  return parsed ? addressKind(parsed) : null;
}

/** True only for an address on the public internet. Anything unparseable is not. */
export function isPublicAddress(text: string): boolean {
  return classifyAddress(text) === 'public';
}

export type OutboundVerdict =
  | { allowed: true; address: string; family: 4 | 6; kind: AddressKind; via: 'public' | 'allowed_network' }
  | { allowed: false; address: string; kind: AddressKind | 'invalid' };

/**
 * May we connect to this address? Public addresses yes; others only inside a network the operator
 * allowed. `address` is the one to connect to: an IPv4-mapped IPv6 address becomes its IPv4 host, so
 * the address judged and the address dialled are the same.
 */
export function outboundVerdict(text: string, allow: readonly Cidr[] = []): OutboundVerdict {
  const parsed = parseIpAddress(text);
  if (!parsed) return { allowed: false, address: text, kind: 'invalid' };
  const address = unmapIpv4(parsed);
  const formatted = formatIpAddress(address);
  const kind = addressKind(address);
  if (kind === 'public')
    return { allowed: true, address: formatted, family: address.family, kind, via: 'public' };
  if (allow.some((cidr) => cidrContains(cidr, address)))
    return { allowed: true, address: formatted, family: address.family, kind, via: 'allowed_network' };
  return { allowed: false, address: formatted, kind };
}
