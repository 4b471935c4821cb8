import { defineSignal } from '@temporalio/workflow';

/**
 * The 360° instrument: a year's competency items (5..8, each with a behavioural description raters score
 * against), the cycle's carried state, and the one signal the cycle listens to. Ratings themselves never
 * travel through Temporal: the API stores each one in PostgreSQL, and the cycle workflow wakes on a timer
 * (or when HR closes the cycle) to count them, so its history does not grow with the number of ratings.
 */

export interface CapabilityItemDef {
  code: string;
  nameKo: string;
  nameEn: string;
  descriptionKo: string;
  descriptionEn: string;
}

export const MIN_CAPABILITY_ITEMS = 5;
export const MAX_CAPABILITY_ITEMS = 8;

/** The default items, used for a year until HR configures its own. */
export const DEFAULT_CAPABILITY_ITEMS: readonly CapabilityItemDef[] = [
  {
    code: 'CUSTOMER',
    nameKo: '고객 지향',
    nameEn: 'Customer focus',
    descriptionKo: '민원인의 처지에서 문제를 이해하고, 기한 안에 알기 쉽게 답한다.',
    descriptionEn: "Understands the problem from the citizen's side and answers clearly and on time.",
  },
  {
    code: 'EXECUTION',
    nameKo: '업무 추진력',
    nameEn: 'Getting things done',
    descriptionKo: '목표와 일정을 스스로 세우고, 장애가 생기면 먼저 알리고 해결책을 낸다.',
    descriptionEn: 'Sets goals and milestones, raises obstacles early and proposes a way round them.',
  },
  {
    code: 'COLLABORATION',
    nameKo: '협업',
    nameEn: 'Collaboration',
    descriptionKo: '다른 부서와 정보를 나누고, 공동 과제에서 맡은 몫을 제때 해낸다.',
    descriptionEn: 'Shares information across units and delivers their part of joint work on time.',
  },
  {
    code: 'INNOVATION',
    nameKo: '혁신·개선',
    nameEn: 'Improvement',
    descriptionKo: '비효율을 찾아 개선안을 내고, 작은 실험으로 효과를 확인한다.',
    descriptionEn: 'Spots waste, proposes improvements and checks their effect with small trials.',
  },
  {
    code: 'INTEGRITY',
    nameKo: '청렴·공정',
    nameEn: 'Integrity',
    descriptionKo: '규정과 절차를 지키고, 이해관계가 있으면 먼저 밝힌다.',
    descriptionEn: 'Follows rules and procedure and declares any conflict of interest first.',
  },
  {
    code: 'DEVELOPMENT',
    nameKo: '자기계발·지식 공유',
    nameEn: 'Learning and sharing',
    descriptionKo: '필요한 역량을 꾸준히 익히고, 배운 것을 동료와 나눈다.',
    descriptionEn: 'Keeps learning what the job needs and shares it with colleagues.',
  },
];

/** Problems with a set of items, one sentence each; empty when it can be used. */
export function validateCapabilityItems(items: readonly CapabilityItemDef[]): string[] {
  const problems: string[] = [];
  if (items.length < MIN_CAPABILITY_ITEMS || items.length > MAX_CAPABILITY_ITEMS)
    problems.push(
      `a year has ${MIN_CAPABILITY_ITEMS} to ${MAX_CAPABILITY_ITEMS} items (got ${items.length})`,
    );
  const codes = new Set<string>();
  for (const item of items) {
    if (codes.has(item.code)) problems.push(`item code ${item.code} appears twice`);
    codes.add(item.code);
    for (const field of ['nameKo', 'nameEn', 'descriptionKo', 'descriptionEn'] as const) {
      if (item[field].trim().length === 0) problems.push(`item ${item.code} needs ${field}`);
    }
  }
  return problems;
}

/** A rating's overall score: the plain mean of its item scores (every item must be scored). */
export function ratingScore(
  itemScores: Readonly<Record<string, number>>,
  itemCodes: readonly string[],
): number {
  const values = itemCodes.map((code) => itemScores[code]);
  if (values.some((v) => v === undefined || !Number.isFinite(v)))
    throw new RangeError(`every item needs a score: ${itemCodes.join(', ')}`);
  return (values as number[]).reduce((sum, v) => sum + v, 0) / values.length;
}

/** What survives continue-as-new of the cycle workflow. */
export interface CapabilityCycleCarry {
  stage: 'OPEN' | 'CLOSED' | 'AGGREGATED';
  invited: number;
  submitted: number;
  reminded: boolean;
  runNumber: number;
}

/** HR closed the cycle (the row in "CapabilityCycle" says so too); several close signals count as one. */
export const closeCapabilityCycleSignal = defineSignal<[{ by: string }]>('closeCapabilityCycle');

/** How often an open cycle wakes to count the stored ratings. */
export const CAPABILITY_POLL_MS = 6 * 3_600_000;
/** Continue as new past this many events; a run of polls stays far below Temporal's limits. */
export const CAPABILITY_HISTORY_LIMIT = 1_000;
