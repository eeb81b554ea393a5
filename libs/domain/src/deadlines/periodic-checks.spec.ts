import { describe, expect, it } from '@jest/globals';
import { loadCatalogue } from '../../../catalogue/src/index.js';
import { deriveDeadlines } from './derive-deadlines.js';
import { inspectionPeriodYears, isCadenceChange, periodicDueDate } from './periodic-checks.js';

describe('medical institution inspection (校验) by bed count', () => {
  it.each([
    [0, 1],
    [99, 1],
    [100, 3],
    [450, 3],
    [null, null],
  ])('%s beds: every %s years', (beds, years) => {
    expect(inspectionPeriodYears(beds)).toBe(years);
  });

  it.each([
    // code, last check (issuedOn), expiresOn entered, beds, next due (by hand)
    ['medical_institution_inspection', '2026-04-15', null, 80, '2027-04-15'],
    ['medical_institution_inspection', '2026-04-15', null, 100, '2029-04-15'],
    ['medical_institution_inspection', '2024-02-29', null, 99, '2025-02-28'],
    ['medical_institution_inspection', '2024-02-29', null, 300, '2027-02-28'],
    ['medical_institution_inspection', '2026-04-15', null, null, null],
    ['medical_institution_inspection', '2026-04-15', '2026-12-31', 80, '2026-12-31'],
    ['medical_institution_inspection', null, null, 80, null],
    ['internet_hospital_classified_protection', '2026-06-30', null, null, '2027-06-30'],
    ['internet_hospital_classified_protection', '2024-02-29', null, 500, '2025-02-28'],
    ['internet_hospital_classified_protection', '2026-06-30', '2027-05-01', null, '2027-05-01'],
    ['food_business_licence', '2026-06-30', null, 80, null],
  ] as const)('%s last %s, entered %s, %s beds → %s', (code, issuedOn, expiresOn, beds, due) => {
    expect(periodicDueDate(code, { issuedOn, expiresOn }, beds)).toBe(due);
  });

  it('derives the 校验 cycle from the last inspection and the beds (catalogue: window 3 months, apply by 3 months)', () => {
    const cycles = deriveDeadlines(
      {
        miniProgram: {
          id: 'mp1',
          certificationExpiresOn: null,
          serviceCategories: [],
          features: [],
          bedCount: 120,
        },
        qualifications: [
          {
            id: 'q1',
            requirementCode: 'medical_institution_inspection',
            expiresOn: null,
            issuedOn: '2025-09-30',
          },
        ],
        vendor: null,
        customDeadlines: [],
      },
      loadCatalogue(),
      '2026-12-01',
    );
    // 2025-09-30 + 3 years = 2028-09-30 (Saturday); − 3 months = 2028-06-30 (Friday).
    expect(cycles).toEqual([
      expect.objectContaining({
        subjectKey: 'qualification:q1',
        requirementCode: 'medical_institution_inspection',
        dueDate: '2028-09-30',
        windowOpensOn: '2028-06-30',
        applyBy: '2028-06-30',
      }),
    ]);
  });
});

describe('a 校验 cycle moved by a changed bed count', () => {
  it.each([
    // code, last inspection, entered expiry, live cycle due, cadence change? (by hand)
    ['medical_institution_inspection', '2026-04-15', null, '2027-04-15', true], // yearly → 3 years
    ['medical_institution_inspection', '2026-04-15', null, '2029-04-15', true], // 3 years → yearly
    ['medical_institution_inspection', '2024-02-29', null, '2025-02-28', true],
    ['medical_institution_inspection', '2027-04-10', null, '2027-04-15', false], // a new inspection: renewal
    ['medical_institution_inspection', '2026-04-15', '2027-06-30', '2027-04-15', false], // owner's date
    ['medical_institution_inspection', null, null, '2027-04-15', false],
    ['internet_hospital_classified_protection', '2026-06-30', null, '2027-06-30', false],
    [null, '2026-04-15', null, '2027-04-15', false],
  ] as const)('%s last %s, entered %s, live due %s: %s', (code, issuedOn, expiresOn, liveDue, cadence) => {
    expect(isCadenceChange(code, { issuedOn, expiresOn }, liveDue)).toBe(cadence);
  });
});
