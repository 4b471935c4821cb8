import type { Db } from '../../platform/prisma.ts';

/** Sets a KPI's standing as the year's recomputation would (a red KPI for the briefing and warning tests). */
export async function setKpiStanding(
  prisma: Db,
  { year, code }: { year: number; code: string },
  standing: { actual: number; achievement: number; light: 'GREEN' | 'YELLOW' | 'RED' },
) {
  const kpi = await prisma.kpi.findUniqueOrThrow({ where: { year_code: { year, code } } });
  return prisma.kpi.update({ where: { id: kpi.id }, data: standing });
}
