import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';

/**
 * Replay fixtures are kept per release and never rewritten (issue 13): each history recorded by a
 * release stays in test/fixtures/histories with its SHA-256 in `manifest.json`, and every later change of
 * the workflow code is replayed against all of them (test/workflows/replay.test.ts). A re-recorded history
 * gets a new name; test/workflows/fixture-manifest.test.ts fails if a committed fixture changes or goes.
 */
export const fixtureDir = path.resolve('test/fixtures/histories');
export const manifestPath = path.join(fixtureDir, 'manifest.json');

export interface FixtureEntry {
  /** The workflow type of the recorded run (its first event). */
  workflowType: string;
  /** The release whose code recorded it: RECORD_HISTORIES=<label>, or the commit recorded from. */
  release: string;
  events: number;
  sha256: string;
}
export type FixtureManifest = Record<string, FixtureEntry>;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function readManifest(): FixtureManifest {
  return fs.existsSync(manifestPath)
    ? (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as FixtureManifest)
    : {};
}

/** The fixture files (not the manifest), by name without `.json`. */
export function fixtureNames(): string[] {
  return fs
    .readdirSync(fixtureDir)
    .filter((name) => name.endsWith('.json') && name !== 'manifest.json')
    .map((name) => name.replace(/\.json$/, ''))
    .sort();
}

export function describeHistory(json: string): Pick<FixtureEntry, 'workflowType' | 'events' | 'sha256'> {
  const events = historyFromJSON(JSON.parse(json)).events ?? [];
  const workflowType = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '(unknown)';
  return { workflowType, events: events.length, sha256: sha256(json) };
}

/** The release label histories are recorded under, or undefined when this run records nothing. */
export function recordingRelease(): string | undefined {
  const label = process.env.RECORD_HISTORIES;
  if (!label) return undefined;
  if (label !== '1' && label !== 'true') return label;
  return `git-${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`;
}

/**
 * With RECORD_HISTORIES=<release> set, adds a recorded history (the JSON `historyToJSON` or
 * `temporal workflow show --output json` writes) as a new fixture. Refuses to replace one: a fixture
 * some release recorded must keep replaying as it was.
 */
export function saveHistoryFixture(name: string, json: string): boolean {
  const release = recordingRelease();
  if (!release) return false;
  const file = path.join(fixtureDir, `${name}.json`);
  const manifest = readManifest();
  if (fs.existsSync(file) || manifest[name]) {
    throw new Error(
      `${name}.json is a committed replay fixture and is never rewritten: record under a new name`,
    );
  }
  fs.mkdirSync(fixtureDir, { recursive: true });
  fs.writeFileSync(file, json);
  manifest[name] = { ...describeHistory(json), release };
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => (a < b ? -1 : 1)));
  fs.writeFileSync(manifestPath, `${JSON.stringify(sorted, null, 2)}\n`);
  return true;
}
