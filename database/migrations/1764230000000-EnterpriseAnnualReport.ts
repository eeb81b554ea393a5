import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadline cycles of the enterprise annual report (企业年报, 1 January to 30 June), a yearly obligation of
 * every owner entity. Stage keys and existing rows are unchanged: reminders before the due date now count
 * back from act_by where a catalogue requirement's apply_by lies before the due date, which needs no
 * column, and the (deadline, stage) key keeps a stage sent under the old anchor from going out again.
 */
export class EnterpriseAnnualReport1764230000000 implements MigrationInterface {
  name = 'EnterpriseAnnualReport1764230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deadlines DROP CONSTRAINT deadlines_kind_check`);
    await q.query(`
      ALTER TABLE deadlines ADD CONSTRAINT deadlines_kind_check CHECK (kind IN ('annual_review',
        'qualification_expiry', 'icp_annual_report', 'enterprise_annual_report', 'vendor_contract_end',
        'certificate_expiry', 'custom'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM deadlines WHERE kind = 'enterprise_annual_report'`);
    await q.query(`ALTER TABLE deadlines DROP CONSTRAINT deadlines_kind_check`);
    await q.query(`
      ALTER TABLE deadlines ADD CONSTRAINT deadlines_kind_check CHECK (kind IN ('annual_review',
        'qualification_expiry', 'icp_annual_report', 'vendor_contract_end', 'certificate_expiry', 'custom'))`);
  }
}
