import type { Client } from '@temporalio/client';
import type { Db } from '../platform/prisma.ts';
import type { Mailer } from '../platform/mailer.ts';
import { createComplaintActivities } from './complaint.ts';
import { createMailActivities } from './mail.ts';
import { createOutcomeReportActivities } from './performance-report.ts';

export interface ActivityDeps {
  prisma: Db;
  mailer: Mailer;
  mailFrom: string;
  temporal: Client;
  taskQueue: string;
}

/** All activities the worker registers, built over their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createComplaintActivities({ prisma: deps.prisma }),
    ...createMailActivities({ prisma: deps.prisma, mailer: deps.mailer, from: deps.mailFrom }),
    ...createOutcomeReportActivities({ temporal: deps.temporal, taskQueue: deps.taskQueue }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
