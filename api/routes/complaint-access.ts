import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/complaint.ts';
import { hashSurveyToken } from '../../data/mail-outbox.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { Action, permits } from '../../domain/policy.ts';
import { AppError } from '../errors.ts';
import { complaintViewFor, loadComplaintForView, loadRepeatOf } from '../complaint-views.ts';
import type { SessionStaff } from '../plugins/auth.ts';
import { hashAccessCode } from '../plugins/complaint-intake.ts';
import { citizenSessionEmail, normaliseEmail } from '../plugins/citizen-session.ts';

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Staff who may read a complaint: the policy's complaint.read (team, handler, director, head, admin). */
function staffMayRead(
  staff: SessionStaff,
  complaint: { teamCode: string; hqCode: string | null; handlerNo: string | null },
) {
  return permits(staff, Action.COMPLAINT_READ, {
    teamCode: complaint.teamCode,
    headquartersCode: complaint.hqCode,
    assigneeNo: complaint.handlerNo,
  });
}

/**
 * Who may read a complaint and what they see, shared by the complaint routes (complaints.ts) and the action
 * routes (complaint-action-routes.ts): the citizen with the access code, a survey token or a mailed sign-in
 * link, staff in scope; anything else looks like a missing complaint.
 */
export function complaintAccess(app: FastifyInstance) {
  const notFound = () =>
    new AppError(ErrorCode.NOT_FOUND, 'No complaint matches that receipt number and access code');

  /** The complaint with everything its view needs, in one statement (api/complaint-views.ts). */
  const loadComplaint = (receiptNo: string) => loadComplaintForView(app.prisma, receiptNo);
  type LoadedComplaint = NonNullable<Awaited<ReturnType<typeof loadComplaint>>>;

  /** Citizen (access code or survey token) or staff in scope; anything else looks like a missing complaint. */
  async function authoriseReader(
    request: FastifyRequest,
    receiptNo: string,
    options: { surveyToken?: string; staffAllowed?: boolean } = {},
    loaded?: Pick<LoadedComplaint, 'accessCodeHash' | 'citizenEmail' | 'team' | 'handler'> | null,
  ): Promise<Actor> {
    const complaint =
      loaded !== undefined
        ? loaded
        : await app.prisma.complaint.findUnique({
            where: { receiptNo },
            include: { team: { include: { parent: true } }, handler: true },
          });
    const accessCode = request.headers['x-access-code'];
    if (typeof accessCode === 'string' && accessCode.length > 0) {
      if (!complaint || !sameHash(complaint.accessCodeHash, hashAccessCode(accessCode))) throw notFound();
      return { kind: 'citizen' };
    }
    if (options.surveyToken) {
      const token = await app.prisma.surveyToken.findUnique({
        where: { tokenHash: hashSurveyToken(options.surveyToken) },
      });
      if (!complaint || !token || token.receiptNo !== receiptNo || token.expiresAt < new Date()) {
        throw new AppError(ErrorCode.NOT_FOUND, 'This survey link is not valid or has expired');
      }
      return { kind: 'citizen' };
    }
    // Signed in by a mailed link: the complaints filed with that address (issue 18).
    const linkedEmail = await citizenSessionEmail(app.prisma, request);
    if (linkedEmail && complaint && normaliseEmail(complaint.citizenEmail) === linkedEmail) {
      return { kind: 'citizen' };
    }
    const staff = request.staff;
    if (staff && options.staffAllowed !== false) {
      if (
        !complaint ||
        !staffMayRead(staff, {
          teamCode: complaint.team.code,
          hqCode: complaint.team.parent?.code ?? null,
          handlerNo: complaint.handler?.employeeNo ?? null,
        })
      ) {
        throw notFound();
      }
      return {
        kind: 'staff',
        employeeNo: staff.employeeNo,
        role: staff.role,
        unitCode: staff.unitCode,
        headquartersCode: staff.headquartersCode,
      };
    }
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Give the access code (X-Access-Code) or sign in as staff');
  }

  async function loadComplaintView(receiptNo: string, viewer: Actor) {
    const complaint = await loadComplaint(receiptNo);
    if (!complaint) throw notFound();
    return toView(complaint, viewer);
  }

  /** Built in api/complaint-views.ts: the whole case for staff in scope, an allow-listed view for the citizen. */
  async function toView(complaint: LoadedComplaint, viewer: Actor) {
    return complaintViewFor(app.prisma, complaint, viewer, await loadRepeatOf(app.prisma, complaint));
  }

  /**
   * §23 (민원 처리에 관한 법률): a complaint may be closed as a repeat only of the same citizen's earlier
   * complaint that was already answered. The workflow cannot read the database, so the API checks this.
   */
  async function checkEarlierAnswered(receiptNo: string, earlierReceiptNo: string) {
    const refuse = (message: string, rule: string) =>
      new AppError(ErrorCode.VALIDATION, `earlierReceiptNo: ${message}`, [
        { path: '/earlierReceiptNo', message, rule },
      ]);
    if (earlierReceiptNo === receiptNo) throw refuse('must be another complaint', 'earlier-same');
    const [current, earlier] = await Promise.all([
      app.prisma.complaint.findUniqueOrThrow({ where: { receiptNo } }),
      app.prisma.complaint.findUnique({ where: { receiptNo: earlierReceiptNo } }),
    ]);
    if (!earlier || normaliseEmail(earlier.citizenEmail) !== normaliseEmail(current.citizenEmail)) {
      throw refuse('must be an earlier complaint of the same citizen', 'earlier-not-same-citizen');
    }
    if (earlier.receivedAt >= current.receivedAt)
      throw refuse('must have been filed before this one', 'earlier-not-before');
    if (!earlier.answeredAt || !earlier.answer)
      throw refuse('must already have been answered', 'earlier-not-answered');
  }

  return { notFound, loadComplaint, authoriseReader, loadComplaintView, toView, checkEarlierAnswered };
}
