import { loadConfig } from '../platform/config.ts';
import { createMailer } from '../platform/mailer.ts';
import { createPrisma } from '../platform/prisma.ts';
import { connectTemporal, temporalTls } from '../platform/temporal.ts';
import { buildApp } from './app.ts';

const config = loadConfig();
const prisma = createPrisma(config.DATABASE_URL);
const temporal = await connectTemporal(
  config.TEMPORAL_ADDRESS,
  config.TEMPORAL_NAMESPACE,
  temporalTls(config),
);
const mailer = createMailer(config.SMTP_URL);
const app = await buildApp({ config, prisma, temporal, checkMail: () => mailer.verify() });

const shutdown = async (signal: string) => {
  app.log.info({ signal }, 'shutting down');
  await app.close();
  await temporal.connection.close();
  await prisma.$disconnect();
  mailer.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

await app.listen({ port: config.PORT, host: config.HOST });
