import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Deadline cycles derived from the registry, and the organization settings that shape them. */
export class Deadlines1764100000000 implements MigrationInterface {
  name = 'Deadlines1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organizations
        ADD COLUMN catalogue_overrides jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN reminder_ladder jsonb,
        ADD COLUMN vendor_unavailable_lead_days integer NOT NULL DEFAULT 30
          CHECK (vendor_unavailable_lead_days BETWEEN 0 AND 365),
        ADD COLUMN send_hour integer NOT NULL DEFAULT 9 CHECK (send_hour BETWEEN 0 AND 23)`);
    await q.query(`
      CREATE TABLE deadlines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        mini_program_id uuid,
        vendor_id uuid,
        kind text NOT NULL CHECK (kind IN ('annual_review', 'qualification_expiry', 'icp_annual_report',
          'vendor_contract_end', 'certificate_expiry', 'custom')),
        -- Identity of the obligation across its cycles, scoped: 'mp:<id>:annual_review', 'vendor:<id>:contract', 'custom:<id>'.
        subject_key text NOT NULL,
        cycle_key text NOT NULL,
        requirement_code text,
        title text,
        recurrence jsonb,
        due_on date NOT NULL,
        window_opens_on date NOT NULL,
        apply_by date NOT NULL,
        act_by date NOT NULL,
        due_is_day_off boolean NOT NULL DEFAULT false,
        calendar_basis text NOT NULL DEFAULT 'official-calendar',
        state text NOT NULL DEFAULT 'open'
          CHECK (state IN ('open', 'acknowledged', 'snoozed', 'completed', 'cancelled')),
        snoozed_until date,
        acknowledged_at timestamptz,
        acknowledged_by text,
        completed_at timestamptz,
        completed_by text,
        completion_note text,
        ladder jsonb,
        sequence integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT deadlines_cycle_unique UNIQUE (organization_id, subject_key, cycle_key),
        UNIQUE (organization_id, id),
        CHECK (state <> 'snoozed' OR snoozed_until IS NOT NULL),
        FOREIGN KEY (organization_id, mini_program_id) REFERENCES mini_programs (organization_id, id) ON DELETE CASCADE,
        FOREIGN KEY (organization_id, vendor_id) REFERENCES vendors (organization_id, id) ON DELETE CASCADE
      )`);
    // At most one live cycle per obligation: renewal completes one and opens the next.
    await q.query(`
      CREATE UNIQUE INDEX deadlines_one_live_cycle ON deadlines (organization_id, subject_key)
        WHERE state IN ('open', 'acknowledged', 'snoozed')`);
    await q.query(`CREATE INDEX deadlines_due_idx ON deadlines (organization_id, due_on, id)`);
    await q.query(`CREATE INDEX deadlines_mini_program_idx ON deadlines (organization_id, mini_program_id)`);
    // The planner scans live cycles only.
    await q.query(`CREATE INDEX deadlines_live_idx ON deadlines (due_on) WHERE state IN ('open', 'snoozed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS deadlines`);
    await q.query(`
      ALTER TABLE organizations DROP COLUMN catalogue_overrides, DROP COLUMN reminder_ladder,
        DROP COLUMN vendor_unavailable_lead_days, DROP COLUMN send_hour`);
  }
}
