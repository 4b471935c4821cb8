import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../embedded/postgres.ts';
import { projectRoot } from '../../embedded/temporal-binaries.ts';
import { waitFor } from '../support/stack.ts';

/**
 * `npm start` end to end: the launcher brings every embedded part up, a complaint goes through,
 * Ctrl-C (SIGINT) leaves no process behind, and a restart keeps the complaint and its workflow.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-launcher-'));
let launcher: ChildProcess | undefined;
let output = '';
const started: ChildProcess[] = [];
const folders: string[] = [dataDir];

afterAll(() => {
  for (const child of [launcher, ...started]) {
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  }
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

/** `embedded/start.ts` in `cwd` with the given environment; `output()` is everything it printed. */
function launch(env: Record<string, string>, cwd = projectRoot) {
  let printed = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'embedded/start.ts'], {
    cwd,
    env: { ...process.env, DATABASE_URL: '', TEMPORAL_ADDRESS: '', SMTP_URL: '', LOG_LEVEL: 'warn', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  started.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => printed };
}

async function startLauncher(port: number) {
  output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'embedded/start.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      SMTP_URL: '',
      LOG_LEVEL: 'warn',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  launcher = child;
  await waitFor(async () => output.includes('ready in'), 120_000);
  return child;
}

/** Every process in the launcher's process group (postgres runs as another user but in the group). */
function groupMembers(pgid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[2]) === pgid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function stopWithCtrlC(child: ChildProcess) {
  const pgid = child.pid!;
  process.kill(-pgid, 'SIGINT');
  await waitFor(async () => groupMembers(pgid).length === 0, 60_000);
}

