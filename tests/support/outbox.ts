import pg from 'pg';

/** Direct reads of the outbox, for assertions the API does not need to offer. */
export async function outbox(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, any>[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}
