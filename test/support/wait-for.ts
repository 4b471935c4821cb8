/**
 * The one polling helper of the tests: polls until `check` returns a value that is not null, undefined or
 * false (a check that throws, such as a failing `expect`, counts as not yet), or fails after `timeoutMs`
 * with the last error. Workflow tests poll a query every 50 ms; tests reading the database every 200 ms.
 */
export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 20_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`waitFor timed out${lastError ? `: ${String(lastError)}` : ''}`);
}
