import { complaintStartSummary } from '../../domain/workflow-summaries.ts';
import { createHash, randomInt } from 'node:crypto';
import fp from 'fastify-plugin';
import { Prisma } from '@prisma/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { complaintWorkflow } from '../../workflows/complaint.ts';
import { toKstDateString } from '../../domain/business-calendar.ts';
import pg from 'pg';
import { calendarByVersion } from '../../platform/holiday-calendar.ts';
import { sqlPool } from '../../platform/prisma.ts';
import {
  ComplaintStage,
  complaintDueAt,
  complaintWorkflowId,
  type ComplaintInput,
  type ComplaintTiming,
} from '../../domain/complaint.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { AppError } from '../errors.ts';
import { attachmentRows, type StoredUpload } from './attachments.ts';
import { intakeRecordKey, openAccessCode, sealAccessCode } from '../intake-idempotency.ts';

/** What a citizen files, by whatever channel (the portal's JSON API or Open311); already validated. */
export interface IntakeRequest {
  categoryCode: string;
  title: string;
  body: string;
  citizen: { name: string; email: string; phone?: string };
  location?: { address?: string; latitude?: number; longitude?: number };
  /** The consent text version agreed to; the time is the receipt time. */
  consentVersion?: string;
  /** Files the citizen attached, their bytes already in the file store; their rows go in with the complaint. */
  attachments?: readonly StoredUpload[];
  /** Repeating a request with the same key answers with the first result and files nothing new. */
  idempotencyKey?: string;
  /** Hash of the request as the client sent it, to refuse a key reused for a different request. */
  requestHash: string;
}

export interface Filed {
  receiptNo: string;
  accessCode: string;
  stage: string;
  dueAt: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The one intake path: receipt number, complaint row, idempotency record, workflow start. */
    fileComplaint(request: IntakeRequest): Promise<Filed>;
  }
}

const ACCESS_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function newAccessCode(): string {
  return Array.from({ length: 10 }, () => ACCESS_CODE_ALPHABET[randomInt(ACCESS_CODE_ALPHABET.length)]).join(
    '',
  );
}
export const hashAccessCode = (code: string) =>
  createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

export const hashRequest = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/** A unique-constraint violation, whether from a Prisma model call (P2002) or a raw statement (23505). */
export const isUniqueViolation = (error: unknown) =>
  (error instanceof Prisma.PrismaClientKnownRequestError &&
    (error.code === 'P2002' ||
      (error.meta as { code?: string } | undefined)?.code === '23505' ||
      error.message.includes('23505'))) ||
  (error instanceof pg.DatabaseError && error.code === '23505');

/** What intake reads before filing; every column null where its row is missing. */
interface IntakeRead {
  code: string | null;
  active: boolean | null;
  slaDays: number | null;
  skill: string | null;
  teamId: number | null;
  teamCode: string | null;
  headquartersCode: string | null;
  calendarVersion: number;
  seq: string | null;
  recordHash: string | null;
  recordResponse: unknown;
}

// nextval only under CASE: a replay or an unknown category takes no receipt number.
const INTAKE_READ = `
  SELECT c.code, c.active, c."slaDays", c.skill, c."teamId", t.code AS "teamCode", p.code AS "headquartersCode",
         COALESCE((SELECT version FROM "CalendarVersion" WHERE id = 1), 1) AS "calendarVersion",
         CASE WHEN c.active AND r.key IS NULL THEN nextval('complaint_receipt_seq') END AS seq,
         r."requestHash" AS "recordHash", r.response AS "recordResponse"
    FROM (SELECT 1) AS one
    LEFT JOIN "ComplaintCategory" c ON c.code = $1
    LEFT JOIN "OrgUnit" t ON t.id = c."teamId"
    LEFT JOIN "OrgUnit" p ON p.id = t."parentId"
    LEFT JOIN "IdempotencyRecord" r ON r.key = $2`;

