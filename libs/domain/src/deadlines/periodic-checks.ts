import { addYears, type LocalDate } from '../time/index.js';

export const MEDICAL_INSPECTION_CODE = 'medical_institution_inspection';
export const CLASSIFIED_PROTECTION_CODE = 'internet_hospital_classified_protection';

/**
 * Years between two periodic inspections (校验) of a medical institution: every year under 100 beds,
 * every 3 years at 100 beds or more (医疗机构管理条例实施细则 art. 35: 床位不满100张的每年校验1次，
 * 床位在100张以上的每3年校验1次). Null when the bed count is unknown: no period is guessed.
 */
export function inspectionPeriodYears(bedCount: number | null): number | null {
  if (bedCount === null) return null;
  return bedCount < 100 ? 1 : 3;
}

/**
 * The next due date of a periodic check held as a qualification whose `issuedOn` is the last check:
 * 校验 by bed count, classified protection (等保) assessment yearly. A date the owner entered as
 * `expiresOn` wins; without a last check date (or a bed count, for 校验) there is no cycle.
 */
export function periodicDueDate(
  requirementCode: string,
  held: { issuedOn: LocalDate | null; expiresOn: LocalDate | null },
  bedCount: number | null,
): LocalDate | null {
  if (held.expiresOn !== null) return held.expiresOn;
  if (held.issuedOn === null) return null;
  if (requirementCode === CLASSIFIED_PROTECTION_CODE) return addYears(held.issuedOn, 1);
  if (requirementCode === MEDICAL_INSPECTION_CODE) {
    const years = inspectionPeriodYears(bedCount);
    return years === null ? null : addYears(held.issuedOn, years);
  }
  return null;
}

/**
 * Whether a live 校验 cycle due on `liveDue` moving elsewhere only follows a changed cadence (the bed count
 * crossed 100): its due date is the same last inspection (`issuedOn`) plus one of the two periods, so no new
 * inspection was recorded and the same cycle is corrected, not renewed. A date the owner entered, another
 * requirement, or a last inspection that no longer gives `liveDue` is not a cadence change.
 */
export function isCadenceChange(
  requirementCode: string | null,
  held: { issuedOn: LocalDate | null; expiresOn: LocalDate | null },
  liveDue: LocalDate,
): boolean {
  if (requirementCode !== MEDICAL_INSPECTION_CODE) return false;
  if (held.expiresOn !== null || held.issuedOn === null) return false;
  const issuedOn = held.issuedOn;
  return [1, 3].some((years) => addYears(issuedOn, years) === liveDue);
}
