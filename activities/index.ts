import type { Db } from '../platform/prisma.ts';
import type { Mailer } from '../platform/mailer.ts';
import { createComplaintActivities } from './complaint.ts';
import { createMailActivities } from './mail.ts';

export interface ActivityDeps {
  prisma: Db;
  mailer: Mailer;
  mailFrom: string;
}

/** All activities the worker registers, built over their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createComplaintActivities({ prisma: deps.prisma }),
    ...createMailActivities({ prisma: deps.prisma, mailer: deps.mailer, from: deps.mailFrom }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
