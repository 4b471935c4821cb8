import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killWorkerRepeatedly } from '../support/faults/chaos.ts';
import { createDriver } from '../support/faults/driver.ts';
import { startApi, startParts, type ApiInstance, type FaultParts } from '../support/faults/parts.ts';
import { faultComplaintCount } from '../support/faults/scale.ts';
import { expectNothingLostOrDuplicated, recordFigures, settle } from '../support/faults/verify.ts';

const COMPLAINTS = faultComplaintCount(100);
/**
 * Kills of the worker, each 2–4 s after the new process began polling. Every kill strands the activities
 * it was running until their start-to-close timeout (30 s, mail 60 s), so the kills are counted, not endless.
 */
const KILLS = Number(process.env.FAULT_KILLS ?? (COMPLAINTS >= 1000 ? 25 : 6));
/** Every complaint is due this many seconds after receipt, so the timers of the ones left alone fire in the run. */
const SLA_SECONDS = 30;

let parts: FaultParts;
let api: ApiInstance;
beforeAll(async () => {
  parts = await startParts({ name: 'kills' });
  api = await startApi(parts, { COMPLAINT_TEST_SLA_SECONDS: String(SLA_SECONDS) });
});
afterAll(async () => {
  await api?.stop();
  await parts?.stop();
});

describe('the worker process is killed with SIGKILL again and again during a run', () => {
  it(
    `loses, duplicates and double-mails nothing among ${COMPLAINTS} complaints, and every due timer fires`,
    async () => {
      const startedAt = Date.now();
      const driver = await createDriver({ baseUrls: [api.baseUrl], prisma: parts.prisma, runId: 'kills' });
      // One kill per equal share of the filings, so the kills hit the whole run, not only its start.
      const killer = killWorkerRepeatedly(parts, {
        maxKills: KILLS,
        mayKill: (kills) => driver.filedCount() >= ((kills + 1) * COMPLAINTS) / (KILLS + 1),
      });
      const filed = await driver.run(COMPLAINTS, 24);
      const drivenMillis = Date.now() - startedAt;
      const { kills, worker } = await killer.stop();
      // The last worker stays up: complaints left alone must still escalate and time out on their own.
      const figures = await settle({ prisma: parts.prisma, temporal: api.temporal, filed }, 240_000);
      const record = {
        test: 'worker-kills',
        ...figures,
        kills,
        slaSeconds: SLA_SECONDS,
        httpRequests: driver.http.stats.requests,
        httpRetries: driver.http.stats.retries,
        serverErrors: driver.http.stats.serverErrors,
        drivenSeconds: Math.round(drivenMillis / 1000),
        totalSeconds: Math.round((Date.now() - startedAt) / 1000),
      };
      recordFigures(record);
      await worker.kill('SIGTERM');

      expect(driver.problems).toEqual([]);
      expect(kills).toBeGreaterThanOrEqual(Math.min(KILLS, 3));
      // Nothing lost or duplicated; nobody gets a notification twice.
      expectNothingLostOrDuplicated(figures);
      // SMTP has no two-phase commit: a SIGKILL after the mail server accepted a mail and before the outbox
      // row is marked sent makes the retry transmit that one mail again, with the same Message-ID, which the
      // receiving mailbox collapses. Mail leaves without the handler waiting for it, so several mails can be
      // in that window at one kill: each mail goes out at most twice, and no recipient sees one twice.
      expect(figures.maxTransmissionsOfOneMail).toBeLessThanOrEqual(2);
      expect(figures.timersFired).toBe(figures.timersDue);
      expect(figures.timersDue).toBeGreaterThan(0);
    },
    300_000 + COMPLAINTS * 2_000,
  );
});
