import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../worker/create-worker.ts';
import {
  describeHistory,
  fixtureDir,
  fixtureNames,
  manifestPath,
  readManifest,
  type FixtureManifest,
} from '../support/history-fixtures.ts';

/**
 * The replay fixtures are the previous releases' histories: each is kept as it was recorded (its SHA-256
 * in manifest.json), none is rewritten or dropped, and every workflow type the worker registers has
 * some, so test/workflows/replay.test.ts replays every type's old histories against each change.
 */
const manifest = readManifest();
const manifestRelative = path.relative(process.cwd(), manifestPath);

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

describe('replay fixtures are kept per release and never rewritten', () => {
  it('lists every fixture file in the manifest with the hash it was recorded with', () => {
    const names = fixtureNames();
    expect(names.length).toBeGreaterThan(0);
    expect(Object.keys(manifest).sort()).toEqual(names);
    for (const name of names) {
      const json = fs.readFileSync(path.join(fixtureDir, `${name}.json`), 'utf8');
      const { release, ...recorded } = manifest[name]!;
      expect(release, name).toMatch(/\S/);
      expect(describeHistory(json), `${name}.json changed after it was recorded`).toEqual(recorded);
    }
  });

  it('has never changed or dropped an entry of an earlier manifest (git history)', (context) => {
    const commits = git(['log', '--format=%H', '--', manifestRelative])?.split('\n').filter(Boolean);
    if (!commits || git(['rev-parse', '--is-shallow-repository'])?.trim() === 'true') {
      context.skip('no full git history here');
      return;
    }
    for (const commit of commits) {
      const earlier = JSON.parse(git(['show', `${commit}:${manifestRelative}`]) ?? '{}') as FixtureManifest;
      for (const [name, entry] of Object.entries(earlier)) {
        expect(manifest[name], `${name} (as committed in ${commit.slice(0, 8)})`).toEqual(entry);
      }
    }
  });

  it('has fixtures for every workflow type the worker registers', async () => {
    const registered = Object.entries((await import(workflowsPath)) as Record<string, unknown>)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name)
      .sort();
    expect(registered).toContain('complaintWorkflow');
    const withFixtures = new Set(Object.values(manifest).map((entry) => entry.workflowType));
    expect(registered.filter((type) => !withFixtures.has(type))).toEqual([]);
  });

  it('keeps, for the performance and 360° workflows, a run that continued as new and a run that started from carried state', () => {
    for (const workflowType of ['performanceWorkflow', 'capabilityEvaluationWorkflow']) {
      const histories = Object.entries(manifest)
        .filter(([, entry]) => entry.workflowType === workflowType)
        .map(
          ([name]) =>
            JSON.parse(fs.readFileSync(path.join(fixtureDir, `${name}.json`), 'utf8')) as {
              events: {
                eventType?: string;
                workflowExecutionStartedEventAttributes?: { continuedExecutionRunId?: string };
              }[];
            },
        );
      const types = (h: (typeof histories)[number]) => h.events.map((e) => String(e.eventType));
      expect(
        histories.some((h) => types(h).at(-1)?.includes('CONTINUED_AS_NEW')),
        `${workflowType}: a run that continued as new`,
      ).toBe(true);
      expect(
        histories.some((h) =>
          Boolean(h.events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId),
        ),
        `${workflowType}: a run continued from another`,
      ).toBe(true);
    }
  });
});
