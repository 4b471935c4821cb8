/** Timing helpers shared by the benchmarks: closed-loop runners, percentiles and the result line. */

export interface Sample {
  /** Round-trip times in milliseconds of the calls that succeeded. */
  latencies: number[];
  errors: number;
  firstError?: string;
  elapsedMs: number;
  /** Successful calls per second over the whole run. */
  perSecond: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => percentile(values, 50);

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/**
 * Runs `task(i)` for i = 0..count-1 (or until `durationMs` has passed) with `concurrency` calls in flight
 * at all times. A task that throws counts as an error; the first error's text is kept.
 */
export async function closedLoop(
  options: { concurrency: number; count?: number; durationMs?: number },
  task: (index: number) => Promise<void>,
): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const deadline = options.durationMs !== undefined ? started + options.durationMs : Number.POSITIVE_INFINITY;
  const more = () => (options.count === undefined || next < options.count) && performance.now() < deadline;
  const lane = async () => {
    while (more()) {
      const index = next++;
      const t0 = performance.now();
      try {
        await task(index);
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  const elapsedMs = performance.now() - started;
  return { latencies, errors, firstError, elapsedMs, perSecond: (latencies.length * 1000) / elapsedMs };
}

export function describeLatencies(values: number[]) {
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p90: round(percentile(values, 90)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
  };
}

export interface BenchResult {
  bench: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  /** Latency benchmarks add their median and 99th percentile in milliseconds (DESIGN.md). */
  p50?: number;
  p99?: number;
  notes: string;
}

/** The last line of every benchmark (DESIGN.md, "Benchmarks"). */
export function printResult(result: BenchResult) {
  console.log(JSON.stringify(result));
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
