import fp from 'fastify-plugin';
import type { Client } from '@temporalio/client';
import type { Config } from '../../platform/config.ts';
import { createMailer, type Mailer } from '../../platform/mailer.ts';
import type { Db } from '../../platform/prisma.ts';

export interface Services {
  config: Config;
  prisma: Db;
  temporal: Client;
  /** For mails the API sends itself (password-reset links); made from SMTP_URL when not given. */
  mailer?: Mailer;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    prisma: Db;
    temporal: Client;
    mailer: Mailer;
  }
}

/** Makes the process-wide services (configuration, database, Temporal client, mailer) available to routes. */
export const servicesPlugin = fp<Services>(
  async (app, services) => {
    app.decorate('config', services.config);
    app.decorate('prisma', services.prisma);
    app.decorate('temporal', services.temporal);
    const mailer = services.mailer ?? createMailer(services.config.SMTP_URL);
    app.decorate('mailer', mailer);
    if (!services.mailer) app.addHook('onClose', async () => mailer.close());
  },
  { name: 'services' },
);
