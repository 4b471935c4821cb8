import type { Db } from '../platform/prisma.ts';
import type { DeliverMail } from '../data/mail-outbox.ts';
import type { CustomerNotice } from '../domain/policy-task.ts';
import {
  renderCustomerMail,
  type CustomerMail,
  type DirectCustomerNotice,
} from '../domain/task-customer-mails.ts';
import { issueCustomerToken, SIGN_IN_LINK_MS } from '../data/task-customer-tokens.ts';

/**
 * Mails to the customers of policy tasks. The links carry fresh tokens created inside the outbox step, so
 * no token (and no address) enters workflow history, and a retry re-sends the same stored text.
 */
export function createTaskCustomerActivities(deps: { prisma: Db; deliver: DeliverMail; publicUrl: string }) {
  const { prisma, deliver, publicUrl } = deps;

  async function listTaskCustomerIds(input: { taskId: string }): Promise<{ customerIds: number[] }> {
    const rows = await prisma.taskCustomer.findMany({
      where: { taskId: input.taskId, removedAt: null },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    return { customerIds: rows.map((row) => row.id) };
  }

  const signInLink = async (customerId: number) => {
    const expiresAt = new Date(Date.now() + SIGN_IN_LINK_MS);
    const token = await issueCustomerToken(prisma, customerId, 'SIGN_IN', expiresAt);
    return { signInUrl: `${publicUrl}/customer?token=${token}`, linkExpiresAt: expiresAt.toISOString() };
  };

  async function mailCustomer(
    key: string,
    customerId: number,
    build: (base: { taskId: string; title: string; customerName: string }) => Promise<CustomerMail>,
  ) {
    return deliver(key, async () => {
      const customer = await prisma.taskCustomer.findUniqueOrThrow({
        where: { id: customerId },
        include: { task: { select: { id: true, title: true } } },
      });
      const mail = await build({
        taskId: customer.task.id,
        title: customer.task.title,
        customerName: customer.name,
      });
      return { to: customer.email, mail: renderCustomerMail(mail) };
    });
  }

  /** One mail per customer of the notice (each with its own key, so each goes out once). */
  async function notifyTaskCustomers(notice: CustomerNotice): Promise<{ mailed: number }> {
    const named = notice.customerIds ?? (await listTaskCustomerIds({ taskId: notice.taskId })).customerIds;
    // Customers the owner removed after the workflow listed them hear nothing more.
    const ids = (
      await prisma.taskCustomer.findMany({
        where: { id: { in: named }, removedAt: null },
        select: { id: true },
        orderBy: { id: 'asc' },
      })
    ).map((row) => row.id);
    for (const customerId of ids) {
      await mailCustomer(`${notice.key}:${customerId}`, customerId, async (base) => {
        if (notice.kind === 'milestone') {
          return {
            ...base,
            kind: 'milestone',
            seq: notice.seq ?? 0,
            milestoneTitle: notice.milestoneTitle ?? '',
            ...(await signInLink(customerId)),
          };
        }
        const closesAt = notice.closesAt ?? new Date().toISOString();
        const token = await issueCustomerToken(prisma, customerId, 'RATING', new Date(closesAt));
        return {
          ...base,
          kind: notice.kind,
          ratingUrl: `${publicUrl}/customer/rate?token=${token}`,
          closesAt,
        };
      });
    }
    return { mailed: ids.length };
  }

  async function sendCustomerNotice(notice: DirectCustomerNotice): Promise<{ status: string }> {
    const customer = await prisma.taskCustomer.findUnique({ where: { id: notice.customerId } });
    if (!customer || customer.removedAt) return { status: 'not-a-customer' };
    return mailCustomer(notice.key, notice.customerId, async (base) => {
      if (notice.kind === 'welcome')
        return { ...base, kind: 'welcome', ...(await signInLink(notice.customerId)) };
      const question = await prisma.taskCustomerQuestion.findUniqueOrThrow({
        where: { id: notice.questionId },
      });
      return {
        ...base,
        kind: 'answer',
        question: question.question,
        answer: question.answer ?? '',
        ...(await signInLink(notice.customerId)),
      };
    });
  }

  return { listTaskCustomerIds, notifyTaskCustomers, sendCustomerNotice };
}

export type TaskCustomerActivities = ReturnType<typeof createTaskCustomerActivities>;
