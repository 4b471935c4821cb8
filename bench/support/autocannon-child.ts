/**
 * The load generator in its own process (spawned by bench/support/load-generator.ts): autocannon over a list
 * of requests, cycled per connection, printing autocannon's result as one JSON line on stdout. Kept out of
 * the bench process so that the client's work does not share an event loop with anything it measures.
 */
import autocannon from 'autocannon';

interface Job {
  url: string;
  connections: number;
  durationSeconds: number;
  requests: Array<{ path: string; headers?: Record<string, string> }>;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const result = await autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.durationSeconds,
  requests: job.requests.map((r) => ({ method: 'GET' as const, path: r.path, headers: r.headers })),
});
process.stdout.write(`${JSON.stringify(result)}\n`);
