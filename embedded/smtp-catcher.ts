import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import type { Db } from '../platform/prisma.ts';
import { findFreePort } from './postgres.ts';

export interface SmtpCatcher {
  url: string;
  /** Connections the server has not yet finished with (a reset sender's is gone once its error is handled). */
  openConnections(): number;
  stop(): Promise<void>;
}

const addressText = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).map((a) => a.text).join(', ');

/**
 * A real SMTP server on loopback that stores every mail it receives, for the portal's mailbox page. A repeat
 * of an already received Message-ID is counted on that mail (`deliveries`) instead of shown twice.
 */
export async function startSmtpCatcher(options: { prisma: Db; port: number }): Promise<SmtpCatcher> {
  const port = await findFreePort(options.port);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const data = {
            from: addressText(mail.from),
            to: addressText(mail.to),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : null,
          };
          // Like a receiving mail system, the mailbox shows a message once however often it was transmitted.
          return mail.messageId
            ? options.prisma.devMail.upsert({
                where: { messageId: mail.messageId },
                create: { ...data, messageId: mail.messageId },
                update: { deliveries: { increment: 1 } },
              })
            : options.prisma.devMail.create({ data });
        })
        .then(
          () => callback(),
          (error: Error) => callback(error),
        );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A sender that dies in the middle of a mail transaction (a killed worker) resets its connection, which
  // smtp-server reports as an 'error' event; unheard, it would end this process. The sender's outbox sends
  // that mail again.
  server.on('error', () => undefined);
  return {
    url: `smtp://127.0.0.1:${port}`,
    openConnections: () => server.connections.size,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