describe('npm start (embedded launcher)', () => {
  it('runs everything, survives a restart with its data, and leaves nothing running after Ctrl-C', async () => {
    const port = await findFreePort(0);
    const base = `http://127.0.0.1:${port}`;
    const first = await startLauncher(port);
    expect(output).toContain('Temporal UI');
    expect(output).toContain('/api/dev/mailbox');

    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    const filed = await (
      await fetch(`${base}/api/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          categoryCode: 'Q-TAX',
          title: '재산세 납부 문의',
          body: '재산세 분할 납부가 가능한가요?',
          citizen: { name: '정시민', email: 'launcher@example.com' },
        }),
      })
    ).json();
    const mails = await waitFor(async () => {
      const body = await (await fetch(`${base}/api/dev/mailbox?to=launcher@example.com`)).json();
      return body.mails.length >= 1 ? body.mails : undefined;
    }, 30_000);
    expect(mails[0].subject).toContain(filed.receiptNo);
    const status = await waitFor(async () => {
      const body = await (
        await fetch(`${base}/api/complaints/${filed.receiptNo}`, {
          headers: { 'x-access-code': filed.accessCode },
        })
      ).json();
      return body.stage === 'assigned' ? body : undefined;
    });
    expect(status.handler.team).toBe('T12');

    await stopWithCtrlC(first);

    const second = await startLauncher(port);
    const again = await (
      await fetch(`${base}/api/complaints/${filed.receiptNo}`, {
        headers: { 'x-access-code': filed.accessCode },
      })
    ).json();
    expect(again.stage).toBe('assigned');
    expect(again.handler.employeeNo).toBe(status.handler.employeeNo);
    await stopWithCtrlC(second);
    // Two full starts on a shared 2-core machine.
  }, 300_000);
});

const isRoot = process.getuid?.() === 0;

describe('npm start where a newcomer would trip', () => {
  it.skipIf(!isRoot)(
    'from a clone in a folder the postgres user cannot enter, it stops with one line saying what to do',
    async () => {
      const privateFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-private-'));
      folders.push(privateFolder);
      expect(fs.statSync(privateFolder).mode & 0o777).toBe(0o700);
      const clone = path.join(privateFolder, 'portal');
      fs.mkdirSync(clone);
      // A clone of its own, node_modules included (hard links: the PostgreSQL binaries really live in there).
      const entries = fs
        .readdirSync(projectRoot)
        .filter((entry) => !['.git', '.data', '.tools', 'test-artifacts'].includes(entry));
      execFileSync('cp', ['-al', ...entries.map((entry) => path.join(projectRoot, entry)), clone]);

      const run = launch({ PORT: '0', POSTGRES_PORT: '0', TEMPORAL_PORT: '0', TEMPORAL_UI_PORT: '0' }, clone);
      const code = await run.exited;
      const lines = run.output().split('\n');
      const explanation = lines.filter((line) => line.includes('cannot start'));
      expect(code).toBe(1);
      expect(explanation).toHaveLength(1);
      expect(explanation[0]).toContain(`cannot enter ${privateFolder}`);
      expect(explanation[0]).toMatch(/user 'postgres'.*folder others can enter.*DATABASE_URL/);
      expect(run.output()).not.toContain('EACCES');
      expect(run.output()).not.toMatch(/^\s+at /m);
    },
    120_000,
  );

  it('two checkouts with their own data folders and ports run side by side, and a taken port is named with its holder', async () => {
    const ports = async () => ({
      PORT: String(await findFreePort(0)),
      POSTGRES_PORT: String(await findFreePort(0)),
      TEMPORAL_PORT: String(await findFreePort(0)),
      TEMPORAL_UI_PORT: String(await findFreePort(0)),
      SMTP_PORT: String(await findFreePort(0)),
      WORKER_METRICS_PORT: String(await findFreePort(0)),
    });
    const checkouts = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const data = fs.mkdtempSync(path.join(os.tmpdir(), `portal-checkout-${name}-`));
        folders.push(data);
        const env = await ports();
        return { name, env, run: launch({ ...env, DATA_DIR: data }) };
      }),
    );
    for (const { run } of checkouts) await waitFor(async () => run.output().includes('ready in'), 180_000);

    for (const { name, env, run } of checkouts) {
      const base = `http://127.0.0.1:${env.PORT}`;
      expect(run.output()).toContain(`http://localhost:${env.PORT}/`);
      expect(run.output()).toContain(`127.0.0.1:${env.TEMPORAL_PORT}`);
      expect(run.output()).toContain(`smtp://127.0.0.1:${env.SMTP_PORT}`);
      const filed = await fetch(`${base}/api/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          categoryCode: 'Q-TAX',
          title: `체크아웃 ${name} 민원`,
          body: '두 체크아웃이 함께 도는지 확인합니다.',
          citizen: { name: '정시민', email: `checkout-${name}@example.com` },
        }),
      });
      expect(filed.status).toBe(202);
    }
    // Each checkout's mail went to its own catcher only.
    for (const { name, env } of checkouts) {
      const other = name === 'a' ? 'b' : 'a';
      const base = `http://127.0.0.1:${env.PORT}`;
      await waitFor(async () => {
        const body = await (await fetch(`${base}/api/dev/mailbox?to=checkout-${name}@example.com`)).json();
        return body.mails.length >= 1;
      }, 30_000);
      const foreign = await (await fetch(`${base}/api/dev/mailbox?to=checkout-${other}@example.com`)).json();
      expect(foreign.mails).toEqual([]);
    }

    // A third start asking for the first checkout's portal port is told which process holds it.
    const clash = launch({ ...(await ports()), PORT: checkouts[0]!.env.PORT, DATA_DIR: dataDir });
    expect(await clash.exited).toBe(1);
    expect(clash.output()).toMatch(
      new RegExp(
        `cannot start: port ${checkouts[0]!.env.PORT} for the portal .*\\(PORT\\) is taken by \\S+ \\(pid \\d+\\)`,
      ),
    );

    for (const { run } of checkouts) await stopWithCtrlC(run.child);
  }, 400_000);
});
