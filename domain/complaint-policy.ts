import type { Actor, ComplaintState } from './complaint.ts';
import { Action, directsHeadquarters, permits } from './policy.ts';

/**
 * Who may act on a complaint, as named checks over the one policy (domain/policy.ts). The API checks
 * these before calling the workflow, and the workflow's Update validators check them again, so a caller
 * who bypasses the API is still refused.
 */
export const isCitizen = (actor: Actor) => permits(actor, Action.COMPLAINT_CITIZEN_ACT);

export const isHandler = (actor: Actor, state: Pick<ComplaintState, 'handler'>) =>
  actor.kind === 'staff' &&
  permits(actor, Action.COMPLAINT_HANDLE, { assigneeNo: state.handler?.employeeNo });

export const isTeamLeaderOf = (actor: Actor, teamCode: string) =>
  actor.kind === 'staff' && permits(actor, Action.COMPLAINT_REVIEW, { teamCode });

export const isDirectorOf = (actor: Actor, headquartersCode: string | null) =>
  actor.kind === 'staff' && directsHeadquarters(actor, { headquartersCode });

/** Managers may reassign and transfer: the team's leader, its headquarters' director, an admin. */
export const isManagerOf = (actor: Actor, state: Pick<ComplaintState, 'teamCode' | 'headquartersCode'>) =>
  actor.kind === 'staff' &&
  permits(actor, Action.COMPLAINT_REASSIGN, {
    teamCode: state.teamCode,
    headquartersCode: state.headquartersCode,
  });

export const describeActor = (actor: Actor) =>
  actor.kind === 'staff' ? `${actor.employeeNo} (${actor.role})` : actor.kind;
