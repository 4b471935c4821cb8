import { spawn, type ChildProcess } from 'node:child_process';
import { logFormatFrom, prettyLogLine, splitLines } from './log-lines.ts';
import { projectRoot } from './temporal-binaries.ts';

export interface NodeChild {
  name: string;
  child(): ChildProcess | undefined;
  /** Starts the script (again) with the same environment. */
  start(): void;
  /** Sends the signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * The processes a launcher starts and the parts it must stop, in reverse order, on Ctrl-C or when a
 * child dies unexpectedly. Children's logs pass through one formatter (see log-lines.ts).
 */
export function createSupervisor(prefix: string) {
  const stops: Array<() => Promise<unknown>> = [];
  const children: NodeChild[] = [];
  let stopping = false;
  const format = logFormatFrom(process.env);
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const showRequests = process.env.LOG_REQUESTS === 'true';
  const log = (message: string) => console.log(`[${prefix}] ${message}`);

  async function stopAll(exitCode: number) {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await Promise.all(children.map((child) => child.stop('SIGTERM')));
    for (const stop of stops.reverse()) await stop().catch((error) => log(`stop failed: ${String(error)}`));
    log('stopped');
    process.exit(exitCode);
  }
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  /** `node --import tsx script` as a child; its exit (unless stopped on purpose) stops everything. */
  function runNode(
    name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    options: { restartable?: boolean } = {},
  ) {
    let current: ChildProcess | undefined;
    let stoppedOnPurpose = false;
    const handle: NodeChild = {
      name,
      child: () => current,
      start() {
        stoppedOnPurpose = false;
        const spawned = spawn(process.execPath, ['--import', 'tsx', script], {
          cwd: projectRoot,
          env,
          stdio: ['ignore', format === 'json' ? 'inherit' : 'pipe', format === 'json' ? 'inherit' : 'pipe'],
        });
        current = spawned;
        if (format === 'pretty') {
          const show = splitLines((line) => {
            const shown = prettyLogLine(name, line, { color, showRequests });
            if (shown !== undefined) console.log(shown);
          });
          spawned.stdout?.on('data', show);
          spawned.stderr?.on('data', show);
        }
        spawned.once('exit', (code, signal) => {
          if (stopping || stoppedOnPurpose || options.restartable) return;
          log(`${name} exited (${signal ?? code}); stopping the rest`);
          void stopAll(1);
        });
      },
      async stop(signal = 'SIGTERM') {
        stoppedOnPurpose = true;
        const spawned = current;
        if (!spawned || spawned.exitCode !== null || spawned.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => spawned.once('exit', () => resolve()));
        spawned.kill(signal);
        const timer = setTimeout(() => spawned.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      },
    };
    handle.start();
    children.push(handle);
    return handle;
  }

  return {
    log,
    /** A part to stop when everything stops (after the children), last added first. */
    onStop: (stop: () => Promise<unknown>) => stops.push(stop),
    runNode,
    stopAll,
    isStopping: () => stopping,
  };
}

export async function waitForHealth(url: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not become healthy`);
}
