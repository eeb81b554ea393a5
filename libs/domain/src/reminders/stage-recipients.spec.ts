import { describe, expect, it } from '@jest/globals';
import { DEFAULT_LADDER, type Role } from './ladder.js';
import type { ReminderContact } from './recipients.js';
import { ladderRecipients, stageRoles } from './stage-recipients.js';

const person = (id: string, role: Role, vendorId: string | null): ReminderContact => ({
  id,
  email: `${id}@example.cn`,
  name: id,
  role,
  locale: 'zh-CN',
  vendorId,
});

const contacts = [
  person('own-op', 'operator', null),
  person('own-mgr', 'manager', null),
  person('own-exec', 'executive', null),
  person('own-legal', 'legal', null),
  person('v1-op', 'operator', 'v1'),
  person('v1-mgr', 'manager', 'v1'),
  person('v2-op', 'operator', 'v2'),
];

describe('stageRoles', () => {
  it.each<[Role[], boolean, Role[]]>([
    [['operator'], false, ['operator']],
    [['executive'], false, ['executive']],
    [['operator'], true, ['operator', 'manager']],
    [['executive'], true, ['executive', 'operator', 'manager']],
    [['operator', 'manager', 'executive', 'legal'], true, ['operator', 'manager', 'executive', 'legal']],
  ])('%j with the vendor unavailable=%s reaches %j', (roles, unavailable, expected) => {
    expect(stageRoles(roles, unavailable)).toEqual(expected);
  });
});

describe('ladderRecipients', () => {
  it("reaches the owner's and its own vendor's people by stage while the vendor answers", () => {
    const rows = ladderRecipients(DEFAULT_LADDER, contacts, { vendorUnavailable: false, vendorId: 'v1' });
    const ids = Object.fromEntries(rows.map((r) => [r.stage.code, r.recipients.map((c) => c.id)]));
    expect(ids).toEqual({
      'd-90': ['own-op', 'v1-op'],
      'd-60': ['own-op', 'v1-op'],
      'd-30': ['own-op', 'own-mgr', 'v1-op', 'v1-mgr'],
      'd-14': ['own-op', 'own-mgr', 'v1-op', 'v1-mgr'],
      'd-7': ['own-op', 'own-mgr', 'own-exec', 'v1-op', 'v1-mgr'],
      'd-3': ['own-op', 'own-mgr', 'own-exec', 'v1-op', 'v1-mgr'],
      'd-1': ['own-op', 'own-mgr', 'own-exec', 'v1-op', 'v1-mgr'],
      due: ['own-op', 'own-mgr', 'own-exec', 'own-legal', 'v1-op', 'v1-mgr'],
      overdue: ['own-op', 'own-mgr', 'own-exec', 'own-legal', 'v1-op', 'v1-mgr'],
    });
  });

  it("starts 30 days earlier and reaches only the owner's people, operator and manager at every stage, once the vendor is gone", () => {
    const rows = ladderRecipients(DEFAULT_LADDER, contacts, { vendorUnavailable: true, vendorId: 'v1' });
    expect(rows.map((r) => [r.stage.code, r.stage.offsetDays])).toEqual([
      ['early', -120],
      ['d-90', -90],
      ['d-60', -60],
      ['d-30', -30],
      ['d-14', -14],
      ['d-7', -7],
      ['d-3', -3],
      ['d-1', -1],
      ['due', 0],
      ['overdue', 7],
    ]);
    const ids = Object.fromEntries(rows.map((r) => [r.stage.code, r.recipients.map((c) => c.id)]));
    expect(ids.early).toEqual(['own-op', 'own-mgr']);
    expect(ids['d-90']).toEqual(['own-op', 'own-mgr']);
    expect(ids['d-7']).toEqual(['own-op', 'own-mgr', 'own-exec']);
    expect(ids.due).toEqual(['own-op', 'own-mgr', 'own-exec', 'own-legal']);
  });

  it('honours the organization lead (0 days: no early stage)', () => {
    const rows = ladderRecipients(DEFAULT_LADDER, contacts, {
      vendorUnavailable: true,
      vendorId: 'v1',
      earlierByDays: 0,
    });
    expect(rows[0].stage.code).toBe('d-90');
  });
});
