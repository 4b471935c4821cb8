/**
 * Career development (경력개발, issue 20): each person's plan for a year — goals tied to competency items of
 * the 360° evaluation (by code), planned training and activities with hours — agreed by the team leader.
 * Pure rules shared by the API and its tests.
 */

export const DevelopmentPlanStatus = {
  DRAFT: 'DRAFT',
  SUBMITTED: 'SUBMITTED',
  AGREED: 'AGREED',
  RETURNED: 'RETURNED',
} as const;
export type DevelopmentPlanStatus = (typeof DevelopmentPlanStatus)[keyof typeof DevelopmentPlanStatus];

export const DEVELOPMENT_ACTIVITY_KINDS = ['TRAINING', 'ACTIVITY'] as const;
export type DevelopmentActivityKind = (typeof DEVELOPMENT_ACTIVITY_KINDS)[number];

/** Competency items are referenced by code (the 360° evaluation owns their names and weights). */
export const COMPETENCY_CODE_PATTERN = '^[A-Za-z][A-Za-z0-9_-]{0,39}$';

export interface DevelopmentGoalInput {
  competencyCode: string;
  goal: string;
}
export interface DevelopmentActivityInput {
  kind: DevelopmentActivityKind;
  title: string;
  competencyCode?: string;
  plannedHours: number;
}
export interface DevelopmentPlanInput {
  goals: DevelopmentGoalInput[];
  activities: DevelopmentActivityInput[];
}

/** Hours in a year a plan may hold, and one completion may record. */
export const MAX_PLANNED_HOURS = 2000;

/** What is wrong with a plan, or undefined: at least one goal, activities tied to the plan's competencies. */
export function developmentPlanProblem(plan: DevelopmentPlanInput): string | undefined {
  if (plan.goals.length === 0) return 'A development plan needs at least one goal';
  const codes = new Set(plan.goals.map((g) => g.competencyCode));
  if (plan.goals.some((g) => g.goal.trim().length === 0)) return 'Every goal needs text';
  for (const activity of plan.activities) {
    if (activity.title.trim().length === 0) return 'Every training or activity needs a title';
    if (activity.competencyCode && !codes.has(activity.competencyCode)) {
      return `The activity '${activity.title}' develops ${activity.competencyCode}, which no goal of the plan names`;
    }
  }
  const total = plan.activities.reduce((sum, a) => sum + a.plannedHours, 0);
  if (total > MAX_PLANNED_HOURS) return `The plan holds ${total} hours; at most ${MAX_PLANNED_HOURS} a year`;
  return undefined;
}

export type DevelopmentStep = 'edit' | 'submit' | 'agree' | 'return' | 'complete';

const allowedIn: Record<DevelopmentStep, readonly DevelopmentPlanStatus[]> = {
  edit: ['DRAFT', 'RETURNED'],
  submit: ['DRAFT', 'RETURNED'],
  agree: ['SUBMITTED'],
  return: ['SUBMITTED'],
  complete: ['AGREED'],
};

/** Why a step is not possible in this status, or undefined. */
export function developmentStepProblem(status: string, step: DevelopmentStep): string | undefined {
  if ((allowedIn[step] as readonly string[]).includes(status)) return undefined;
  const when: Record<DevelopmentStep, string> = {
    edit: 'A plan can be changed only as a draft or after the leader returned it',
    submit: 'Only a draft or a returned plan can be submitted',
    agree: 'Only a submitted plan can be agreed',
    return: 'Only a submitted plan can be returned',
    complete: 'Training is recorded against an agreed plan',
  };
  return `${when[step]} (the plan is ${status})`;
}

export interface DevelopmentNeedRow {
  competencyCode: string;
  people: number;
  plannedHours: number;
  completedHours: number;
}

