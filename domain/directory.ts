/**
 * Rules of the organisation directory an admin maintains: which unit may sit under which, which role
 * belongs in which kind of unit, and the processing periods the law allows per kind of complaint. Pure.
 */
import type { StaffRoleName } from './policy.ts';

export const UnitKinds = ['MINISTRY', 'HEADQUARTERS', 'TEAM'] as const;
export type UnitKindName = (typeof UnitKinds)[number];

export const ComplaintKinds = ['QUESTION', 'PROPOSAL', 'GRIEVANCE', 'STATUTORY'] as const;
export type ComplaintKindName = (typeof ComplaintKinds)[number];

/**
 * The kinds a unit's parent may have. The ministry is the root; a headquarters may be nested in another
 * (실 → 국), so the tree can be deep and a move can close a loop; a team always belongs to a headquarters,
 * whose director is its manager.
 */
export const allowedParentKinds: Readonly<Record<UnitKindName, readonly UnitKindName[]>> = {
  MINISTRY: [],
  HEADQUARTERS: ['MINISTRY', 'HEADQUARTERS'],
  TEAM: ['HEADQUARTERS'],
};

/** The kinds of unit a role works in; HR and admins can sit anywhere. */
export const unitKindsForRole: Readonly<Record<StaffRoleName, readonly UnitKindName[]>> = {
  STAFF: ['TEAM'],
  TEAM_LEADER: ['TEAM'],
  DIRECTOR: ['HEADQUARTERS'],
  HEAD: ['MINISTRY'],
  HR: UnitKinds,
  ADMIN: UnitKinds,
};

/** The one head a unit has (the scorecards, escalations and evaluations look for exactly one). */
export const headRoleOf: Readonly<Record<UnitKindName, StaffRoleName>> = {
  MINISTRY: 'HEAD',
  HEADQUARTERS: 'DIRECTOR',
  TEAM: 'TEAM_LEADER',
};

/**
 * Processing periods in business days the 민원 처리에 관한 법률 시행령 allows: questions up to 14 days
 * (7 for procedures, 14 for interpreting a statute), proposals 14, grievances 7. Statutory complaints take
 * the period their own statute sets; 90 days bounds typing mistakes, not the law. Periods of 5 days
 * or less run in working hours (business-calendar.ts).
 */
export const slaDaysLimits: Readonly<Record<ComplaintKindName, { min: number; max: number }>> = {
  QUESTION: { min: 1, max: 14 },
  PROPOSAL: { min: 1, max: 14 },
  GRIEVANCE: { min: 1, max: 7 },
  STATUTORY: { min: 1, max: 90 },
};

/** Why a processing period is not allowed for a kind of complaint, or null when it is. */
export function slaDaysProblem(kind: ComplaintKindName, slaDays: number): string | null {
  const { min, max } = slaDaysLimits[kind];
  if (!Number.isInteger(slaDays) || slaDays < min || slaDays > max) {
    return `slaDays for a ${kind} complaint must be a whole number of business days from ${min} to ${max}`;
  }
  return null;
}

/**
 * Whether making `parentCode` the parent of `unitCode` would put the unit inside its own subtree.
 * `parentOf` maps every unit code to its current parent code (null for the root).
 */
export function wouldCreateCycle(
  unitCode: string,
  parentCode: string | null,
  parentOf: ReadonlyMap<string, string | null>,
): boolean {
  const seen = new Set<string>();
  for (let at = parentCode; at !== null && at !== undefined; at = parentOf.get(at) ?? null) {
    if (at === unitCode) return true;
    // A loop already in the data (it cannot arise through this API) must not hang the check.
    if (seen.has(at)) return true;
    seen.add(at);
  }
  return false;
}

/** Units in tree order (each parent before its children, siblings by code) with their depth. */
export function treeOrder<U extends { code: string; parentCode: string | null }>(
  units: readonly U[],
): Array<U & { depth: number }> {
  const children = new Map<string | null, U[]>();
  const codes = new Set(units.map((u) => u.code));
  for (const unit of units) {
    // A unit whose parent is missing from the list is shown as a root rather than dropped.
    const parent = unit.parentCode !== null && codes.has(unit.parentCode) ? unit.parentCode : null;
    children.set(parent, [...(children.get(parent) ?? []), unit]);
  }
  const ordered: Array<U & { depth: number }> = [];
  const visit = (parent: string | null, depth: number, path: Set<string>) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => a.code.localeCompare(b.code));
    for (const unit of list) {
      if (path.has(unit.code)) continue;
      ordered.push({ ...unit, depth });
      visit(unit.code, depth + 1, new Set([...path, unit.code]));
    }
  };
  visit(null, 0, new Set());
  return ordered;
}
