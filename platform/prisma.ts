import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import pg from 'pg';

export type Db = PrismaClient;

const pools = new WeakMap<PrismaClient, pg.Pool>();

/** Prisma without native engines: the TypeScript query compiler over node-postgres. */
export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(prisma, pool);
  return prisma;
}

/**
 * The node-postgres pool under a client made by createPrisma, for the few hot reads that are one
 * hand-written statement (the complaint status read): the same connections, without the query
 * compiler's per-call work, which a CPU profile showed to be most of such a read's cost.
 */
export function sqlPool(prisma: Db): pg.Pool {
  const pool = pools.get(prisma);
  if (!pool) throw new Error('This Prisma client was not made by createPrisma: no pool to read with');
  return pool;
}
