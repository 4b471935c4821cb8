import type { Actor } from '../../domain/complaint.ts';

/** The people of the complaint workflow tests: team T11 of headquarters HQ1, its handler and leader. */
export const handler: Actor = {
  kind: 'staff',
  employeeNo: 'E1101',
  role: 'STAFF',
  unitCode: 'T11',
  headquartersCode: 'HQ1',
};
export const leader: Actor = {
  kind: 'staff',
  employeeNo: 'E1100',
  role: 'TEAM_LEADER',
  unitCode: 'T11',
  headquartersCode: 'HQ1',
};
export const citizen: Actor = { kind: 'citizen' };
