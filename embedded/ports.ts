import fs from 'node:fs';
import { findFreePort } from './postgres.ts';

/** The ports the launchers use, each configurable by its variable. */
export const PORTS = {
  portal: { variable: 'PORT', preferred: 3000, label: 'portal (API and web pages)' },
  postgres: { variable: 'POSTGRES_PORT', preferred: 54329, label: 'PostgreSQL (embedded)' },
  temporal: { variable: 'TEMPORAL_PORT', preferred: 7233, label: 'Temporal frontend' },
  temporalUi: { variable: 'TEMPORAL_UI_PORT', preferred: 8233, label: 'Temporal Web UI' },
  smtp: { variable: 'SMTP_PORT', preferred: 2525, label: 'SMTP catcher' },
  metrics: { variable: 'WORKER_METRICS_PORT', preferred: 9464, label: 'worker metrics' },
} as const;
export type PortName = keyof typeof PORTS;

/** Which process listens on a TCP port, from /proc (Linux): "name (pid N)", or undefined if unknown. */
export function listenerOf(port: number): string | undefined {
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      if (!fs.existsSync(table)) continue;
      for (const row of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = row.trim().split(/\s+/);
        if (fields.length < 10 || fields[3] !== '0A') continue; // 0A: LISTEN
        if (parseInt(fields[1]!.split(':')[1]!, 16) === port) inodes.add(fields[9]!);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      let fds: string[];
      try {
        fds = fs.readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
          const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
          if (inode && inodes.has(inode)) {
            const name = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
            return `${name} (pid ${pid})`;
          }
        } catch {
          // the fd closed meanwhile
        }
      }
    }
    return 'another process';
  } catch {
    return undefined;
  }
}

export class PortTakenError extends Error {}

/**
 * The port for one part: its variable if set (and free, else a one-line error saying by what it is taken),
 * else the usual port, or a free one when that is taken (`note` says which and why).
 */
export async function choosePort(
  name: PortName,
  env: NodeJS.ProcessEnv,
  note: (line: string) => void,
): Promise<number> {
  const { variable, preferred, label } = PORTS[name];
  const explicit = env[variable];
  if (explicit !== undefined && explicit !== '') {
    const port = Number(explicit);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new PortTakenError(`${variable}=${explicit} is not a port number`);
    if (port === 0) return findFreePort(0);
    if ((await findFreePort(port)) !== port) {
      throw new PortTakenError(
        `port ${port} for the ${label} (${variable}) is taken by ${listenerOf(port) ?? 'another process'}: stop it or set ${variable} to a free port`,
      );
    }
    return port;
  }
  const port = await findFreePort(preferred);
  if (port !== preferred) {
    note(
      `port ${preferred} for the ${label} is taken by ${listenerOf(preferred) ?? 'another process'}; using ${port} (set ${variable} to choose)`,
    );
  }
  return port;
}
