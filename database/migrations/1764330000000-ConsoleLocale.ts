import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's console language, kept on the user (issue #16) so it follows them to another browser; the
 * cookie stays the choice before sign-in. Null: never chosen, so the cookie or Accept-Language decides.
 * Separate from `users.locale`, which was set once at invitation for mails and carried no choice.
 */
export class ConsoleLocale1764330000000 implements MigrationInterface {
  name = 'ConsoleLocale1764330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE users ADD COLUMN console_locale text CHECK (console_locale IN ('zh-CN', 'en'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN console_locale`);
  }
}
