import type { EntityManager } from 'typeorm';

/**
 * A contact's reminders follow its new mode at once, in the transaction that changes the mode: switching
 * to the digest holds its pending reminder mails (not those a worker already claimed: the row lock makes
 * this wait for that send, which then no longer reads `pending`); switching back releases the held ones not
 * yet in a digest, due now. A digest already composed keeps its items and is sent, so nothing is lost or
 * sent twice. Returns how many deliveries moved.
 */
export async function followReminderMode(
  m: EntityManager,
  organizationId: string,
  contactId: string,
  mode: 'immediate' | 'digest',
  now: Date,
): Promise<number> {
  const [, moved] =
    mode === 'digest'
      ? await m.query<[unknown[], number]>(
          `UPDATE notification_deliveries d SET status = 'held', updated_at = $3
             FROM notifications n
            WHERE n.id = d.notification_id AND n.kind = 'reminder'
              AND d.organization_id = $1 AND d.contact_id = $2 AND d.status = 'pending'`,
          [organizationId, contactId, now],
        )
      : await m.query<[unknown[], number]>(
          `UPDATE notification_deliveries SET status = 'pending', next_attempt_at = $3, updated_at = $3
            WHERE organization_id = $1 AND contact_id = $2 AND status = 'held' AND digest_id IS NULL`,
          [organizationId, contactId, now],
        );
  return moved;
}
