import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { OrganizationEntity } from '../../auth/src/organization.entity.js';
import { DEFAULT_LADDER, type Ladder } from '../../domain/src/reminders/ladder.js';
import type { ReminderContact } from '../../domain/src/reminders/recipients.js';

export interface ServedMiniProgram {
  id: string;
  name: string;
  appId: string;
  vendorId: string;
}

export type ListedContact = ReminderContact & {
  phone: string | null;
  reminderMode: string;
  digestHour: number | null;
};

/** The most contacts the contact page lists and computes the ladder table over. */
export const CONTACTS_SHOWN = 1000;

/** Read-only questions of the vendor, contact and continuity pages; always scoped by organization. */
@Injectable()
export class ContinuityQueries {
  constructor(private readonly db: DataSource) {}

  /** The mini-programs each of these vendors serves, by name, at most `perVendor` each. */
  async servedBy(
    ctx: AuthContext,
    vendorIds: string[],
    perVendor = 20,
  ): Promise<Map<string, ServedMiniProgram[]>> {
    const out = new Map<string, ServedMiniProgram[]>();
    if (!vendorIds.length) return out;
    const rows = await this.db.query<ServedMiniProgram[]>(
      // Each vendor stops at its first $3 by name (mini_programs_vendor_name_idx), not after all of its own.
      `SELECT s.id, s.name, s."appId", s."vendorId" FROM unnest($2::uuid[]) AS v(id)
        CROSS JOIN LATERAL (
          SELECT mp.id, mp.name, mp.app_id AS "appId", mp.vendor_id AS "vendorId" FROM mini_programs mp
           WHERE mp.organization_id = $1 AND mp.vendor_id = v.id ORDER BY mp.name, mp.id LIMIT $3) s
        ORDER BY s.name, s.id`,
      [ctx.organizationId, vendorIds, perVendor],
    );
    for (const r of rows) out.set(r.vendorId, [...(out.get(r.vendorId) ?? []), r]);
    return out;
  }

  /** The organization's ladder as the planner reads it, and how much earlier it starts without the vendor. */
  async ladder(ctx: AuthContext): Promise<{ ladder: Readonly<Ladder>; earlierByDays: number }> {
    const org = await this.db.getRepository(OrganizationEntity).findOneByOrFail({ id: ctx.organizationId });
    return {
      ladder: (org.reminderLadder as Ladder | null) ?? DEFAULT_LADDER,
      earlierByDays: org.vendorUnavailableLeadDays,
    };
  }

  /** Every contact in the planner's order (created_at, id), as recipientsFor reads them. */
  contacts(ctx: AuthContext): Promise<ListedContact[]> {
    return this.db.query<ListedContact[]>(
      `SELECT id, email, name, role, locale, vendor_id AS "vendorId", phone,
              reminder_mode AS "reminderMode", digest_hour AS "digestHour" FROM contacts
        WHERE organization_id = $1 ORDER BY created_at, id LIMIT ${CONTACTS_SHOWN + 1}`,
      [ctx.organizationId],
    );
  }
}
