import type { StaffRole, UnitKind } from '@prisma/client';
import {
  monthWindow,
  planBscDay,
  type BscDayPlan,
  type BscMonth,
  type ReminderRound,
} from '../domain/bsc-cycle.ts';
import { loadBusinessCalendar } from '../platform/holiday-calendar.ts';
import type { Db } from '../platform/prisma.ts';
import { loadBriefing, type BriefingFormat } from '../reports/briefing.ts';
import { briefingPdf } from '../reports/briefing-pdf.ts';
import { briefingWorkbook } from '../reports/briefing-xlsx.ts';
import { loadScorecard } from '../data/scorecard.ts';
import type { MailActivities } from '../data/mail-outbox.ts';

/** Who receives a unit's monthly briefing: the person who answers for the unit. */
const UNIT_HEAD_ROLE: Record<UnitKind, StaffRole> = {
  TEAM: 'TEAM_LEADER',
  HEADQUARTERS: 'DIRECTOR',
  MINISTRY: 'HEAD',
};
const BRIEFING_LANGS = ['ko', 'en'] as const;
const BRIEFING_FORMATS: BriefingFormat[] = ['pdf', 'xlsx'];

const monthKey = ({ year, month }: BscMonth) => `${year}-${String(month).padStart(2, '0')}`;
export const briefingsPath = (year: number, unitCode: string) =>
  `/performance/${year}/scorecards/${encodeURIComponent(unitCode)}#briefings`;

/** The BSC month's activities (domain/bsc-cycle.ts): the day's plan, owner reminders, unit briefings. */
export function createBscCycleActivities(deps: {
  prisma: Db;
  sendNotification: MailActivities['sendNotification'];
}) {
  const { prisma, sendNotification } = deps;

  /** The day's plan over the holiday calendar as stored now (a holiday added during the year counts). */
  async function planBscCycleDay(input: { asOf: string }): Promise<BscDayPlan> {
    const asOf = new Date(input.asOf);
    return planBscDay(await loadBusinessCalendar(prisma, asOf), asOf);
  }

  /**
   * One mail per owner of manual KPIs whose value for the month is neither entered (pending or approved)
   * nor measured; an owner with everything in gets nothing. Keyed per month, round and owner.
   */
  async function remindKpiOwners(
    input: BscMonth & { closesOn: string; round: ReminderRound },
  ): Promise<{ reminded: number; kpis: number }> {
    const { from, to } = monthWindow(input);
    const kpis = await prisma.kpi.findMany({
      where: {
        year: input.year,
        source: 'MANUAL',
        ownerNo: { not: null },
        measurements: { none: { at: { gte: from, lt: to } } },
      },
      select: { code: true, nameKo: true, nameEn: true, ownerNo: true },
      orderBy: { code: 'asc' },
    });
    const entered = new Set(
      (
        await prisma.kpiManualEntry.findMany({
          where: {
            year: input.year,
            kpiCode: { in: kpis.map((kpi) => kpi.code) },
            status: { in: ['PENDING', 'APPROVED'] },
            submittedAt: { gte: from, lt: to },
          },
          select: { kpiCode: true },
        })
      ).map((entry) => entry.kpiCode),
    );
    const owed = new Map<string, { code: string; name: string; nameEn: string }[]>();
    for (const kpi of kpis) {
      if (entered.has(kpi.code)) continue;
      owed.set(kpi.ownerNo!, [
        ...(owed.get(kpi.ownerNo!) ?? []),
        { code: kpi.code, name: kpi.nameKo, nameEn: kpi.nameEn },
      ]);
    }
    const active = await prisma.staff.findMany({
      where: { employeeNo: { in: [...owed.keys()] }, deactivatedAt: null },
      select: { employeeNo: true },
    });
    let count = 0;
    for (const { employeeNo } of active) {
      const owned = owed.get(employeeNo)!;
      await sendNotification({
        key: `bsc-${monthKey(input)}:kpi-reminder:${input.round}:${employeeNo}`,
        to: { kind: 'staff', employeeNo },
        template: 'kpi-entry-reminder',
        data: {
          year: input.year,
          month: input.month,
          closesOn: input.closesOn,
          round: input.round,
          kpis: owned,
          entryUrl: '/performance/kpi-entries',
        },
      });
      count += owned.length;
    }
    return { reminded: active.length, kpis: count };
  }

  /** The units with a scorecard in the year, in code order. */
  async function listBriefingUnits(input: { year: number }): Promise<string[]> {
    const units = await prisma.orgUnit.findMany({
      where: { objectives: { some: { year: input.year } } },
      select: { code: true },
      orderBy: { code: 'asc' },
    });
    return units.map((unit) => unit.code);
  }

  /**
   * Generates the unit's briefing of the month (PDF and XLSX, Korean and English), archives it and mails
   * the unit's head once. A retry after the files were stored keeps them: the month's briefing is the
   * one generated first.
   */
  async function publishUnitBriefing(
    input: BscMonth & { unitCode: string },
  ): Promise<{ stored: number; mailed: boolean }> {
    const found = await loadScorecard(prisma, input.year, input.unitCode);
    if ('missing' in found) return { stored: 0, mailed: false };
    const { scorecard } = found;
    const data = await loadBriefing(prisma, scorecard, new Date());
    const redKpis = data.rows.filter((row) => row.kpi.light === 'RED').map((row) => row.kpi);
    let stored = 0;
    for (const lang of BRIEFING_LANGS) {
      for (const format of BRIEFING_FORMATS) {
        const key = { year: input.year, month: input.month, unitCode: input.unitCode, format, lang };
        const exists = await prisma.bscBriefing.findUnique({
          where: { year_month_unitCode_format_lang: key },
          select: { id: true },
        });
        if (exists) continue;
        const bytes = format === 'pdf' ? await briefingPdf(data, lang) : await briefingWorkbook(data, lang);
        await prisma.bscBriefing.upsert({
          where: { year_month_unitCode_format_lang: key },
          create: {
            ...key,
            bytes: new Uint8Array(bytes),
            score: scorecard.score,
            light: scorecard.insufficientData ? null : scorecard.light,
            redKpis: redKpis.length,
            generatedAt: data.asOf,
          },
          update: {},
        });
        stored += 1;
      }
    }
    const head = await prisma.staff.findFirst({
      where: {
        unit: { code: input.unitCode },
        role: UNIT_HEAD_ROLE[scorecard.unit.kind as UnitKind],
        deactivatedAt: null,
      },
      select: { employeeNo: true },
      orderBy: { employeeNo: 'asc' },
    });
    if (!head) return { stored, mailed: false };
    await sendNotification({
      key: `bsc-${monthKey(input)}:briefing:${input.unitCode}`,
      to: { kind: 'staff', employeeNo: head.employeeNo },
      template: 'bsc-monthly-briefing',
      data: {
        year: input.year,
        month: input.month,
        unitCode: input.unitCode,
        unitName: scorecard.unit.name,
        unitNameEn: scorecard.unit.nameEn,
        score: scorecard.score,
        light: scorecard.light,
        insufficientData: scorecard.insufficientData,
        redKpis: redKpis.map((kpi) => ({
          code: kpi.code,
          name: kpi.name,
          nameEn: kpi.nameEn,
          achievement: kpi.achievement,
        })),
        briefingsUrl: briefingsPath(input.year, input.unitCode),
      },
    });
    return { stored, mailed: true };
  }

  return { planBscCycleDay, remindKpiOwners, listBriefingUnits, publishUnitBriefing };
}

export type BscCycleActivities = ReturnType<typeof createBscCycleActivities>;
