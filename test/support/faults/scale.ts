/**
 * How many complaints a fault run moves. `npm run test:faults` runs the full 1,000; inside `npm test`
 * (CI, with every other suite in its time budget) a smaller run; FAULT_COMPLAINTS overrides both.
 */
export function faultComplaintCount(ciDefault: number, fullDefault = 1000): number {
  const explicit = Number(process.env.FAULT_COMPLAINTS);
  if (Number.isInteger(explicit) && explicit > 0) return explicit;
  return process.env.npm_lifecycle_event === 'test:faults' ? fullDefault : ciDefault;
}

/** Where the closing figures of each fault run are appended (one JSON line each). */
export const FIGURES_FILE = 'test-artifacts/fault-figures.jsonl';
