/**
 * The authorisation policy in one place: role × action × scope. Pure (no Node built-ins), so the API,
 * the activities and the workflows' Update validators all decide with the same rules; a caller who
 * bypasses the API and sends an Update directly is refused by the same table.
 *
 * Scopes: a citizen acts on their own complaint (proved by its access code or survey token, which the
 * API checks before it names the principal a citizen); staff on their own steps; a team leader on their
 * team; a director on their headquarters; HR on the year's evaluation; the head approves the year end;
 * an admin administers (audit, history, retention, the organisation directory) and may step in as a
 * manager. HR reads the staff directory and issues personnel orders (a person's unit and role), never
 * about themselves and never granting or removing the admin role; accounts, availability, units and
 * complaint categories stay with the admins.
 */

export const StaffRoles = ['STAFF', 'TEAM_LEADER', 'DIRECTOR', 'HR', 'HEAD', 'ADMIN'] as const;
export type StaffRoleName = (typeof StaffRoles)[number];

/** Who asks. Structurally the same as a complaint's Actor, a task's actor and a session's staff. */
export interface Principal {
  kind?: 'staff' | 'citizen' | 'system' | 'anonymous';
  employeeNo?: string;
  role?: string;
  unitCode?: string;
  headquartersCode?: string | null;
}

/** What is acted on: its team and headquarters, who owes its step, whose result it is. */
export interface Scope {
  teamCode?: string;
  headquartersCode?: string | null;
  /** The person whose step it is: a complaint's handler, a task's owner or pending reviewer. */
  assigneeNo?: string | null;
  /** Others with a standing part in it (a task's review chain). */
  participantNos?: readonly string[];
  /** Roles a personnel order grants or takes away. */
  roles?: readonly string[];
  /** The person a result or entry is about (year-end adjustments, KPI entries). */
  subjectNo?: string | null;
  /**
   * People whose own work it is (an innovation's proposer, a KPI entry's submitter and the KPI's owner):
   * separation of duties, they never review, adopt, score or approve it.
   */
  ownerNos?: readonly (string | null | undefined)[];
  /** For HEAD_ROLE_CONFIRM: who asked for the change, and whether the ministry has a head today. */
  requestedBy?: string;
  headExists?: boolean;
}

