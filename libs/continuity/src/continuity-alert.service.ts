import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../auth/src/auth-context.js';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config.js';
import { localDateOf } from '../../domain/src/time/index.js';
import { VendorStatusObserver } from '../../registry/src/registry-ports.js';
import { insertDeliveries, mailDomainOf } from '../../reminders/src/planner.service.js';

export interface AlertRecipient {
  id: string;
  email: string;
  name: string;
  role: string;
  locale: string;
}

/**
 * Who the continuity alert goes to: the owner's own managers and executives (never a vendor's people). The
 * console's confirmation page shows this same list before the status is saved.
 */
export function continuityAlertRecipients(
  m: EntityManager,
  organizationId: string,
): Promise<AlertRecipient[]> {
  return m.query<AlertRecipient[]>(
    `SELECT id, email, name, role, locale FROM contacts
      WHERE organization_id = $1 AND vendor_id IS NULL AND role IN ('manager', 'executive') ORDER BY created_at, id`,
    [organizationId],
  );
}

/**
 * A vendor turning unresponsive or ceased puts one continuity alert in the reminder outbox, to the owner's
 * managers and executives. It is keyed on (vendor, status, since): saving the same status again is no
 * change, and two requests at once are serialized by the vendor row lock, so the alert goes out once.
 */
@Injectable()
export class ContinuityAlertService extends VendorStatusObserver {
  private readonly mailDomain: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.mailDomain = mailDomainOf(config.MAIL_FROM);
  }

  async vendorStatusChanged(
    m: EntityManager,
    ctx: AuthContext,
    change: { vendorId: string; from: string; to: string; since: Date },
  ): Promise<void> {
    if (change.to !== 'unresponsive' && change.to !== 'ceased') return;
    const [alert] = await m.query<{ id: string }[]>(
      `INSERT INTO notifications (organization_id, vendor_id, kind, stage, trigger_on, status, vendor_unavailable, created_at)
       VALUES ($1, $2, 'continuity_alert', $3, $4, 'pending', true, $5)
       ON CONFLICT (vendor_id, stage) DO NOTHING
       RETURNING id`,
      [
        ctx.organizationId,
        change.vendorId,
        `status:${change.to}:${change.since.toISOString()}`,
        localDateOf(change.since, ctx.timeZone),
        change.since,
      ],
    );
    if (!alert) return;
    const contacts = await continuityAlertRecipients(m, ctx.organizationId);
    await insertDeliveries(
      m,
      ctx.organizationId,
      change.since,
      this.mailDomain,
      contacts.map((c) => [alert.id, c.id, c.email, c.name, c.role, c.locale]),
    );
  }
}
