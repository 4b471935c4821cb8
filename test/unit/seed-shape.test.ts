import { describe, expect, it } from 'vitest';
import { defaultScoringConfig } from '../../domain/scoring.ts';
import { ABSENT_EMPLOYEE_NO, UNAVAILABLE_EMPLOYEE_NO, buildSeedPlan, kstYear } from '../../prisma/seed.ts';

const today = new Date('2026-03-02T01:00:00Z');
const plan = buildSeedPlan(2026, today);
const DAY = 24 * 60 * 60 * 1000;

const staffByNo = new Map(plan.staff.map((person) => [person.employeeNo, person]));
const unitByCode = new Map(plan.units.map((unit) => [unit.code, unit]));
const objectiveByCode = new Map(plan.objectives.map((objective) => [objective.code, objective]));
const teams = plan.units.filter((unit) => unit.kind === 'TEAM');

function unique(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}

describe('seed plan: organisation and accounts', () => {
  it('has the ministry, three headquarters and nine teams in a tree', () => {
    expect(plan.units.map((unit) => unit.code)).toEqual([
      'MIN',
      'HQ1',
      'HQ2',
      'HQ3',
      'T11',
      'T12',
      'T13',
      'T21',
      'T22',
      'T23',
      'T31',
      'T32',
      'T33',
    ]);
    for (const team of teams) expect(team.parent).toBe(`HQ${team.code[1]}`);
    for (const code of ['HQ1', 'HQ2', 'HQ3']) expect(unitByCode.get(code)?.parent).toBe('MIN');
  });

  it('has the fixed accounts tests rely on', () => {
    const expected: Array<[string, string, string]> = [
      ['E0001', 'HEAD', 'MIN'],
      ['E0002', 'ADMIN', 'T33'],
      ['E0003', 'HR', 'T31'],
      ['E0004', 'HR', 'T31'],
      ['E0100', 'DIRECTOR', 'HQ1'],
      ['E0200', 'DIRECTOR', 'HQ2'],
      ['E0300', 'DIRECTOR', 'HQ3'],
    ];
    for (const [employeeNo, role, unit] of expected) {
      expect(staffByNo.get(employeeNo)).toMatchObject({ role, unit });
    }
  });

  it('gives every team a leader E{x}{y}00 and 5-6 members E{x}{y}01..06', () => {
    for (const team of teams) {
      const prefix = `E${team.code.slice(1)}`;
      expect(staffByNo.get(`${prefix}00`)).toMatchObject({
        role: 'TEAM_LEADER',
        unit: team.code,
        payGrade: '4급',
      });
      const members = plan.staff.filter((person) => person.unit === team.code && person.role === 'STAFF');
      expect(members.length).toBeGreaterThanOrEqual(5);
      expect(members.length).toBeLessThanOrEqual(6);
      members.forEach((member, index) => expect(member.employeeNo).toBe(`${prefix}0${index + 1}`));
    }
  });

  it('has unique employee numbers and emails in the portal domain', () => {
    expect(unique(plan.staff.map((person) => person.employeeNo))).toBe(true);
    expect(unique(plan.staff.map((person) => person.email))).toBe(true);
    for (const person of plan.staff) {
      expect(person.email).toBe(`${person.employeeNo.toLowerCase()}@portal.example.go.kr`);
      expect(person.nameKo).toMatch(/^[가-힣]{2,4}$/);
      expect(person.nameEn).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]*-[a-z]+$/);
    }
  });

  it('has several people in every pay-grade group', () => {
    const groups = new Map<string, number>();
    for (const person of plan.staff) groups.set(person.payGrade, (groups.get(person.payGrade) ?? 0) + 1);
    expect([...groups.keys()].sort()).toEqual(['3급', '4급', '5급', '6급', '7급']);
    for (const count of groups.values()) expect(count).toBeGreaterThanOrEqual(3);
  });

  it('has exactly one absent member (T12, a year ahead) and one unavailable member (T11)', () => {
    const absent = plan.staff.filter((person) => person.absentUntil !== null);
    const unavailable = plan.staff.filter((person) => !person.available);
    expect(absent.map((person) => person.employeeNo)).toEqual([ABSENT_EMPLOYEE_NO]);
    expect(unavailable.map((person) => person.employeeNo)).toEqual([UNAVAILABLE_EMPLOYEE_NO]);
    const e1205 = staffByNo.get('E1205');
    expect(e1205).toMatchObject({ unit: 'T12', available: true });
    expect(e1205?.absentUntil?.getTime()).toBeGreaterThanOrEqual(today.getTime() + 365 * DAY);
    expect(staffByNo.get('E1106')).toMatchObject({ unit: 'T11', available: false, absentUntil: null });
  });

  it('keeps the absent date a year ahead whatever the seeded year', () => {
    const now = new Date();
    const untilNow = buildSeedPlan(2020, now).staff.find((person) => person.employeeNo === 'E1205');
    expect(untilNow?.absentUntil?.getTime()).toBeGreaterThanOrEqual(now.getTime() + 365 * DAY);
  });
});

