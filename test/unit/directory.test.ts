import { describe, expect, it } from 'vitest';
import { slaDaysProblem, treeOrder, wouldCreateCycle } from '../../domain/directory.ts';
import { Action, permits } from '../../domain/policy.ts';

const parentOf = new Map<string, string | null>([
  ['MIN', null],
  ['HQ1', 'MIN'],
  ['HQ1A', 'HQ1'],
  ['T11', 'HQ1A'],
  ['HQ2', 'MIN'],
]);

describe('organisation directory rules', () => {
  it('finds a move that would put a unit inside its own subtree', () => {
    expect(wouldCreateCycle('HQ1', 'HQ1', parentOf)).toBe(true);
    expect(wouldCreateCycle('HQ1', 'HQ1A', parentOf)).toBe(true);
    expect(wouldCreateCycle('HQ1', 'T11', parentOf)).toBe(true);
    expect(wouldCreateCycle('HQ1A', 'HQ2', parentOf)).toBe(false);
    expect(wouldCreateCycle('HQ1', null, parentOf)).toBe(false);
    // A loop already in the data does not hang the check.
    const broken = new Map<string, string | null>([
      ['A', 'B'],
      ['B', 'A'],
      ['C', null],
    ]);
    expect(wouldCreateCycle('C', 'A', broken)).toBe(true);
  });

  it('allows the processing periods the law sets per kind of complaint', () => {
    expect(slaDaysProblem('QUESTION', 7)).toBeNull();
    expect(slaDaysProblem('QUESTION', 14)).toBeNull();
    expect(slaDaysProblem('QUESTION', 15)).toContain('1 to 14');
    expect(slaDaysProblem('PROPOSAL', 14)).toBeNull();
    expect(slaDaysProblem('GRIEVANCE', 8)).toContain('1 to 7');
    expect(slaDaysProblem('STATUTORY', 3)).toBeNull();
    expect(slaDaysProblem('STATUTORY', 0)).not.toBeNull();
    expect(slaDaysProblem('STATUTORY', 2.5)).not.toBeNull();
  });

  it('orders units parents first, siblings by code, with their depth', () => {
    const units = [...parentOf].map(([code, parentCode]) => ({ code, parentCode }));
    expect(treeOrder(units.reverse()).map((u) => `${u.depth}:${u.code}`)).toEqual([
      '0:MIN',
      '1:HQ1',
      '2:HQ1A',
      '3:T11',
      '1:HQ2',
    ]);
  });
});

describe('who may change the directory (domain/policy.ts)', () => {
  const admin = { employeeNo: 'E0002', role: 'ADMIN' };
  const hr = { employeeNo: 'E0003', role: 'HR' };
  const leader = { employeeNo: 'E1100', role: 'TEAM_LEADER' };

  it('lets admins manage units, categories and accounts, and nobody else', () => {
    expect(permits(admin, Action.DIRECTORY_MANAGE)).toBe(true);
    for (const other of [hr, leader, { employeeNo: 'E0001', role: 'HEAD' }])
      expect(permits(other, Action.DIRECTORY_MANAGE)).toBe(false);
  });

  it('lets HR read staff and move or promote someone else, but not themselves and not into or out of ADMIN', () => {
    expect(permits(hr, Action.STAFF_READ)).toBe(true);
    expect(permits(leader, Action.STAFF_READ)).toBe(false);
    expect(permits(hr, Action.STAFF_MOVE, { subjectNo: 'E1101', roles: ['STAFF', 'TEAM_LEADER'] })).toBe(
      true,
    );
    expect(permits(hr, Action.STAFF_MOVE, { subjectNo: 'E0003' })).toBe(false);
    expect(permits(hr, Action.STAFF_MOVE, { subjectNo: 'E1101', roles: ['STAFF', 'ADMIN'] })).toBe(false);
    expect(permits(hr, Action.STAFF_MOVE, { subjectNo: 'E0002', roles: ['ADMIN', 'STAFF'] })).toBe(false);
    expect(permits(admin, Action.STAFF_MOVE, { subjectNo: 'E1101', roles: ['STAFF', 'ADMIN'] })).toBe(true);
    expect(permits(admin, Action.STAFF_MOVE, { subjectNo: 'E0002', roles: ['ADMIN', 'STAFF'] })).toBe(false);
    expect(permits(leader, Action.STAFF_MOVE, { subjectNo: 'E1101' })).toBe(false);
  });
});
