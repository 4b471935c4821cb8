export const DEMO_PASSWORD = 'test-password-1';
export const SEED_YEAR = 2026;

/** A seeded staff member of each role (all with DEMO_PASSWORD). */
export const ROLE_ACCOUNTS = {
  STAFF: 'E1101',
  TEAM_LEADER: 'E1100',
  DIRECTOR: 'E0100',
  HR: 'E0003',
  HEAD: 'E0001',
  ADMIN: 'E0002',
} as const;
