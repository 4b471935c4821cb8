import { Type, type TSchema } from 'typebox';
import type { Prisma } from '@prisma/client';
import { headRoleOf, unitKindsForRole, type UnitKindName } from '../../domain/directory.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { decide, type Action, type Scope, type StaffRoleName } from '../../domain/policy.ts';
import { appendAudit } from '../../platform/audit.ts';
import type { Db } from '../../platform/prisma.ts';
import { AppError, ErrorBody } from '../errors.ts';
import type { SessionStaff } from '../plugins/auth.ts';

/**
 * The organisation directory (issue 6): units, staff accounts and complaint categories. Admins manage
 * it; HR reads the staff directory and issues personnel orders (unit and role; see domain/policy.ts).
 * Every change is audited with before and after in the same transaction; changes apply to the next
 * complaint at once, because intake and assignment read these tables.
 *
 * This module holds what the directory's route modules (org units, staff, HEAD role changes, categories)
 * share: the directory lock, schema fragments, error helpers and the create-or-replay flow.
 */

export type Tx = Prisma.TransactionClient;

// Serialises directory changes, so cycle, head and duplicate checks see the state they write over.
const DIRECTORY_LOCK = 7_310_002;

export const inDirectoryTransaction = <T>(prisma: Db, work: (tx: Tx) => Promise<T>) =>
  prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DIRECTORY_LOCK})`;
    return work(tx);
  });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const UnitCode = Type.String({
  minLength: 2,
  maxLength: 20,
  pattern: '^[A-Z][A-Z0-9-]+$',
  description: 'upper-case letters, digits and dashes, e.g. T14',
});
export const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
export const Reason = Type.String({ minLength: 1, maxLength: 500, description: 'recorded in the audit log' });
export const Skill = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9-]*$' });

export const errorsOf = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
export const tags = ['admin'];

/** A 4xx naming the field, in the shape request validation uses, so forms show it next to the field. */
const fieldError = (code: ErrorCode, field: string, message: string) =>
  new AppError(code, message, [{ path: `/${field}`, message }]);
export const invalid = (field: string, message: string) => fieldError(ErrorCode.VALIDATION, field, message);
export const conflict = (field: string, message: string) => fieldError(ErrorCode.CONFLICT, field, message);

export function authorise(staff: SessionStaff, action: Action, scope: Scope = {}) {
  const decision = decide(staff, action, scope);
  if (!decision.allowed) throw new AppError(ErrorCode.FORBIDDEN, `Only ${decision.who} may do this`);
}

export const staffInclude = { unit: { select: { code: true, nameKo: true, nameEn: true } } } as const;

export async function checkRoleFitsUnit(
  tx: Tx,
  input: { employeeNo: string; role: StaffRoleName; unit: { id: number; code: string; kind: UnitKindName } },
  fieldOnMismatch: 'role' | 'unitCode',
) {
  const kinds = unitKindsForRole[input.role];
  if (!kinds.includes(input.unit.kind)) {
    throw invalid(
      fieldOnMismatch,
      `A ${input.role} works in a ${kinds.join(' or ')}, not in ${input.unit.kind} ${input.unit.code}`,
    );
  }
  if (headRoleOf[input.unit.kind] === input.role) {
    const head = await tx.staff.findFirst({
      where: {
        unitId: input.unit.id,
        role: input.role,
        deactivatedAt: null,
        employeeNo: { not: input.employeeNo },
      },
    });
    if (head) {
      throw conflict(
        fieldOnMismatch,
        `${input.unit.code} already has a ${input.role} (${head.employeeNo} ${head.nameKo}); change that first`,
      );
    }
  }
}

/** The unit a staff member is placed in: a 422 on unitCode when there is none. */
export async function staffUnit(tx: Tx, unitCode: string) {
  const unit = await tx.orgUnit.findUnique({ where: { code: unitCode } });
  if (!unit) throw invalid('unitCode', `No unit ${unitCode}`);
  return unit;
}

/**
 * Creates a directory entry named by its own key (unit code, employee number, category code), so that a
 * create may safely be sent again: under the directory lock, a stored entry that the request would have
 * created as it is makes a repeat (200, nothing written), any other stored entry a 409 on the key's field,
 * and no entry a new one, audited in the same transaction (201). Returns the status to answer with.
 */
export async function createOrReplay<Existing>(
  prisma: Db,
  entry: {
    find: (tx: Tx) => Promise<Existing | null>;
    isRepeat: (existing: Existing) => boolean | Promise<boolean>;
    taken: { field: string; message: string };
    /** Writes the new entry and returns what the audit log keeps of it. */
    create: (tx: Tx) => Promise<unknown>;
    audit: { actor: string; action: string; subject: string };
  },
): Promise<200 | 201> {
  const created = await inDirectoryTransaction(prisma, async (tx) => {
    const existing = await entry.find(tx);
    if (existing) {
      if (await entry.isRepeat(existing)) return false;
      throw conflict(entry.taken.field, entry.taken.message);
    }
    const after = await entry.create(tx);
    await appendAudit(tx, { ...entry.audit, after });
    return true;
  });
  return created ? 201 : 200;
}
