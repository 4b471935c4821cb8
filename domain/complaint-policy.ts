import type { Actor, ComplaintState } from './complaint.ts';

/**
 * Who may act on a complaint. The API checks these before calling the workflow, and the workflow's
 * Update validators check them again, so a caller who bypasses the API is still refused.
 */
export const isCitizen = (actor: Actor) => actor.kind === 'citizen';

export const isHandler = (actor: Actor, state: Pick<ComplaintState, 'handler'>) =>
  actor.kind === 'staff' && !!state.handler && actor.employeeNo === state.handler.employeeNo;

export const isTeamLeaderOf = (actor: Actor, teamCode: string) =>
  actor.kind === 'staff' && actor.role === 'TEAM_LEADER' && actor.unitCode === teamCode;

export const isDirectorOf = (actor: Actor, headquartersCode: string | null) =>
  actor.kind === 'staff' && actor.role === 'DIRECTOR' && !!headquartersCode && actor.headquartersCode === headquartersCode;

/** Managers may reassign and transfer: the team's leader, its headquarters' director, an admin. */
export const isManagerOf = (actor: Actor, state: Pick<ComplaintState, 'teamCode' | 'headquartersCode'>) =>
  isTeamLeaderOf(actor, state.teamCode) ||
  isDirectorOf(actor, state.headquartersCode) ||
  (actor.kind === 'staff' && actor.role === 'ADMIN');

export const describeActor = (actor: Actor) =>
  actor.kind === 'staff' ? `${actor.employeeNo} (${actor.role})` : actor.kind;
