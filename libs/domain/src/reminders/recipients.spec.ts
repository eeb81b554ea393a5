import { describe, expect, it } from '@jest/globals';
import type { Role } from './ladder.js';
import { recipientsFor, type ReminderContact } from './recipients.js';

const contact = (
  id: string,
  role: Role,
  vendorId: string | null,
  email = `${id}@example.com`,
): ReminderContact => ({
  id,
  email,
  name: id,
  role,
  locale: 'zh-CN',
  vendorId,
});

const contacts = [
  contact('owner-op', 'operator', null),
  contact('vendor-op', 'operator', 'v1'),
  contact('other-vendor-op', 'operator', 'v2'),
  contact('owner-mgr', 'manager', null),
  contact('vendor-mgr', 'manager', 'v1'),
  contact('owner-legal', 'legal', null),
  contact('owner-op-dup', 'operator', null, 'OWNER-OP@Example.com'),
];
const ids = (list: ReminderContact[]) => list.map((c) => c.id);

describe('recipientsFor', () => {
  it('sends an operator stage to the owner and the mini-program vendor operators, never another vendor', () => {
    expect(
      ids(recipientsFor({ roles: ['operator'] }, contacts, { vendorUnavailable: false, vendorId: 'v1' })),
    ).toEqual(['owner-op', 'vendor-op']);
  });

  it('leaves the vendor out while it is unavailable', () => {
    expect(
      ids(
        recipientsFor({ roles: ['operator', 'manager'] }, contacts, {
          vendorUnavailable: true,
          vendorId: 'v1',
        }),
      ),
    ).toEqual(['owner-op', 'owner-mgr']);
  });

  it('reaches only owner contacts when the mini-program has no vendor', () => {
    expect(
      ids(recipientsFor({ roles: ['operator'] }, contacts, { vendorUnavailable: false, vendorId: null })),
    ).toEqual(['owner-op']);
  });

  it('mails each address once, case-insensitively, keeping the first contact', () => {
    const result = recipientsFor({ roles: ['operator'] }, contacts, {
      vendorUnavailable: true,
      vendorId: 'v1',
    });
    expect(ids(result)).toEqual(['owner-op']);
  });

  it('keeps the input order and extra fields', () => {
    const extended = contacts.map((c, i) => ({ ...c, rank: i }));
    const result = recipientsFor({ roles: ['legal', 'manager', 'operator'] }, extended, {
      vendorUnavailable: false,
      vendorId: 'v1',
    });
    expect(result.map((c) => c.rank)).toEqual([0, 1, 3, 4, 5]);
  });
});
