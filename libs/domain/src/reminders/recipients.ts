import type { Locale } from '../../../catalogue/src/index.js';
import type { LadderStage, Role } from './ladder.js';

export interface ReminderContact {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  /** null for the owner organization's own people; otherwise the vendor the contact works for. */
  vendorId: string | null;
}

export interface RecipientContext {
  /** The mini-program's vendor is unresponsive or ceased. */
  vendorUnavailable: boolean;
  /** The mini-program's vendor, or null when the owner runs it alone. */
  vendorId: string | null;
}

/**
 * Who receives a stage: contacts whose role the stage names, among the owner's own contacts and, while
 * the vendor is available, the contacts of the mini-program's own vendor (never another vendor's).
 * One mail per address, compared case-insensitively; the first contact with an address wins and the
 * order of `contacts` is kept, so the same input always gives the same list.
 */
export function recipientsFor<C extends ReminderContact>(
  stage: Pick<LadderStage, 'roles'>,
  contacts: readonly C[],
  context: RecipientContext,
): C[] {
  const roles = new Set<Role>(stage.roles);
  const seen = new Set<string>();
  const recipients: C[] = [];
  for (const contact of contacts) {
    if (!roles.has(contact.role)) continue;
    const reachable =
      contact.vendorId === null ||
      (!context.vendorUnavailable && context.vendorId !== null && contact.vendorId === context.vendorId);
    if (!reachable) continue;
    const key = contact.email.trim().toLowerCase();
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    recipients.push(contact);
  }
  return recipients;
}
