import { describe, expect, it } from '@jest/globals';
import { decideRegistration } from './registration-precedence.js';
import { readRdapDomain } from './rdap-answer.js';
import { registrableDomain } from './registrable-domain.js';

describe('registrableDomain', () => {
  it.each([
    ['api.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['a.b.c.example.net', 'example.net'],
    ['api.kangning-demo.cn', 'kangning-demo.cn'],
    ['api.example.com.cn', 'example.com.cn'],
    ['img.shop.example.net.cn', 'example.net.cn'],
    ['www.example.org.cn', 'example.org.cn'],
    ['www.beijing.gov.cn', 'beijing.gov.cn'],
    ['EXAMPLE.COM.CN', 'example.com.cn'],
    ['com.cn', null],
    ['cn', null],
    // Not in the two-label list: taken as an ordinary name (documented limit).
    ['a.b.bj.cn', 'bj.cn'],
  ])('%s registers as %s', (host, expected) => {
    expect(registrableDomain(host)).toBe(expected);
  });
});

const answer = (events: unknown, extra: Record<string, unknown> = {}) => ({
  objectClassName: 'domain',
  ldhName: 'example.com',
  events,
  ...extra,
});

describe('readRdapDomain (RFC 9083)', () => {
  it.each([
    [
      'expiration event',
      answer([
        { eventAction: 'registration', eventDate: '2015-03-01T04:00:00Z' },
        { eventAction: 'expiration', eventDate: '2027-03-01T04:00:00Z' },
      ]),
      { kind: 'expiry', expiresAt: new Date('2027-03-01T04:00:00Z'), registrar: null },
    ],
    [
      'offset in eventDate',
      answer([{ eventAction: 'expiration', eventDate: '2027-03-01T08:00:00+08:00' }]),
      { kind: 'expiry', expiresAt: new Date('2027-03-01T00:00:00Z'), registrar: null },
    ],
    [
      'upper-case ldhName and registrar jCard',
      answer([{ eventAction: 'expiration', eventDate: '2027-03-01T04:00:00.000Z' }], {
        ldhName: 'EXAMPLE.COM',
        entities: [
          {
            objectClassName: 'entity',
            roles: ['registrar'],
            vcardArray: [
              'vcard',
              [
                ['version', {}, 'text', '4.0'],
                ['fn', {}, 'text', 'Alibaba Cloud'],
              ],
            ],
          },
        ],
      }),
      { kind: 'expiry', expiresAt: new Date('2027-03-01T04:00:00Z'), registrar: 'Alibaba Cloud' },
    ],
    ['no events', answer(undefined), { kind: 'no_expiration', registrar: null }],
    [
      'only registration',
      answer([{ eventAction: 'registration', eventDate: '2015-03-01T04:00:00Z' }]),
      { kind: 'no_expiration', registrar: null },
    ],
  ])('%s', (_, body, expected) => {
    expect(readRdapDomain(body, 'example.com')).toEqual(expected);
  });

  it.each([
    ['not an object', [], 'answer is not a JSON object'],
    ['an error object', { errorCode: 404, title: 'Not Found' }, 'objectClassName is undefined, not "domain"'],
    ['another name', answer([], { ldhName: 'example.net' }), 'ldhName "example.net" is not example.com'],
    ['events not an array', answer({}), 'events is not an array'],
    [
      'a date without zone',
      answer([{ eventAction: 'expiration', eventDate: '2027-03-01 04:00' }]),
      'expiration eventDate "2027-03-01 04:00" is not an RFC 3339 instant',
    ],
    [
      'two expirations',
      answer([
        { eventAction: 'expiration', eventDate: '2027-03-01T04:00:00Z' },
        { eventAction: 'expiration', eventDate: '2028-03-01T04:00:00Z' },
      ]),
      'more than one expiration event',
    ],
  ])('refuses %s', (_, body, error) => {
    expect(readRdapDomain(body, 'example.com')).toEqual({ kind: 'invalid', error });
  });
});

describe('decideRegistration: an owner-entered date is never overwritten', () => {
  it.each([
    ['no record', null, '2027-03-01', { action: 'create', expiresOn: '2027-03-01' }],
    [
      'RDAP record, same date',
      { expiresOn: '2027-03-01', source: 'rdap' },
      '2027-03-01',
      { action: 'unchanged' },
    ],
    [
      'RDAP record, renewed at the registrar',
      { expiresOn: '2027-03-01', source: 'rdap' },
      '2028-03-01',
      { action: 'update', expiresOn: '2028-03-01', previous: '2027-03-01' },
    ],
    [
      'owner record, same date',
      { expiresOn: '2027-03-01', source: 'owner' },
      '2027-03-01',
      { action: 'unchanged' },
    ],
    [
      'owner record, RDAP later',
      { expiresOn: '2027-03-01', source: 'owner' },
      '2028-03-01',
      { action: 'kept_owner_date', ownerDate: '2027-03-01', rdapDate: '2028-03-01' },
    ],
    [
      'owner record, RDAP earlier',
      { expiresOn: '2027-03-01', source: 'owner' },
      '2026-12-20',
      { action: 'kept_owner_date', ownerDate: '2027-03-01', rdapDate: '2026-12-20' },
    ],
    [
      'owner record without a date is filled',
      { expiresOn: null, source: 'owner' },
      '2027-03-01',
      { action: 'update', expiresOn: '2027-03-01', previous: null },
    ],
  ] as const)('%s', (_, held, rdap, expected) => {
    expect(decideRegistration(held, rdap)).toEqual(expected);
  });
});
