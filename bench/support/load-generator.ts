/** autocannon run as a child process (bench/support/autocannon-child.ts), with the figures a bench reports. */
import { spawn } from 'node:child_process';
import { projectRoot } from '../../embedded/temporal-binaries.ts';

export interface LoadResult {
  /** Successful (2xx) answers per second over the run. */
  perSecond: number;
  p50: number;
  p99: number;
  total2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export async function autocannonRun(job: {
  url: string;
  connections: number;
  durationSeconds: number;
  requests: Array<{ path: string; headers?: Record<string, string> }>;
}): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/support/autocannon-child.ts', JSON.stringify(job)],
    {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = out.trim().split('\n').at(-1);
  if (code !== 0 || !line) throw new Error(`autocannon exited ${code}: ${err.slice(-2000)}`);
  const result = JSON.parse(line) as {
    duration: number;
    latency: { p50: number; p99: number };
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  return {
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
