import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../embedded/temporal-binaries.ts';
import type { ClusterCertificates } from './certificates.ts';

/** The Temporal Web UI server (its Go module carries the built UI); the version the Compose stack runs. */
export const TEMPORAL_UI_MODULE = 'github.com/temporalio/ui-server/v2';
export const TEMPORAL_UI_VERSION = 'v2.34.0';
const uiBinary = path.join(projectRoot, '.tools', 'temporal-ui', 'ui-server');

/**
 * `.tools/temporal-ui/ui-server`, built once. Its go.mod has a replace directive, which `go install
 * module@version` refuses, so the module is downloaded and built in a scratch copy. Undefined without Go.
 */
export function ensureTemporalUi(log: (line: string) => void): string | undefined {
  if (process.env.TEMPORAL_UI_SERVER_PATH) return process.env.TEMPORAL_UI_SERVER_PATH;
  if (fs.existsSync(uiBinary)) return uiBinary;
  try {
    log(`building the Temporal Web UI server ${TEMPORAL_UI_VERSION} (once; a minute)…`);
    const info = JSON.parse(
      execFileSync('go', ['mod', 'download', '-json', `${TEMPORAL_UI_MODULE}@${TEMPORAL_UI_VERSION}`], {
        encoding: 'utf8',
        cwd: os.tmpdir(),
      }),
    ) as { Dir: string };
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-ui-build-'));
    fs.cpSync(info.Dir, scratch, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', scratch]);
    execFileSync('go', ['build', '-o', uiBinary, './cmd/server'], {
      cwd: scratch,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    fs.rmSync(scratch, { recursive: true, force: true });
    return uiBinary;
  } catch (error) {
    log(`the Temporal Web UI could not be built (${String(error).split('\n')[0]}); running without it`);
    return undefined;
  }
}

/** The Web UI on `port`, talking to the frontend with the portal's client certificate (mTLS). */
export async function startTemporalUi(options: {
  binary: string;
  dir: string;
  port: number;
  frontendAddress: string;
  namespace: string;
  certificates: ClusterCertificates;
}) {
  const configDir = path.join(options.dir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const config = {
    temporalGrpcAddress: options.frontendAddress,
    host: '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: options.namespace,
    refreshInterval: '1m',
    cors: { cookieInsecure: true, allowOrigins: [] },
    tls: {
      caFile: options.certificates.caCert,
      certFile: options.certificates.clientCert,
      keyFile: options.certificates.clientKey,
      enableHostVerification: true,
      serverName: 'localhost',
    },
  };
  fs.writeFileSync(path.join(configDir, 'ui.yaml'), JSON.stringify(config, null, 2));
  const log = fs.createWriteStream(path.join(options.dir, 'ui.log'), { flags: 'a' });
  const child = spawn(options.binary, ['--root', options.dir, '--config', 'config', '--env', 'ui', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://localhost:${options.port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`Temporal UI exited (${child.exitCode}); see ${path.join(options.dir, 'ui.log')}`);
    try {
      if ((await fetch(`http://127.0.0.1:${options.port}/`)).ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error('Temporal UI did not answer within 30 s');
    await sleep(300);
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
