import { describe, expect, it } from 'vitest';
import { Action, permits, type Principal } from '../../domain/policy.ts';

const staff = (employeeNo: string, role: string, unitCode: string, headquartersCode: string | null = 'HQ1') =>
  ({ employeeNo, role, unitCode, headquartersCode }) satisfies Principal;

const leader = staff('E1100', 'TEAM_LEADER', 'T11');
const director = staff('E1000', 'DIRECTOR', 'HQ1');
const hr = staff('E0003', 'HR', 'T31', 'HQ3');
const admin = staff('E0002', 'ADMIN', 'T33', 'HQ3');
const head = staff('E0001', 'HEAD', 'MIN', null);
const t11 = { teamCode: 'T11', headquartersCode: 'HQ1' };

describe('separation of duties: nobody decides on their own work', () => {
  it('nobody reviews or adopts their own innovation proposal, whoever they are', () => {
    for (const decider of [leader, director, hr]) {
      expect(permits(decider, Action.INNOVATION_DECIDE, { ...t11, ownerNos: ['E1102'] })).toBe(true);
      expect(permits(decider, Action.INNOVATION_DECIDE, { ...t11, ownerNos: [decider.employeeNo] })).toBe(
        false,
      );
    }
  });

  it('nobody scores their own innovation proposal', () => {
    for (const scorer of [leader, hr]) {
      expect(permits(scorer, Action.INNOVATION_SCORE, { ...t11, ownerNos: ['E1102'] })).toBe(true);
      expect(permits(scorer, Action.INNOVATION_SCORE, { ...t11, ownerNos: [scorer.employeeNo] })).toBe(false);
    }
    expect(permits(director, Action.INNOVATION_SCORE, { ...t11, ownerNos: ['E1102'] })).toBe(false);
  });

  it('nobody evaluates themselves; only the head of the member’s own unit evaluates', () => {
    expect(permits(leader, Action.LEADER_EVALUATE, { teamCode: 'T11', subjectNo: 'E1101' })).toBe(true);
    expect(permits(leader, Action.LEADER_EVALUATE, { teamCode: 'T11', subjectNo: 'E1100' })).toBe(false);
    expect(permits(leader, Action.LEADER_EVALUATE, { teamCode: 'T12', subjectNo: 'E1201' })).toBe(false);
  });

  it('nobody approves their own KPI entry, nor an entry on a KPI they own', () => {
    expect(permits(director, Action.KPI_ENTRY_DECIDE, { ownerNos: ['E1100', 'E1100'] })).toBe(true);
    expect(permits(director, Action.KPI_ENTRY_DECIDE, { ownerNos: ['E1000', 'E1100'] })).toBe(false);
    expect(permits(hr, Action.KPI_ENTRY_DECIDE, { ownerNos: ['E1100', 'E0003'] })).toBe(false);
  });

  it('only an admin asks for a HEAD role change, and HR cannot move the head', () => {
    expect(permits(hr, Action.STAFF_MOVE, { subjectNo: 'E0001', roles: ['HEAD', 'DIRECTOR'] })).toBe(false);
    expect(permits(hr, Action.STAFF_MOVE, { subjectNo: 'E1101', roles: ['STAFF', 'HEAD'] })).toBe(false);
    expect(permits(admin, Action.STAFF_MOVE, { subjectNo: 'E0001', roles: ['HEAD', 'DIRECTOR'] })).toBe(true);
  });

  it('a HEAD role change is confirmed by a second person: the head, or another admin while there is no head', () => {
    expect(permits(head, Action.HEAD_ROLE_CONFIRM, { requestedBy: 'E0002', headExists: true })).toBe(true);
    expect(permits(admin, Action.HEAD_ROLE_CONFIRM, { requestedBy: 'E0002', headExists: true })).toBe(false);
    expect(permits(admin, Action.HEAD_ROLE_CONFIRM, { requestedBy: 'E0002', headExists: false })).toBe(false);
    expect(
      permits(staff('E0009', 'ADMIN', 'T33'), Action.HEAD_ROLE_CONFIRM, {
        requestedBy: 'E0002',
        headExists: false,
      }),
    ).toBe(true);
    expect(permits(hr, Action.HEAD_ROLE_CONFIRM, { requestedBy: 'E0002', headExists: false })).toBe(false);
  });
});
