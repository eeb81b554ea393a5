import { effectiveLadder, type Ladder, type LadderStage, type Role } from './ladder.js';
import { type RecipientContext, type ReminderContact, recipientsFor } from './recipients.js';

/**
 * The roles a stage reaches as the planner sends it: with the vendor gone the owner acts alone, so its
 * operator and manager get every stage on top of the roles the stage names.
 */
export function stageRoles(roles: readonly Role[], vendorUnavailable: boolean): Role[] {
  return vendorUnavailable ? [...new Set<Role>([...roles, 'operator', 'manager'])] : [...roles];
}

export interface StageRecipients<C> {
  stage: LadderStage;
  roles: Role[];
  recipients: C[];
}

/**
 * Who receives each stage of a ladder for a mini-program in this situation: the effective ladder (an
 * `early` stage in front while the vendor is unavailable), each stage's roles as the planner widens them,
 * and the contacts `recipientsFor` picks. The console's contact page shows this table.
 */
export function ladderRecipients<C extends ReminderContact>(
  ladder: Readonly<Ladder>,
  contacts: readonly C[],
  context: RecipientContext & { earlierByDays?: number },
): StageRecipients<C>[] {
  return effectiveLadder(ladder, {
    vendorUnavailable: context.vendorUnavailable,
    earlierByDays: context.earlierByDays,
  }).map((stage) => {
    const roles = stageRoles(stage.roles, context.vendorUnavailable);
    return { stage, roles, recipients: recipientsFor({ roles }, contacts, context) };
  });
}
