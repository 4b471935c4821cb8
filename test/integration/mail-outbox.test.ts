import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createMailActivities } from '../../data/mail-outbox.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../../embedded/smtp-catcher.ts';
import { findFreePort } from '../../embedded/postgres.ts';
import { createMailer } from '../../platform/mailer.ts';
import { createPrisma, type Db } from '../../platform/prisma.ts';
import { waitFor } from '../support/stack.ts';

let prisma: Db;
let smtp: SmtpCatcher;
beforeAll(async () => {
  prisma = createPrisma(inject('databaseUrl'), 2);
  smtp = await startSmtpCatcher({ prisma, port: 0 });
});
afterAll(async () => {
  await smtp?.stop();
  await prisma?.$disconnect();
});

const notification = (key: string) => ({
  key,
  to: { kind: 'staff' as const, employeeNo: 'E1101' },
  template: 'complaint-reminder' as const,
  data: { receiptNo: 'MW-2026-9999999', dueAt: new Date().toISOString() },
});

describe('mail outbox: each notification is sent exactly once', () => {
  it('sends once when the activity is retried after success', async () => {
    const key = `outbox-test-${Date.now()}-a`;
    const activities = createMailActivities({
      prisma,
      mailer: createMailer(smtp.url),
      from: 'portal@example.go.kr',
      publicUrl: 'http://x',
    });
    const env = new MockActivityEnvironment();
    expect(await env.run(activities.sendNotification, notification(key))).toEqual({ status: 'sent' });
    expect(await env.run(activities.sendNotification, notification(key))).toEqual({ status: 'already-sent' });
    const row = await prisma.emailOutbox.findUniqueOrThrow({ where: { key } });
    expect(await prisma.devMail.count({ where: { messageId: row.messageId } })).toBe(1);
  });

  it('keeps the mail while SMTP is unreachable and sends it once when the retry succeeds', async () => {
    const key = `outbox-test-${Date.now()}-b`;
    const deadPort = await findFreePort(0);
    const down = createMailActivities({
      prisma,
      mailer: createMailer(`smtp://127.0.0.1:${deadPort}`),
      from: 'p@x',
      publicUrl: 'http://x',
    });
    const env = new MockActivityEnvironment();
    await expect(env.run(down.sendNotification, notification(key))).rejects.toThrow();
    const pending = await prisma.emailOutbox.findUniqueOrThrow({ where: { key } });
    expect(pending.status).toBe('PENDING');
    expect(pending.attempts).toBe(1);

    const up = createMailActivities({
      prisma,
      mailer: createMailer(smtp.url),
      from: 'p@x',
      publicUrl: 'http://x',
    });
    expect(await env.run(up.sendNotification, notification(key))).toEqual({ status: 'sent' });
    expect(await env.run(up.sendNotification, notification(key))).toEqual({ status: 'already-sent' });
    const sent = await prisma.emailOutbox.findUniqueOrThrow({ where: { key } });
    expect(sent.status).toBe('SENT');
    expect(await prisma.devMail.count({ where: { messageId: sent.messageId } })).toBe(1);
  });

  it('shows a mail once when a crash after the server accepted it makes the retry transmit it again', async () => {
    const key = `outbox-test-${Date.now()}-c`;
    const real = createMailer(smtp.url);
    // The process "dies" right after the SMTP server's acceptance: the outbox row is never marked sent.
    const crashAfterAcceptance = Object.create(real) as typeof real;
    crashAfterAcceptance.sendMail = (async (mail: Parameters<typeof real.sendMail>[0]) => {
      await real.sendMail(mail);
      throw new Error('worker killed after the SMTP server accepted the mail');
    }) as typeof real.sendMail;
    const env = new MockActivityEnvironment();
    const crashing = createMailActivities({
      prisma,
      mailer: crashAfterAcceptance,
      from: 'p@x',
      publicUrl: 'http://x',
    });
    await expect(env.run(crashing.sendNotification, notification(key))).rejects.toThrow('killed');
    expect((await prisma.emailOutbox.findUniqueOrThrow({ where: { key } })).status).toBe('PENDING');

    const retry = createMailActivities({ prisma, mailer: real, from: 'p@x', publicUrl: 'http://x' });
    expect(await env.run(retry.sendNotification, notification(key))).toEqual({ status: 'sent' });
    const sent = await prisma.emailOutbox.findUniqueOrThrow({ where: { key } });
    const received = await prisma.devMail.findMany({ where: { messageId: sent.messageId } });
    expect(received).toHaveLength(1);
    expect(received[0]!.deliveries).toBe(2);
  });

  it('keeps catching mail after senders are killed in the middle of a mail transaction', async () => {
    const { port } = new URL(smtp.url);
    // Several, because the first error of a server could go to a leftover one-off listener.
    for (let killed = 0; killed < 3; killed += 1) {
      const socket = net.connect(Number(port), '127.0.0.1');
      const replies: string[] = [];
      socket.on('data', (chunk: Buffer) => replies.push(chunk.toString()));
      const replied = (text: string) =>
        waitFor(async () => replies.join('').includes(text) || undefined, 5_000);
      await replied('220 ');
      socket.write('EHLO killed-worker\r\n');
      await replied('250 ');
      socket.write('MAIL FROM:<portal@example.go.kr>\r\n');
      await replied('Accepted'); // the sender is inside a mail transaction now
      socket.resetAndDestroy(); // what the kernel does to a SIGKILLed sender's open connection
      await once(socket, 'close');
    }
    // The server has handled every reset (its error, then the close) before the next sender comes.
    await waitFor(() => smtp.openConnections() === 0, 5_000);

    const key = `outbox-test-${Date.now()}-d`;
    const activities = createMailActivities({
      prisma,
      mailer: createMailer(smtp.url),
      from: 'p@x',
      publicUrl: 'http://x',
    });
    const env = new MockActivityEnvironment();
    expect(await env.run(activities.sendNotification, notification(key))).toEqual({ status: 'sent' });
  });
});
