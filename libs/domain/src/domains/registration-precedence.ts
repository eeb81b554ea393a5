/** Where a qualification's expiry date came from. */
export type ExpirySource = 'owner' | 'rdap';

export interface HeldRegistration {
  expiresOn: string | null;
  source: ExpirySource;
}

/**
 * What an RDAP reading does to the domain's registration record (a `domain_name_registration`
 * qualification whose number is the domain). Precedence: a date the owner entered by hand is never
 * overwritten; when RDAP disagrees the run reports `owner_date_differs` with both dates and leaves it. An
 * owner's record without a date is filled (the date then counts as RDAP's). A date RDAP wrote before
 * follows RDAP. No record: one is created from RDAP.
 */
export type RegistrationDecision =
  | { action: 'create'; expiresOn: string }
  | { action: 'update'; expiresOn: string; previous: string | null }
  | { action: 'unchanged' }
  | { action: 'kept_owner_date'; ownerDate: string; rdapDate: string };

export function decideRegistration(held: HeldRegistration | null, rdapDate: string): RegistrationDecision {
  if (!held) return { action: 'create', expiresOn: rdapDate };
  if (held.expiresOn === rdapDate) return { action: 'unchanged' };
  if (held.source === 'owner' && held.expiresOn !== null)
    return { action: 'kept_owner_date', ownerDate: held.expiresOn, rdapDate };
  return { action: 'update', expiresOn: rdapDate, previous: held.expiresOn };
}
