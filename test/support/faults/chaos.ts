import { setTimeout as sleep } from 'node:timers/promises';
import { spawnWorker, type ProcessParts, type WorkerProcess } from './parts.ts';

export interface WorkerKiller {
  /** Stops killing; resolves with the number of kills and a worker left running. */
  stop(): Promise<{ kills: number; worker: WorkerProcess }>;
}

/**
 * Keeps one worker process running and kills it with SIGKILL a random 2–4 s (by default) after each
 * start has begun polling, then starts a new one at once: a crash loop in the middle of real work.
 * After `maxKills` the last worker is left running.
 */
export function killWorkerRepeatedly(
  parts: ProcessParts,
  options: {
    minUpMs?: number;
    maxUpMs?: number;
    maxKills?: number;
    /** Kill only once this says so (e.g. enough new work arrived), so the kills spread over a run. */
    mayKill?: (kills: number) => boolean;
    env?: Record<string, string>;
  } = {},
): WorkerKiller {
  const minUp = options.minUpMs ?? 2000;
  const maxUp = options.maxUpMs ?? 4000;
  const maxKills = options.maxKills ?? Number.POSITIVE_INFINITY;
  let stopped = false;
  let kills = 0;
  let generation = 0;
  let worker = spawnWorker(parts, { logName: `worker-${generation}`, env: options.env });
  const loop = (async () => {
    while (!stopped && kills < maxKills) {
      await worker.ready.catch(() => undefined);
      while (!stopped && options.mayKill && !options.mayKill(kills)) await sleep(100);
      const upFor = minUp + Math.random() * (maxUp - minUp);
      const until = Date.now() + upFor;
      while (!stopped && Date.now() < until) await sleep(100);
      if (stopped) break;
      await worker.kill('SIGKILL');
      kills += 1;
      generation += 1;
      worker = spawnWorker(parts, { logName: `worker-${generation}`, env: options.env });
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { kills, worker };
    },
  };
}
