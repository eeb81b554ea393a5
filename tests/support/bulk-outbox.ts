import pg from 'pg';

/**
 * Fills the outbox directly with `count` due deliveries (one open custom deadline, notification and
 * recipient each), as the planner would have left them: the delivery tests then measure delivery alone.
 */
export async function seedDueDeliveries(
  databaseUrl: string,
  organizationId: string,
  count: number,
  now: Date,
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO deadlines (organization_id, kind, subject_key, cycle_key, title, due_on, window_opens_on, apply_by, act_by)
       SELECT $1, 'custom', 'custom:bulk-' || g, '2027-01-01', 'bulk ' || g, '2027-01-01', '2026-10-01', '2027-01-01', '2027-01-01'
         FROM generate_series(1, $2::int) g`,
      [organizationId, count],
    );
    await client.query(
      `INSERT INTO notifications (organization_id, deadline_id, kind, stage, trigger_on, status, created_at)
       SELECT $1, id, 'reminder', 'due', '2027-01-01', 'pending', $2 FROM deadlines WHERE organization_id = $1 AND subject_key LIKE 'custom:bulk-%'`,
      [organizationId, now],
    );
    await client.query(
      `INSERT INTO notification_deliveries (id, organization_id, notification_id, email, name, role, locale, next_attempt_at, message_id, created_at, updated_at)
       SELECT x.id, $1, x.notification_id, 'r' || x.n || '@bulk.example.cn', 'Bulk ' || x.n, 'operator', 'zh-CN', $2,
              '<notification-' || x.id || '@mp-guard.localhost>', $2, $2
         FROM (SELECT gen_random_uuid() AS id, n.id AS notification_id, row_number() OVER () AS n
                 FROM notifications n WHERE n.organization_id = $1 AND n.stage = 'due') x`,
      [organizationId, now],
    );
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
