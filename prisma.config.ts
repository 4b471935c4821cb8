import path from 'node:path';
import { defineConfig } from 'prisma/config';
// adapter-pg 7.x only for the CLI: 6.19 cannot read PostgreSQL's `name` type during migrate (prisma/orm#27403).
import { PrismaPg } from '@prisma/adapter-pg-migrate';

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations'), seed: 'tsx prisma/seed.ts' },
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error('DATABASE_URL is required for Prisma CLI commands');
    return new PrismaPg({ connectionString });
  },
});
