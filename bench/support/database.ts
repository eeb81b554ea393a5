import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runMigrations } from '../../libs/database/src/data-source.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../libs/database/src/embedded-postgres.js';
import { freePort } from './processes.js';

/**
 * The PostgreSQL server the run uses: DATABASE_URL's server when set, else an embedded cluster in a temp
 * folder. Every benchmark gets its own database cloned from one migrated template; all are dropped at the end.
 */
export class BenchServer {
  private readonly databases: string[] = [];
  private readonly prefix = `mpg_bench_${randomBytes(3).toString('hex')}`;

  private constructor(
    readonly adminUrl: string,
    readonly embedded: boolean,
    private readonly server: EmbeddedServer | null,
    private readonly dir: string | null,
  ) {}

  static async start(log: (line: string) => void): Promise<BenchServer> {
    const given = process.env.DATABASE_URL;
    let server: BenchServer;
    if (given) {
      log(`PostgreSQL: DATABASE_URL's server (own databases, dropped at the end)`);
      server = new BenchServer(given, false, null, null);
    } else {
      const dir = await mkdtemp(path.join(tmpdir(), 'mpguard-bench-'));
      // As root, PostgreSQL runs as the 'postgres' user, which must be able to reach the folder.
      await chmod(dir, 0o755);
      const embedded = await startEmbeddedPostgres(dir, await freePort());
      log(`PostgreSQL: embedded, data in ${dir}`);
      server = new BenchServer(embedded.adminUrl, true, embedded, dir);
    }
    await server.createTemplate();
    return server;
  }

  private get template(): string {
    return `${this.prefix}_tpl`;
  }

  private async createTemplate(): Promise<void> {
    await this.admin((c) => c.query(`CREATE DATABASE ${this.template}`));
    this.databases.push(this.template);
    await runMigrations(this.urlFor(this.template));
  }

  urlFor(database: string): string {
    const u = new URL(this.adminUrl);
    u.pathname = `/${database}`;
    return u.toString();
  }

  /** A fresh migrated database for one benchmark. */
  async createDatabase(name: string): Promise<string> {
    const db = `${this.prefix}_${name.replace(/[^a-z0-9]/g, '_')}`;
    await this.admin((c) => c.query(`CREATE DATABASE ${db} TEMPLATE ${this.template}`));
    this.databases.push(db);
    return this.urlFor(db);
  }

  async dropDatabase(url: string): Promise<void> {
    const db = new URL(url).pathname.slice(1);
    await this.admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
    this.databases.splice(this.databases.indexOf(db), 1);
  }

  async version(): Promise<string> {
    const { rows } = await this.admin((c) =>
      c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`),
    );
    return rows[0].v;
  }

  async settings(): Promise<string> {
    const { rows } = await this.admin((c) =>
      c.query<{ name: string; setting: string; unit: string | null }>(
        `SELECT name, setting, unit FROM pg_settings
          WHERE name IN ('shared_buffers', 'work_mem', 'fsync', 'synchronous_commit', 'max_connections')
          ORDER BY name`,
      ),
    );
    return rows.map((r) => `${r.name}=${r.setting}${r.unit ?? ''}`).join(', ');
  }

  private async admin<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    for (const db of [...this.databases].reverse()) {
      await this.admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)).catch(() => undefined);
    }
    if (this.server) await this.server.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

/** One pg client for the benchmark's own SQL (seeding, resets, the baselines). */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'mp-guard-bench' });
  await client.connect();
  return client;
}
