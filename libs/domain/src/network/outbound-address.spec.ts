import { describe, expect, it } from '@jest/globals';
import {
  classifyAddress,
  formatIpAddress,
  isPublicAddress,
  outboundVerdict,
  parseCidr,
  parseCidrList,
  parseIpAddress,
} from './outbound-address.js';

// Every expectation below is written from the IANA special-purpose registries (RFC 6890, 5737, 3849,
// 6598, 4193, 9637), not from the code.
describe('classifyAddress', () => {
  it.each([
    // IPv4
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link_local'],
    ['172.15.255.255', 'public'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.0', 'public'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.2', 'documentation'],
    ['192.88.99.1', 'reserved'],
    ['192.168.1.10', 'private'],
    ['198.18.0.1', 'benchmark'],
    ['198.19.255.255', 'benchmark'],
    ['198.20.0.0', 'public'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['1.1.1.1', 'public'],
    ['8.8.8.8', 'public'],
    ['101.226.4.6', 'public'],
    ['223.255.255.255', 'public'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf:ffff::1', 'link_local'],
    ['fc00::1', 'unique_local'],
    ['fd00::2', 'unique_local'],
    ['fdff:ffff::1', 'unique_local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001:db8:ffff::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'benchmark'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['5f00::1', 'reserved'],
    ['64:ff9b:1::a', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['1::', 'reserved'],
    ['2400:3200::1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['[2001:4860:4860::8888]', 'public'],
    // IPv4-mapped and other IPv6 forms that carry an IPv4 host are judged by that host
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['::ffff:100.64.0.1', 'cgnat'],
    ['::ffff:8.8.8.8', 'public'],
    ['0:0:0:0:0:ffff:192.168.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:0808:0808::1', 'public'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
    expect(isPublicAddress(address)).toBe(kind === 'public');
  });

  it.each([
    'localhost',
    'metadata.google.internal',
    '',
    '127.1',
    '0x7f.0.0.1',
    '2130706433',
    '010.0.0.1',
    '127.0.0.01',
    '256.1.1.1',
    '1.2.3.4.5',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::1',
    ':::1',
    '1.2.3.4::',
    '::ffff:1.2.3',
    'fe80::g',
  ])('%j is not an address, so not public', (text) => {
    expect(classifyAddress(text)).toBeNull();
    expect(isPublicAddress(text)).toBe(false);
  });
});

describe('formatIpAddress', () => {
  it.each([
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['::', '::'],
    ['192.0.2.2', '192.0.2.2'],
  ])('%s is written %s', (input, output) => {
    expect(formatIpAddress(parseIpAddress(input)!)).toBe(output);
  });
});

describe('parseCidr and parseCidrList', () => {
  it.each(['10.0.0.0/8', '127.0.0.1/32', '127.0.0.1', 'fd00::/8', '::1/128', '0.0.0.0/0', '::/0'])(
    'accepts %s',
    (text) => expect(parseCidr(text)).not.toBeNull(),
  );
  it.each(['10.0.0.1/8', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/08', 'example.cn/24', '10.0.0.0/8/8', '/8'])(
    'refuses %s (host bits set, bad length or not an address)',
    (text) => expect(parseCidr(text)).toBeNull(),
  );
  it('splits on commas and spaces and names the bad entries as written', () => {
    const list = parseCidrList(' 10.0.0.0/8, fd00::/8  192.168.1.0/24 ,oops,10.1.1.1/8');
    expect(list.cidrs).toHaveLength(3);
    expect(list.invalid).toEqual(['oops', '10.1.1.1/8']);
    expect(parseCidrList(undefined)).toEqual({ cidrs: [], invalid: [] });
  });
});

describe('outboundVerdict', () => {
  const allow = parseCidrList('10.20.0.0/16,fd00:1::/32,127.0.0.1').cidrs;
  it.each([
    ['8.8.8.8', [], { allowed: true, address: '8.8.8.8', via: 'public' }],
    ['2400:3200::1', [], { allowed: true, address: '2400:3200::1', via: 'public' }],
    ['127.0.0.1', [], { allowed: false, address: '127.0.0.1', kind: 'loopback' }],
    ['::ffff:127.0.0.1', [], { allowed: false, address: '127.0.0.1', kind: 'loopback' }],
    ['10.20.3.4', allow, { allowed: true, address: '10.20.3.4', kind: 'private', via: 'allowed_network' }],
    // The mapped form is dialled as, and allowed as, its IPv4 host.
    ['::ffff:10.20.3.4', allow, { allowed: true, address: '10.20.3.4', family: 4, via: 'allowed_network' }],
    ['10.21.0.1', allow, { allowed: false, kind: 'private' }],
    ['fd00:1:2::3', allow, { allowed: true, address: 'fd00:1:2::3', via: 'allowed_network' }],
    ['fd00:2::3', allow, { allowed: false, kind: 'unique_local' }],
    ['127.0.0.1', allow, { allowed: true, via: 'allowed_network' }],
    ['127.0.0.2', allow, { allowed: false, kind: 'loopback' }],
    ['169.254.169.254', allow, { allowed: false, kind: 'link_local' }],
    ['not-an-ip', allow, { allowed: false, kind: 'invalid' }],
  ] as const)('%s with %j', (address, cidrs, expected) => {
    expect(outboundVerdict(address, cidrs)).toMatchObject(expected);
  });
});
