import type { Client } from '@temporalio/client';
import type { Db } from '../platform/prisma.ts';
import type { Mailer } from '../platform/mailer.ts';
import type { FileStore } from '../platform/file-store.ts';
import { createBscCycleActivities } from './bsc-cycle.ts';
import { createCalendarActivities } from './calendar.ts';
import { createCapabilityActivities } from './capability.ts';
import { createComplaintActivities } from './complaint.ts';
import { createMailActivities, createOutbox } from '../data/mail-outbox.ts';
import { createOutcomeReportActivities } from '../data/outcome-report.ts';
import { createPerformanceActivities } from './performance.ts';
import { createPolicyTaskActivities } from './policy-task.ts';
import { createRetentionActivities } from './retention.ts';
import { createTaskCustomerActivities } from './task-customers.ts';

export interface ActivityDeps {
  prisma: Db;
  mailer: Mailer;
  mailFrom: string;
  publicUrl: string;
  temporal: Client;
  taskQueue: string;
  /** Attachment bytes (the retention job deletes them). */
  fileStore: FileStore;
}

/** All activities the worker registers, built over their dependencies. */
export function createActivities(deps: ActivityDeps) {
  const { sendNotification } = createMailActivities({
    prisma: deps.prisma,
    mailer: deps.mailer,
    from: deps.mailFrom,
    publicUrl: deps.publicUrl,
  });
  return {
    ...createComplaintActivities({ prisma: deps.prisma }),
    ...createCalendarActivities({ prisma: deps.prisma, temporal: deps.temporal }),
    ...createMailActivities({
      prisma: deps.prisma,
      mailer: deps.mailer,
      from: deps.mailFrom,
      publicUrl: deps.publicUrl,
    }),
    ...createOutcomeReportActivities({
      prisma: deps.prisma,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
    }),
    ...createPolicyTaskActivities({ prisma: deps.prisma }),
    ...createRetentionActivities({ prisma: deps.prisma, fileStore: deps.fileStore }),
    ...createTaskCustomerActivities({
      prisma: deps.prisma,
      deliver: createOutbox({ prisma: deps.prisma, mailer: deps.mailer, from: deps.mailFrom }),
      publicUrl: deps.publicUrl,
    }),
    ...createPerformanceActivities({ prisma: deps.prisma, sendNotification }),
    ...createCapabilityActivities({ prisma: deps.prisma, sendNotification }),
    ...createBscCycleActivities({ prisma: deps.prisma, sendNotification }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