export const complaintIntakePlugin = fp(
  async (app) => {
    const testTiming = (): ComplaintTiming | undefined =>
      app.config.COMPLAINT_TEST_SLA_SECONDS
        ? { testSlaMillis: app.config.COMPLAINT_TEST_SLA_SECONDS * 1000 }
        : undefined;

    async function startComplaintWorkflow(input: ComplaintInput) {
      try {
        await app.temporal.workflow.start<typeof complaintWorkflow>('complaintWorkflow', {
          workflowId: complaintWorkflowId(input.receiptNo),
          taskQueue: app.config.TEMPORAL_TASK_QUEUE,
          // A receipt's workflow runs once: a client retrying intake after the complaint closed starts nothing.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [input],
          ...complaintStartSummary(input),
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }

    const calendarFor = calendarByVersion(app.prisma);

    async function fileComplaint(request: IntakeRequest): Promise<Filed> {
      const { idempotencyKey, requestHash } = request;
      // Intake is the public hot path: a few round trips, no interactive transaction (see README, Benchmarks).
      const replay = async (record: { requestHash: string; response: unknown } | null) => {
        if (!record) return undefined;
        if (record.requestHash !== requestHash) {
          throw new AppError(
            ErrorCode.CONFLICT,
            'Idempotency-Key was already used with a different request body',
          );
        }
        const stored = record.response as {
          filed: Omit<Filed, 'accessCode'>;
          accessCodeSealed: string;
          input: ComplaintInput;
        };
        await startComplaintWorkflow(stored.input);
        const accessCode = openAccessCode(idempotencyKey!, stored.filed.receiptNo, stored.accessCodeSealed);
        return { ...stored.filed, accessCode };
      };
      const findRecord = () =>
        idempotencyKey
          ? app.prisma.idempotencyRecord.findUnique({ where: { key: intakeRecordKey(idempotencyKey) } })
          : Promise.resolve(null);

      // One round trip: the category with its team and headquarters, the earlier record under this key,
      // the calendar's version, and a receipt number only when a new complaint will be filed.
      const { rows } = await sqlPool(app.prisma).query<IntakeRead>({
        name: 'complaint-intake-read',
        text: INTAKE_READ,
        values: [request.categoryCode, idempotencyKey ? intakeRecordKey(idempotencyKey) : null],
      });
      const { recordHash, recordResponse, seq, calendarVersion, ...category } = rows[0]!;
      const replayed = await replay(
        recordHash === null ? null : { requestHash: recordHash, response: recordResponse },
      );
      if (replayed) return replayed;
      // seq is given only for an active category (see INTAKE_READ).
      const { code, teamId, teamCode, slaDays } = category;
      if (seq === null || code === null || teamId === null || teamCode === null || slaDays === null) {
        throw new AppError(ErrorCode.VALIDATION, `Unknown complaint category: ${request.categoryCode}`);
      }
      const receivedAt = new Date();
      const timing = testTiming();
      const dueAt = complaintDueAt(
        await calendarFor(receivedAt, calendarVersion),
        receivedAt,
        slaDays,
        timing,
      );
      const accessCode = newAccessCode();
      const year = toKstDateString(receivedAt).slice(0, 4);
      const receiptNo = `MW-${year}-${seq.padStart(7, '0')}`;
      const input: ComplaintInput = {
        receiptNo,
        categoryCode: code,
        teamCode,
        headquartersCode: category.headquartersCode,
        slaDays,
        skill: category.skill ?? undefined,
        receivedAt: receivedAt.toISOString(),
        dueAt: dueAt.toISOString(),
        ...(timing ? { timing } : {}),
      };
      const filed = { receiptNo, accessCode, stage: ComplaintStage.RECEIVED, dueAt: dueAt.toISOString() };
      const { citizen, location } = request;
      // One statement writes the complaint and its idempotency record: both or neither.
      const complaintRow = Prisma.sql`
        INSERT INTO "Complaint" ("receiptNo", "categoryCode", "teamId", title, body, "citizenName", "citizenEmail",
                                 "citizenPhone", "locationAddress", latitude, longitude, "consentVersion", "consentedAt",
                                 "accessCodeHash", stage, "receivedAt", "dueAt", "updatedAt")
        VALUES (${receiptNo}, ${code}, ${teamId}, ${request.title}, ${request.body},
                ${citizen.name}, ${citizen.email}, ${citizen.phone ?? null}, ${location?.address ?? null},
                ${location?.latitude ?? null}, ${location?.longitude ?? null}, ${request.consentVersion ?? null},
                ${request.consentVersion ? receivedAt : null}, ${hashAccessCode(accessCode)},
                ${ComplaintStage.RECEIVED}, ${receivedAt}, ${dueAt}, ${receivedAt})`;
      const statement = idempotencyKey
        ? Prisma.sql`
            WITH complaint AS (${complaintRow} RETURNING "receiptNo")
            INSERT INTO "IdempotencyRecord" (key, scope, "requestHash", response)
            SELECT ${intakeRecordKey(idempotencyKey)}, 'complaint-intake', ${requestHash},
                   ${JSON.stringify({
                     filed: { receiptNo, stage: filed.stage, dueAt: filed.dueAt },
                     accessCodeSealed: sealAccessCode(idempotencyKey, receiptNo, accessCode),
                     input,
                   })}::jsonb
            FROM complaint`
        : complaintRow;
      const attachments = request.attachments ?? [];
      try {
        if (attachments.length === 0) {
          await sqlPool(app.prisma).query(statement.text, statement.values);
        } else {
          // The complaint and its attachment rows together or not at all (the bytes are stored already).
          await app.prisma.$transaction(async (tx) => {
            await tx.$executeRaw(statement);
            await tx.complaintAttachment.createMany({
              data: attachmentRows(attachments, { receiptNo, messageId: null, uploadedBy: 'citizen' }),
            });
          });
        }
      } catch (error) {
        // A concurrent retry with the same key won the race: answer with its result.
        if (isUniqueViolation(error)) {
          const raced = await replay(await findRecord());
          if (raced) return raced;
        }
        throw error;
      }
      await startComplaintWorkflow(input);
      return filed;
    }

    app.decorate('fileComplaint', fileComplaint);
  },
  { name: 'complaint-intake', dependencies: ['services'] },
);
