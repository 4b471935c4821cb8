import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../embedded/postgres.ts';
import { applyMigrations } from '../../embedded/migrate.ts';
import { ensureTemporalCli } from '../../embedded/temporal-binaries.ts';
import { startTemporalDevServer, type EmbeddedTemporal } from '../../embedded/temporal-server.ts';
import { createPrisma } from '../../platform/prisma.ts';
import { seedDatabase } from '../../prisma/seed.ts';
import { DEMO_PASSWORD, SEED_YEAR } from './constants.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    /**
     * One task queue for every stack of this run: the year's performance workflow is started once and
     * must keep being served when later test files report outcomes to it.
     */
    taskQueue: string;
  }
}

/**
 * Real parts for integration tests: a fresh PostgreSQL (migrated and seeded) and a Temporal dev server,
 * both in a throwaway folder. TEST_DATABASE_URL / TEST_TEMPORAL_ADDRESS reuse running ones instead.
 */
export default async function setup(project: TestProject) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-test-'));
  let db: EmbeddedDatabase | undefined;
  let temporal: EmbeddedTemporal | undefined;

  const teardown = async () => {
    await temporal?.stop();
    await db?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    let databaseUrl = process.env.TEST_DATABASE_URL;
    if (!databaseUrl) {
      db = await startEmbeddedPostgres({
        dataDir: path.join(root, 'postgres'),
        port: 0,
        databaseName: 'portal_test',
      });
      databaseUrl = db.url;
    }
    await applyMigrations(databaseUrl);
    const prisma = createPrisma(databaseUrl, 2);
    await seedDatabase(prisma, { year: SEED_YEAR, demoPassword: DEMO_PASSWORD });
    await prisma.$disconnect();

    let temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const cliPath = ensureTemporalCli();
      if (!cliPath) throw new Error('Temporal CLI not found: run `npm run setup:temporal`');
      temporal = await startTemporalDevServer({
        cliPath,
        dataDir: path.join(root, 'temporal'),
        port: 0,
        uiPort: 0,
      });
      temporalAddress = temporal.address;
    }

    project.provide('databaseUrl', databaseUrl);
    project.provide('temporalAddress', temporalAddress);
    project.provide('taskQueue', `test-${path.basename(root)}`);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
