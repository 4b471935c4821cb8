import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/time-skipping.ts';
import { fixtureDir, fixtureNames } from '../support/history-fixtures.ts';

/**
 * Every history under test/fixtures/histories was recorded from a real run by some release
 * (RECORD_HISTORIES=<release>, see test/support/history-fixtures.ts) and is kept as it was. Replaying them
 * all against today's workflow code fails on any non-deterministic change.
 */
const fixtures = fixtureNames().map((name) => `${name}.json`);

describe('recorded workflow histories replay deterministically', () => {
  it('has recorded histories to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(2);
  });

  for (const name of fixtures) {
    it(`replays ${name}`, async () => {
      try {
        Runtime.install({ logger: new DefaultLogger('WARN') });
      } catch {
        // already installed by another test in this process
      }
      const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(fixtureDir, name), 'utf8')));
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), replayName: name },
        history,
        name.replace(/\.json$/, ''),
      );
    });
  }
});