describe('seed plan: complaint categories', () => {
  const SLA_BY_KIND = { QUESTION: 7, PROPOSAL: 14, GRIEVANCE: 7 } as const;

  it('has 12 categories with stable codes mapped to teams', () => {
    expect(plan.categories).toHaveLength(12);
    expect(unique(plan.categories.map((category) => category.code))).toBe(true);
    for (const category of plan.categories) {
      expect(category.code).toMatch(/^[QPGS]-[A-Z]+$/);
      expect(unitByCode.get(category.team)?.kind).toBe('TEAM');
      if (category.kind !== 'STATUTORY') expect(category.slaDays).toBe(SLA_BY_KIND[category.kind]);
    }
    const statutory = plan.categories.filter((category) => category.kind === 'STATUTORY');
    expect(statutory.some((category) => category.slaDays <= 5)).toBe(true);
  });

  it('can always assign: each team has an available member, and a category skill is held there', () => {
    for (const category of plan.categories) {
      const members = plan.staff.filter(
        (person) =>
          person.unit === category.team && person.role === 'STAFF' && person.available && !person.absentUntil,
      );
      expect(members.length).toBeGreaterThanOrEqual(3);
      if (category.skill !== null) {
        expect(members.some((person) => person.skills.includes(category.skill ?? ''))).toBe(true);
      }
    }
  });
});

describe('seed plan: balanced scorecard', () => {
  const perspectiveKey = {
    CUSTOMER: 'customer',
    WORK_PERFORMANCE: 'workPerformance',
    PROCESS_INNOVATION: 'processInnovation',
    LEARNING_GROWTH: 'learningGrowth',
  } as const;

  it('has a strategy map with strategies for every unit', () => {
    expect(plan.strategyMaps.map((map) => map.unit)).toEqual(plan.units.map((unit) => unit.code));
    for (const map of plan.strategyMaps) {
      expect(map.strategies.length).toBeGreaterThanOrEqual(2);
      expect(unique(map.strategies.map((strategy) => strategy.code))).toBe(true);
    }
  });

  it('weights each unit’s perspectives with the default perspective weights', () => {
    for (const unit of plan.units) {
      const objectives = plan.objectives.filter((objective) => objective.unit === unit.code);
      for (const [perspective, key] of Object.entries(perspectiveKey)) {
        const total = objectives
          .filter((objective) => objective.perspective === perspective)
          .reduce((sum, objective) => sum + objective.weight, 0);
        expect(total).toBe(defaultScoringConfig.perspectiveWeights[key]);
      }
    }
  });

  it('cascades objectives to the parent unit’s objective of the same perspective', () => {
    expect(unique(plan.objectives.map((objective) => objective.code))).toBe(true);
    for (const objective of plan.objectives) {
      const unit = unitByCode.get(objective.unit);
      if (unit?.parent === null) {
        expect(objective.parentCode).toBeNull();
        continue;
      }
      const parent = objectiveByCode.get(objective.parentCode ?? '');
      expect(parent).toMatchObject({ unit: unit?.parent, perspective: objective.perspective });
      expect(staffByNo.has(objective.ownerNo)).toBe(true);
    }
  });

  it('gives every objective KPIs whose weights sum to 100, with sane thresholds', () => {
    expect(unique(plan.kpis.map((kpi) => kpi.code))).toBe(true);
    for (const objective of plan.objectives) {
      const kpis = plan.kpis.filter((kpi) => kpi.objective === objective.code);
      expect(kpis.length).toBeGreaterThan(0);
      expect(kpis.reduce((sum, kpi) => sum + kpi.weight, 0)).toBe(100);
    }
    for (const kpi of plan.kpis) {
      expect(objectiveByCode.has(kpi.objective)).toBe(true);
      expect(kpi.target).toBeGreaterThan(0);
      expect(kpi.direction).toBe(
        kpi.source === 'COMPLAINTS_PROCESSING_DAYS' ? 'LOWER_IS_BETTER' : 'HIGHER_IS_BETTER',
      );
      if (kpi.greenAt !== null && kpi.yellowAt !== null)
        expect(kpi.greenAt).toBeGreaterThanOrEqual(kpi.yellowAt);
    }
    expect(plan.kpis.some((kpi) => kpi.greenAt !== null)).toBe(true);
  });

  it('gives every team that handles a category (and its HQ and the ministry) complaint KPIs', () => {
    const handling = new Set(plan.categories.map((category) => category.team));
    for (const team of handling) {
      for (const unit of [team, unitByCode.get(team)?.parent ?? '', 'MIN']) {
        const sources = plan.kpis
          .filter((kpi) => objectiveByCode.get(kpi.objective)?.unit === unit)
          .map((kpi) => kpi.source);
        expect(sources).toEqual(
          expect.arrayContaining([
            'COMPLAINTS_PROCESSING_DAYS',
            'COMPLAINTS_SLA_RATE',
            'COMPLAINTS_SATISFACTION',
          ]),
        );
      }
    }
  });

  it('is deterministic', () => {
    expect(buildSeedPlan(2026, today)).toEqual(plan);
    expect(kstYear(new Date('2026-12-31T15:00:00Z'))).toBe(2027);
  });
});