export const Action = {
  COMPLAINT_READ: 'complaint.read',
  /** The handler's own steps: accept, draft, request extension or information, answer a consultation. */
  COMPLAINT_HANDLE: 'complaint.handle',
  COMPLAINT_TRANSFER: 'complaint.transfer',
  COMPLAINT_REVIEW: 'complaint.review',
  COMPLAINT_REASSIGN: 'complaint.reassign',
  COMPLAINT_CITIZEN_ACT: 'complaint.citizen-act',
  /** An internal note on the case file (staff only, never shown to the citizen). */
  COMPLAINT_NOTE: 'complaint.note',
  /** A public reply to the citizen outside the answer (the citizen is mailed). */
  COMPLAINT_REPLY: 'complaint.reply',
  /** Linking a complaint to a related, duplicate or repeated one. */
  COMPLAINT_LINK: 'complaint.link',
  /** A category's answer templates: written and retired by the leader of the category's team. */
  CANNED_ANSWER_MANAGE: 'canned-answer.manage',
  TASK_READ: 'task.read',
  STUCK_VIEW: 'work.stuck',
  /** A unit's strategy map: mission, vision, strategies, objectives and KPIs. */
  STRATEGY_MAP_EDIT: 'strategy-map.edit',
  YEAR_END_RUN: 'year-end.run',
  YEAR_END_ADJUST: 'year-end.adjust',
  YEAR_END_APPROVE: 'year-end.approve',
  AUDIT_VERIFY: 'audit.verify',
  WORKFLOW_HISTORY: 'workflow.history',
  RETENTION_RUN: 'retention.run',
  /** Organisation units, complaint categories, staff accounts (creation, details, availability, deactivation). */
  DIRECTORY_MANAGE: 'directory.manage',
  STAFF_READ: 'staff.read',
  /** A personnel order: a staff member's unit and role. */
  STAFF_MOVE: 'staff.move',
  /** Public holidays of the business calendar (election days, 임시공휴일). */
  CALENDAR_MANAGE: 'calendar.manage',
  /** Review, adopt or reject an innovation proposal. Scope: the proposal's unit, its proposer in ownerNos. */
  INNOVATION_DECIDE: 'innovation.decide',
  INNOVATION_SCORE: 'innovation.score',
  /** The unit head's evaluation of a member. Scope: the member's unit as teamCode, the member as subjectNo. */
  LEADER_EVALUATE: 'evaluation.leader',
  /** Approve or reject a manual KPI value. Scope: submitter and KPI owner in ownerNos. */
  KPI_ENTRY_DECIDE: 'kpi-entry.decide',
  /** The second person of a HEAD role change: the head, or a second admin while there is no head. */
  HEAD_ROLE_CONFIRM: 'head-role.confirm',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

export interface Decision {
  allowed: boolean;
  /** Who may do it, for the refusal message. */
  who: string;
}

const isStaff = (p: Principal) => (p.kind === undefined || p.kind === 'staff') && !!p.employeeNo && !!p.role;
const hasRole = (p: Principal, ...roles: StaffRoleName[]) =>
  isStaff(p) && roles.includes(p.role as StaffRoleName);

export const isAssignee = (p: Principal, scope: Scope) =>
  isStaff(p) && !!scope.assigneeNo && p.employeeNo === scope.assigneeNo;
export const inTeam = (p: Principal, scope: Scope) =>
  isStaff(p) && !!scope.teamCode && p.unitCode === scope.teamCode;
export const leadsTeam = (p: Principal, scope: Scope) => hasRole(p, 'TEAM_LEADER') && inTeam(p, scope);
export const directsHeadquarters = (p: Principal, scope: Scope) =>
  hasRole(p, 'DIRECTOR') && !!scope.headquartersCode && p.headquartersCode === scope.headquartersCode;
const isSubject = (p: Principal, scope: Scope) => !!scope.subjectNo && p.employeeNo === scope.subjectNo;
/** Separation of duties: nobody decides on their own work. */
const ownsIt = (p: Principal, scope: Scope) =>
  isStaff(p) && (scope.ownerNos ?? []).some((no) => !!no && no === p.employeeNo);
/** The head of the unit itself (team leader, director of a headquarters, head of the ministry). */
const headsUnit = (p: Principal, scope: Scope) =>
  hasRole(p, 'TEAM_LEADER', 'DIRECTOR', 'HEAD') && inTeam(p, scope);
/** Leader of the team, director of its headquarters, or an admin. */
const managesTeam = (p: Principal, scope: Scope) =>
  leadsTeam(p, scope) || directsHeadquarters(p, scope) || hasRole(p, 'ADMIN');

interface Rule {
  who: string;
  allows: (p: Principal, scope: Scope) => boolean;
}

export const policy: Record<Action, Rule> = {
  [Action.COMPLAINT_READ]: {
    who: 'its team, its handler, the director of its headquarters, the head or an admin',
    allows: (p, s) =>
      hasRole(p, 'ADMIN', 'HEAD') || isAssignee(p, s) || inTeam(p, s) || directsHeadquarters(p, s),
  },
  [Action.COMPLAINT_HANDLE]: { who: 'the assigned handler', allows: isAssignee },
  [Action.COMPLAINT_TRANSFER]: {
    who: 'the assigned handler or a manager of the team (leader, director, admin)',
    allows: (p, s) => isAssignee(p, s) || managesTeam(p, s),
  },
  [Action.COMPLAINT_REVIEW]: { who: 'the leader of the team', allows: leadsTeam },
  [Action.COMPLAINT_REASSIGN]: {
    who: 'a manager of the team (leader, director, admin)',
    allows: managesTeam,
  },
  [Action.COMPLAINT_NOTE]: {
    who: 'its team, its handler, the director of its headquarters, the head or an admin',
    allows: (p, s) => policy[Action.COMPLAINT_READ].allows(p, s),
  },
  [Action.COMPLAINT_REPLY]: {
    who: 'the assigned handler or a manager of the team (leader, director, admin)',
    allows: (p, s) => isAssignee(p, s) || managesTeam(p, s),
  },
  [Action.COMPLAINT_LINK]: {
    who: 'the assigned handler or a manager of the team (leader, director, admin)',
    allows: (p, s) => isAssignee(p, s) || managesTeam(p, s),
  },
  [Action.CANNED_ANSWER_MANAGE]: {
    who: "the leader of the category's team or an admin",
    allows: (p, s) => leadsTeam(p, s) || hasRole(p, 'ADMIN'),
  },
  [Action.COMPLAINT_CITIZEN_ACT]: {
    who: 'the citizen who filed the complaint',
    allows: (p) => p.kind === 'citizen',
  },
  [Action.TASK_READ]: {
    who: 'its team, its reviewers, the director of its headquarters, HR, the head or an admin',
    allows: (p, s) =>
      hasRole(p, 'ADMIN', 'HEAD', 'HR') ||
      inTeam(p, s) ||
      (isStaff(p) && !!s.participantNos?.includes(p.employeeNo!)) ||
      directsHeadquarters(p, s),
  },
  [Action.STUCK_VIEW]: {
    who: 'team leaders, directors, the head or an admin',
    allows: (p) => hasRole(p, 'TEAM_LEADER', 'DIRECTOR', 'HEAD', 'ADMIN'),
  },
  // Scope: a team is { teamCode, headquartersCode: its parent }, a headquarters { headquartersCode },
  // the ministry {}. The cascade runs downward: a director edits the headquarters and its teams.
  [Action.STRATEGY_MAP_EDIT]: {
    who: "HR, an admin, the head of the ministry, the unit's team leader or the director of its headquarters",
    allows: (p, s) => hasRole(p, 'HR', 'ADMIN', 'HEAD') || leadsTeam(p, s) || directsHeadquarters(p, s),
  },
  [Action.YEAR_END_RUN]: { who: 'HR', allows: (p) => hasRole(p, 'HR', 'ADMIN') },
  [Action.YEAR_END_ADJUST]: {
    who: 'HR, on someone else’s result (nobody adjusts their own)',
    allows: (p, s) => hasRole(p, 'HR', 'ADMIN') && !isSubject(p, s),
  },
  [Action.YEAR_END_APPROVE]: { who: 'the head of the ministry', allows: (p) => hasRole(p, 'HEAD') },
  [Action.AUDIT_VERIFY]: { who: 'an admin', allows: (p) => hasRole(p, 'ADMIN') },
  [Action.WORKFLOW_HISTORY]: {
    who: 'an admin, or the director of the headquarters the work belongs to',
    allows: (p, s) => hasRole(p, 'ADMIN') || directsHeadquarters(p, s),
  },
  [Action.RETENTION_RUN]: { who: 'an admin', allows: (p) => hasRole(p, 'ADMIN') },
  [Action.DIRECTORY_MANAGE]: { who: 'an admin', allows: (p) => hasRole(p, 'ADMIN') },
  [Action.CALENDAR_MANAGE]: { who: 'an admin', allows: (p) => hasRole(p, 'ADMIN') },
  [Action.STAFF_READ]: { who: 'an admin or HR', allows: (p) => hasRole(p, 'ADMIN', 'HR') },
  [Action.STAFF_MOVE]: {
    who: 'an admin or HR, on someone else (nobody moves or promotes themselves); only an admin grants or removes the admin or head role',
    allows: (p, s) =>
      hasRole(p, 'ADMIN', 'HR') &&
      !isSubject(p, s) &&
      ((!s.roles?.includes('ADMIN') && !s.roles?.includes('HEAD')) || hasRole(p, 'ADMIN')),
  },
  [Action.INNOVATION_DECIDE]: {
    who: "HR, the unit's head or the director above it, never the proposer",
    allows: (p, s) =>
      !ownsIt(p, s) && (hasRole(p, 'HR', 'ADMIN') || headsUnit(p, s) || directsHeadquarters(p, s)),
  },
  [Action.INNOVATION_SCORE]: {
    who: "HR or the unit's head, never the proposer",
    allows: (p, s) => !ownsIt(p, s) && (hasRole(p, 'HR', 'ADMIN') || headsUnit(p, s)),
  },
  [Action.LEADER_EVALUATE]: {
    who: "the head of the member's own unit, never about themselves",
    allows: (p, s) => headsUnit(p, s) && !isSubject(p, s),
  },
  [Action.KPI_ENTRY_DECIDE]: {
    who: "HR, the head, or the head of the unit above the KPI's unit; never the one who entered it or the KPI's owner",
    allows: (p, s) => !ownsIt(p, s) && hasRole(p, 'HR', 'ADMIN', 'HEAD', 'DIRECTOR'),
  },
  [Action.HEAD_ROLE_CONFIRM]: {
    who: 'the head of the ministry, or a second admin while there is no head; never the one who asked',
    allows: (p, s) =>
      isStaff(p) &&
      p.employeeNo !== s.requestedBy &&
      (hasRole(p, 'HEAD') || (!s.headExists && hasRole(p, 'ADMIN'))),
  },
};

/**
 * complaint.read as a filter for lists and search: everything for the head and admins, else the
 * caller's team, their own cases, and for a director their headquarters. Agrees with `permits`
 * (test/unit/casework-scope.test.ts checks both over the roles).
 */
export type ComplaintReadScope =
  | { all: true }
  | { all: false; teamCode: string | null; headquartersCode: string | null; assigneeNo: string };

export function complaintReadScope(p: Principal): ComplaintReadScope | null {
  if (!isStaff(p)) return null;
  if (hasRole(p, 'ADMIN', 'HEAD')) return { all: true };
  return {
    all: false,
    teamCode: p.unitCode ?? null,
    headquartersCode: hasRole(p, 'DIRECTOR') ? (p.headquartersCode ?? null) : null,
    assigneeNo: p.employeeNo!,
  };
}

export function decide(principal: Principal | undefined, action: Action, scope: Scope = {}): Decision {
  const rule = policy[action];
  return { allowed: !!principal && rule.allows(principal, scope), who: rule.who };
}

export const permits = (principal: Principal | undefined, action: Action, scope: Scope = {}): boolean =>
  decide(principal, action, scope).allowed;

/** Route-level access: which roles a route admits before any scope check ('public', 'staff' or a list). */
export type RouteAccess = 'public' | 'staff' | readonly StaffRoleName[];

export function routeAdmits(
  access: RouteAccess,
  role: StaffRoleName | 'anonymous',
): 'allow' | 'unauthenticated' | 'forbidden' {
  if (access === 'public') return 'allow';
  if (role === 'anonymous') return 'unauthenticated';
  if (access === 'staff') return 'allow';
  return access.includes(role) ? 'allow' : 'forbidden';
}
