import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle/', import.meta.url));

type Migration = { name: string; sql: string; hash: string };

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const sql = readFileSync(`${dir}/${name}`, 'utf8');
      return { name, sql, hash: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies drizzle-kit's SQL migrations in order, each in its own transaction, recording them in
 * `regua_migrations`. An advisory lock keeps two processes from migrating at once; an applied
 * migration whose file changed is refused (migrations are append-only).
 */
export async function migrate(db: Database): Promise<string[]> {
  const migrations = loadMigrations();
  return db.withSession(async (session) => {
    await session.query('select pg_advisory_lock(7324501)');
    try {
      await session.query(
        'create table if not exists regua_migrations (name text primary key, hash text not null, applied_at timestamptz not null default now())',
      );
      const applied = new Map(
        (await session.query<{ name: string; hash: string }>('select name, hash from regua_migrations')).map(
          (r) => [r.name, r.hash],
        ),
      );
      const done: string[] = [];
      for (const migration of migrations) {
        const known = applied.get(migration.name);
        if (known !== undefined) {
          if (known !== migration.hash) {
            throw new Error(
              `migration ${migration.name} was edited after it was applied; add a new migration instead`,
            );
          }
          continue;
        }
        await session.transaction(async (tx) => {
          for (const statement of migration.sql.split('--> statement-breakpoint')) {
            if (statement.trim() !== '') await tx.query(statement);
          }
          await tx.query('insert into regua_migrations (name, hash) values ($1, $2)', [
            migration.name,
            migration.hash,
          ]);
        });
        done.push(migration.name);
      }
      return done;
    } finally {
      await session.query('select pg_advisory_unlock(7324501)');
    }
  });
}
