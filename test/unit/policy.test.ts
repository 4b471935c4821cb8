import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isHandler, isManagerOf, isTeamLeaderOf } from '../../domain/complaint-policy.ts';
import { Action, decide, permits, routeAdmits, StaffRoles, type Principal } from '../../domain/policy.ts';

const staff = (
  role: string,
  unitCode: string,
  headquartersCode: string | null,
  employeeNo = 'E1101',
): Principal => ({
  kind: 'staff',
  employeeNo,
  role,
  unitCode,
  headquartersCode,
});
const complaintScope = { teamCode: 'T11', headquartersCode: 'HQ1', assigneeNo: 'E1101' };

describe('the authorisation policy (role × action × scope)', () => {
  it('scopes complaint actions: own step, own team, own headquarters', () => {
    expect(permits(staff('STAFF', 'T11', 'HQ1', 'E1101'), Action.COMPLAINT_HANDLE, complaintScope)).toBe(
      true,
    );
    expect(permits(staff('STAFF', 'T11', 'HQ1', 'E1102'), Action.COMPLAINT_HANDLE, complaintScope)).toBe(
      false,
    );
    expect(
      permits(staff('TEAM_LEADER', 'T11', 'HQ1', 'E1100'), Action.COMPLAINT_REVIEW, complaintScope),
    ).toBe(true);
    expect(
      permits(staff('TEAM_LEADER', 'T12', 'HQ1', 'E1200'), Action.COMPLAINT_REVIEW, complaintScope),
    ).toBe(false);
    expect(permits(staff('DIRECTOR', 'HQ1', 'HQ1', 'E0100'), Action.COMPLAINT_REASSIGN, complaintScope)).toBe(
      true,
    );
    expect(permits(staff('DIRECTOR', 'HQ2', 'HQ2', 'E0200'), Action.COMPLAINT_REASSIGN, complaintScope)).toBe(
      false,
    );
    expect(permits(staff('ADMIN', 'T-IT', null, 'E0002'), Action.COMPLAINT_REASSIGN, complaintScope)).toBe(
      true,
    );
    expect(permits({ kind: 'citizen' }, Action.COMPLAINT_CITIZEN_ACT)).toBe(true);
    expect(permits({ kind: 'citizen' }, Action.COMPLAINT_HANDLE, complaintScope)).toBe(false);
    expect(permits(undefined, Action.COMPLAINT_READ, complaintScope)).toBe(false);
  });

  it('lets only the head approve the year end, and nobody adjust their own result', () => {
    for (const role of StaffRoles) {
      expect(permits(staff(role, 'X', null, 'E0001'), Action.YEAR_END_APPROVE), role).toBe(role === 'HEAD');
    }
    expect(permits(staff('HR', 'HR', null, 'E0003'), Action.YEAR_END_ADJUST, { subjectNo: 'E1101' })).toBe(
      true,
    );
    expect(permits(staff('HR', 'HR', null, 'E0003'), Action.YEAR_END_ADJUST, { subjectNo: 'E0003' })).toBe(
      false,
    );
    expect(
      decide(staff('STAFF', 'T11', 'HQ1'), Action.YEAR_END_ADJUST, { subjectNo: 'E1102' }).who,
    ).toContain('HR');
  });

  it('agrees with the complaint checks the workflow validators use, for any actor', () => {
    const actor = fc.record({
      kind: fc.constantFrom('staff' as const, 'citizen' as const, 'system' as const),
      employeeNo: fc.constantFrom('E1101', 'E1100', 'E0100', 'E0002', undefined),
      role: fc.constantFrom(...StaffRoles, undefined),
      unitCode: fc.constantFrom('T11', 'T12', 'HQ1', undefined),
      headquartersCode: fc.constantFrom('HQ1', 'HQ2', null, undefined),
    });
    fc.assert(
      fc.property(actor, (a) => {
        const isStaff = a.kind === 'staff' && !!a.employeeNo && !!a.role;
        expect(isHandler(a, { handler: { employeeNo: 'E1101', name: '', team: 'T11' } })).toBe(
          isStaff && a.employeeNo === 'E1101',
        );
        expect(isTeamLeaderOf(a, 'T11')).toBe(isStaff && a.role === 'TEAM_LEADER' && a.unitCode === 'T11');
        expect(isManagerOf(a, { teamCode: 'T11', headquartersCode: 'HQ1' })).toBe(
          isStaff &&
            ((a.role === 'TEAM_LEADER' && a.unitCode === 'T11') ||
              (a.role === 'DIRECTOR' && a.headquartersCode === 'HQ1') ||
              a.role === 'ADMIN'),
        );
      }),
    );
  });

  it('derives a route’s answer from its declared access', () => {
    expect(routeAdmits('public', 'anonymous')).toBe('allow');
    expect(routeAdmits('staff', 'anonymous')).toBe('unauthenticated');
    expect(routeAdmits('staff', 'STAFF')).toBe('allow');
    expect(routeAdmits(['HEAD'], 'HR')).toBe('forbidden');
    expect(routeAdmits(['HEAD'], 'HEAD')).toBe('allow');
  });
});
