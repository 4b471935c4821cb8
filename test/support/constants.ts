export const DEMO_PASSWORD = 'test-password-1';
export const SEED_YEAR = 2026;
