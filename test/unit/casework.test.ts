import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Action,
  complaintReadScope,
  permits,
  StaffRoles,
  type ComplaintReadScope,
  type Principal,
} from '../../domain/policy.ts';
import { absoluteLinks, citizenMailData, renderMail } from '../../domain/mail-templates.ts';
import { likePattern, maskName } from '../../api/complaint-search.ts';

/** What the list's WHERE clause (api/complaint-search.ts scopeCondition) admits, evaluated in memory. */
function admittedBy(scope: ComplaintReadScope | null, principal: Principal, c: Complaint): boolean {
  if (!scope) return false;
  if (scope.all) return true;
  return (
    c.assigneeNo === principal.employeeNo ||
    (scope.teamCode !== null && c.teamCode === scope.teamCode) ||
    (scope.headquartersCode !== null && c.headquartersCode === scope.headquartersCode)
  );
}
interface Complaint {
  teamCode: string;
  headquartersCode: string;
  assigneeNo: string;
}

const teams = { T11: 'HQ1', T12: 'HQ1', T21: 'HQ2', T31: 'HQ3' } as const;
const teamArb = fc.constantFrom(...(Object.keys(teams) as (keyof typeof teams)[]));
const employeeArb = fc.constantFrom('E1', 'E2', 'E3');

describe('casework rules', () => {
  it('lists exactly the complaints complaint.read permits, for every role, team and handler', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...StaffRoles),
        teamArb,
        employeeArb,
        teamArb,
        employeeArb,
        (role, unit, employeeNo, team, assigneeNo) => {
          const principal: Principal = {
            kind: 'staff',
            employeeNo,
            role,
            unitCode: unit,
            headquartersCode: teams[unit],
          };
          const complaint = { teamCode: team, headquartersCode: teams[team], assigneeNo };
          expect(admittedBy(complaintReadScope(principal), principal, complaint)).toBe(
            permits(principal, Action.COMPLAINT_READ, complaint),
          );
        },
      ),
    );
    expect(complaintReadScope({ kind: 'citizen' })).toBeNull();
  });

  it('sends a citizen only the allow-listed fields of a mail, whatever the caller passed', () => {
    const data = {
      receiptNo: 'MW-2026-0000001',
      title: '제목',
      dueAt: '2026-12-10T09:00:00.000Z',
      reason: '자료 확인',
      newDueAt: '2026-12-20T09:00:00.000Z',
      opinion: 'SECRET-OPINION',
      actor: 'E1100 (TEAM_LEADER)',
    };
    const shown = citizenMailData('complaint-extended', data);
    expect(Object.keys(shown).sort()).toEqual(['dueAt', 'newDueAt', 'reason', 'receiptNo', 'title']);
    const text = renderMail('complaint-extended', shown as never).text;
    expect(text).toContain('자료 확인');
    expect(text).not.toContain('SECRET-OPINION');
    expect(text).not.toContain('TEAM_LEADER');
    // A staff template addressed to a citizen carries nothing but the receipt number, title and due time.
    expect(Object.keys(citizenMailData('complaint-returned', data)).sort()).toEqual([
      'dueAt',
      'receiptNo',
      'title',
    ]);
  });

  it('makes every link in mail data absolute under PUBLIC_URL and leaves other fields alone', () => {
    const data = absoluteLinks(
      {
        statusUrl: '/my-space?receiptNo=MW-2026-0000001',
        surveyUrl: 'https://x.kr/s',
        reason: '/not-a-link',
      },
      'https://minwon.example.go.kr/',
    );
    expect(data).toEqual({
      statusUrl: 'https://minwon.example.go.kr/my-space?receiptNo=MW-2026-0000001',
      surveyUrl: 'https://x.kr/s',
      reason: '/not-a-link',
    });
  });

  it('masks citizen names in lists and treats LIKE wildcards in a query as text', () => {
    expect(maskName('김민원')).toBe('김*원');
    expect(maskName('남궁민수')).toBe('남**수');
    expect(maskName('이훈')).toBe('이*');
    expect(likePattern('100%_off\\')).toBe('%100\\%\\_off\\\\%');
  });
});
