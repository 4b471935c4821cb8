import fp from 'fastify-plugin';
import type { Client } from '@temporalio/client';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/prisma.ts';

export interface Services {
  config: Config;
  prisma: Db;
  temporal: Client;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    prisma: Db;
    temporal: Client;
  }
}

/** Makes the process-wide services (configuration, database, Temporal client) available to routes. */
export const servicesPlugin = fp<Services>(
  async (app, services) => {
    app.decorate('config', services.config);
    app.decorate('prisma', services.prisma);
    app.decorate('temporal', services.temporal);
  },
  { name: 'services' },
);
