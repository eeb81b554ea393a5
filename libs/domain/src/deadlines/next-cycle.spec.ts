import { describe, expect, it } from '@jest/globals';
import { applyOverrides, loadCatalogue } from '../../../catalogue/src/index.js';
import { DeadlineError, DeadlineErrorCode } from './deadline.error.js';
import type { DeadlineCycle } from './deadline-cycle.js';
import { deriveDeadlines, type DeriveDeadlinesInput } from './derive-deadlines.js';
import { nextCycle } from './next-cycle.js';

const catalogue = loadCatalogue();

function only(overrides: Partial<DeriveDeadlinesInput>, today = '2026-11-25'): DeadlineCycle {
  const [cycle] = deriveDeadlines(
    {
      miniProgram: { id: 'mp1', certificationExpiresOn: null, serviceCategories: [], features: [] },
      qualifications: [],
      vendor: null,
      customDeadlines: [],
      ...overrides,
    },
    catalogue,
    today,
  );
  return cycle;
}

const review = (due: string) =>
  only({ miniProgram: { id: 'mp1', certificationExpiresOn: due, serviceCategories: [], features: [] } });
const qualification = (requirementCode: string, expiresOn: string) =>
  only({ qualifications: [{ id: 'q1', requirementCode, expiresOn }] });
const custom = (dueOn: string, recurrence: 'none' | 'monthly' | 'yearly', today = '2026-01-01') =>
  only({ customDeadlines: [{ id: 'c1', title: 'Rent', dueOn, recurrence }] }, today);

describe('nextCycle', () => {
  it.each([
    ['2026-10-01', '2027-10-01'],
    ['2028-02-29', '2029-02-28'],
    ['2026-12-31', '2027-12-31'],
  ])('annual review due %s renews to %s', (due, next) => {
    const cycle = nextCycle(review(due), {}, catalogue);
    expect(cycle).toMatchObject({
      kind: 'annual_review',
      subjectKey: 'annual_review',
      dueDate: next,
      cycleKey: next,
    });
  });

  it('annual review takes the new expiry WeChat gave when there is one', () => {
    const cycle = nextCycle(review('2026-10-01'), { newExpiry: '2027-10-20' }, catalogue);
    expect(cycle).toMatchObject({
      dueDate: '2027-10-20',
      windowOpensOn: '2027-07-20',
      cycleKey: '2027-10-20',
    });
  });

  it('a five-year licence renews five years on, keeping its subject', () => {
    expect(nextCycle(qualification('icp_vas_licence', '2026-12-30'), {}, catalogue)).toMatchObject({
      kind: 'qualification_expiry',
      subjectKey: 'qualification:q1',
      dueDate: '2031-12-30',
      applyBy: '2031-10-01',
    });
  });

  it('an issuer-defined licence needs the new expiry', () => {
    const cycle = qualification('medical_institution_licence', '2026-09-30');
    expect(() => nextCycle(cycle, {}, catalogue)).toThrow(
      expect.objectContaining({ code: DeadlineErrorCode.NewExpiryRequired, field: 'newExpiry' }),
    );
    expect(nextCycle(cycle, { newExpiry: '2031-09-30' }, catalogue)?.dueDate).toBe('2031-09-30');
  });

  it('an organization override giving a validity makes it computable', () => {
    const overridden = applyOverrides(catalogue, { medical_institution_licence: { validity: { years: 5 } } });
    const cycle = qualification('medical_institution_licence', '2026-09-30');
    expect(nextCycle(cycle, {}, overridden)?.dueDate).toBe('2031-09-30');
  });

  it('refuses a new expiry that is not after the completed due date', () => {
    expect(() => nextCycle(review('2026-10-01'), { newExpiry: '2026-10-01' }, catalogue)).toThrow(
      DeadlineError,
    );
    expect(() => nextCycle(review('2026-10-01'), { newExpiry: '2026-02-30' }, catalogue)).toThrow(RangeError);
  });

  it('the ICP annual report moves to next year’s window', () => {
    const cycle = only({
      qualifications: [{ id: 'q1', requirementCode: 'icp_vas_licence', expiresOn: null }],
    });
    expect(cycle.cycleKey).toBe('2027');
    expect(nextCycle(cycle, {}, catalogue)).toMatchObject({
      cycleKey: '2028',
      windowOpensOn: '2028-01-01',
      dueDate: '2028-03-31',
      actBy: '2028-03-31',
    });
  });

  it('a vendor contract continues only with a new end date', () => {
    const cycle = only({ vendor: { id: 'v1', contractEndsOn: '2026-12-30' } });
    expect(nextCycle(cycle, {}, catalogue)).toBeNull();
    expect(nextCycle(cycle, { newExpiry: '2027-12-31' }, catalogue)).toMatchObject({
      subjectKey: 'vendor_contract:v1',
      dueDate: '2027-12-31',
      cycleKey: '2027-12-31',
    });
  });

  it.each([
    ['2026-01-31', 'monthly', ['2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31']],
    ['2026-03-15', 'monthly', ['2026-04-15', '2026-05-15']],
    ['2028-02-29', 'yearly', ['2029-02-28', '2030-02-28', '2031-02-28', '2032-02-29']],
  ] as const)('custom %s %s continues %j keeping the day of month', (anchor, recurrence, expected) => {
    let cycle: DeadlineCycle | null = custom(anchor, recurrence);
    const dues: string[] = [];
    for (let i = 0; i < expected.length; i += 1) {
      cycle = nextCycle(cycle!, {}, catalogue);
      dues.push(cycle!.dueDate);
      expect(cycle!.subjectKey).toBe('custom:c1');
      expect(cycle!.title).toBe('Rent');
    }
    expect(dues).toEqual(expected);
  });

  it('a one-off custom deadline has no next cycle', () => {
    expect(nextCycle(custom('2026-10-01', 'none'), {}, catalogue)).toBeNull();
  });
});
