import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../embedded/postgres.ts';
import { waitFor } from '../support/stack.ts';

/**
 * `npm start` end to end: the launcher brings every embedded part up, a complaint goes through,
 * Ctrl-C (SIGINT) leaves no process behind, and a restart keeps the complaint and its workflow.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-launcher-'));
let launcher: ChildProcess | undefined;
let output = '';

afterAll(() => {
  if (launcher?.pid && launcher.exitCode === null) process.kill(-launcher.pid, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

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
  });
});
