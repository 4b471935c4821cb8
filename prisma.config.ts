import path from 'node:path';
import type pg from 'pg';
import { defineConfig } from 'prisma/config';
// adapter-pg 7.x only for the CLI: 6.19 cannot read PostgreSQL's `name` type during migrate (prisma/orm#27403).
import { PrismaPg } from '@prisma/adapter-pg-migrate';
import { splitMigrationScript } from './prisma/split-script.ts';

/**
 * The adapter runs a migration by splitting it at every `;`, which cuts a function body ($$ … $$) apart.
 * This one sends the statements one by one, split where PostgreSQL ends them (prisma/split-script.ts),
 * and reports a failure through the adapter's own error mapping as before.
 */
class MigrationPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const pool = adapter.underlyingDriver() as pg.Pool;
    const reportError = (adapter as unknown as { onError?: (error: unknown) => never }).onError;
    adapter.executeScript = async (script: string) => {
      for (const statement of splitMigrationScript(script)) {
        try {
          await pool.query(statement);
        } catch (error) {
          if (reportError) reportError.call(adapter, error);
          throw error;
        }
      }
    };
    return adapter;
  }
}

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations'), seed: 'tsx prisma/seed.ts' },
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error('DATABASE_URL is required for Prisma CLI commands');
    return new MigrationPg({ connectionString });
  },
});