/** Development needs across plans: per competency, how many people aim at it and the hours planned and done. */
export function developmentNeeds(
  plans: readonly {
    employeeNo: string;
    goals: readonly { competencyCode: string }[];
    activities: readonly {
      competencyCode: string | null;
      plannedHours: number;
      completedHours: number | null;
    }[];
  }[],
): DevelopmentNeedRow[] {
  const rows = new Map<string, { people: Set<string>; plannedHours: number; completedHours: number }>();
  const row = (code: string) => {
    let existing = rows.get(code);
    if (!existing) {
      existing = { people: new Set(), plannedHours: 0, completedHours: 0 };
      rows.set(code, existing);
    }
    return existing;
  };
  for (const plan of plans) {
    for (const goal of plan.goals) row(goal.competencyCode).people.add(plan.employeeNo);
    for (const activity of plan.activities) {
      if (!activity.competencyCode) continue;
      const target = row(activity.competencyCode);
      target.plannedHours += activity.plannedHours;
      target.completedHours += activity.completedHours ?? 0;
    }
  }
  return [...rows.entries()]
    .map(([competencyCode, r]) => ({
      competencyCode,
      people: r.people.size,
      plannedHours: r.plannedHours,
      completedHours: r.completedHours,
    }))
    .sort((a, b) => b.people - a.people || a.competencyCode.localeCompare(b.competencyCode));
}

/** Points (of 100) an item's mean must lie above or below the ministry's mean to count as a strength or a gap. */
export const STANDING_MARGIN = 5;

export type CompetencyStanding = 'STRENGTH' | 'GAP' | 'TYPICAL';

export interface CompetencyStandingRow {
  code: string;
  nameKo: string;
  nameEn: string;
  /** The person's mean on the item from their 360° raters; null when no anonymity-safe mean exists. */
  score: number | null;
  ministryMean: number | null;
  difference: number | null;
  standing: CompetencyStanding | null;
  /** Whether the person's development plan has a goal on this item, and its training hours. */
  hasGoal: boolean;
  plannedHours: number;
  completedHours: number;
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/**
 * The person's strengths and gaps: each 360° item's mean against the ministry's mean on it, next to what
 * their development plan does about it. Gaps come first (largest first), then typical items, then strengths.
 */
export function competencyStandings(
  items: readonly { code: string; nameKo: string; nameEn: string }[],
  mine: Readonly<Record<string, number>>,
  ministry: Readonly<Record<string, number>>,
  plan: {
    goals: readonly { competencyCode: string }[];
    activities: readonly {
      competencyCode: string | null;
      plannedHours: number;
      completedHours: number | null;
    }[];
  } | null,
): CompetencyStandingRow[] {
  const order: Record<CompetencyStanding, number> = { GAP: 0, TYPICAL: 1, STRENGTH: 2 };
  return items
    .map((item) => {
      const own = mine[item.code];
      const all = ministry[item.code];
      const score = typeof own === 'number' && Number.isFinite(own) ? oneDecimal(own) : null;
      const ministryMean = typeof all === 'number' && Number.isFinite(all) ? oneDecimal(all) : null;
      const difference = score !== null && ministryMean !== null ? oneDecimal(score - ministryMean) : null;
      const standing: CompetencyStanding | null =
        difference === null
          ? null
          : difference >= STANDING_MARGIN
            ? 'STRENGTH'
            : difference <= -STANDING_MARGIN
              ? 'GAP'
              : 'TYPICAL';
      const activities = plan?.activities.filter((a) => a.competencyCode === item.code) ?? [];
      return {
        code: item.code,
        nameKo: item.nameKo,
        nameEn: item.nameEn,
        score,
        ministryMean,
        difference,
        standing,
        hasGoal: plan?.goals.some((g) => g.competencyCode === item.code) ?? false,
        plannedHours: activities.reduce((sum, a) => sum + a.plannedHours, 0),
        completedHours: activities.reduce((sum, a) => sum + (a.completedHours ?? 0), 0),
      };
    })
    .sort(
      (a, b) =>
        (a.standing === null ? 3 : order[a.standing]) - (b.standing === null ? 3 : order[b.standing]) ||
        (a.difference ?? 0) - (b.difference ?? 0),
    );
}
