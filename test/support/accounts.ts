import { hash } from '@node-rs/argon2';
import type { StaffRole } from '@prisma/client';
import type { Db } from '../../platform/prisma.ts';
import { DEMO_PASSWORD } from './constants.ts';

/**
 * A staff account of a test's own, in the unit of a seeded colleague, signed in with the demo password.
 * It is not available for cases: the least-open-load rule would otherwise give other files' complaints to
 * it (test files share one database), and those files could not sign in as the handler.
 */
export async function createTestStaff(
  prisma: Db,
  input: { employeeNo: string; nameKo: string; nameEn?: string; role?: StaffRole; unitOf?: string },
): Promise<string> {
  const colleague = await prisma.staff.findUniqueOrThrow({ where: { employeeNo: input.unitOf ?? 'E1101' } });
  await prisma.staff.create({
    data: {
      employeeNo: input.employeeNo,
      nameKo: input.nameKo,
      nameEn: input.nameEn ?? input.nameKo,
      email: `${input.employeeNo.toLowerCase()}@example.go.kr`,
      role: input.role ?? 'STAFF',
      available: false,
      unitId: colleague.unitId,
      payGrade: '7급',
      passwordHash: await hash(DEMO_PASSWORD),
      skills: [],
    },
  });
  return input.employeeNo;
}
