/**
 * The real Temporal server as separate processes (frontend, two history, matching, internal worker) on
 * PostgreSQL, persistence and visibility in their own databases with schemas applied by Temporal's schema
 * tool, mTLS on the frontend and between the services, and the portal's namespace with its search attributes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { Connection, type TLSConfig } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
// @temporalio/proto is CommonJS: under Node's ESM loader only its default export is reliable.
import proto from '@temporalio/proto';
import { searchAttributeRegistrations } from '../domain/search-attributes.ts';
import { findFreePort } from '../embedded/postgres.ts';
import {
  ensureTemporalServer,
  projectRoot,
  type TemporalServerBinaries,
} from '../embedded/temporal-binaries.ts';
import { ensureCertificates, type ClusterCertificates } from './certificates.ts';
import {
  serviceOf,
  temporalProcessConfig,
  TEMPORAL_PROCESSES,
  type ProcessPorts,
  type TemporalClusterLayout,
  type TemporalProcessName,
} from './temporal-config.ts';

export interface DatabaseServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TemporalServiceProcess {
  name: TemporalProcessName;
  pid(): number | undefined;
  running(): boolean;
  /** Starts the process (again) with its configuration and waits until its membership port answers. */
  start(): Promise<void>;
  /** Sends the signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface TemporalCluster {
  /** What clients dial (the frontend), with `tls` below. */
  address: string;
  namespace: string;
  certificates: ClusterCertificates;
  tls: TLSConfig;
  /** TEMPORAL_* variables that point the portal's API and worker at this cluster with mTLS. */
  clientEnv: Record<string, string>;
  processes: Record<TemporalProcessName, TemporalServiceProcess>;
  stop(): Promise<void>;
}

/** The server, user and password of a postgresql:// URL, as the schema tool and the Temporal services take them. */
export function databaseServerOf(url: string): DatabaseServer {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

const execFileAsync = promisify(execFile);
const TLS_SERVER_NAME = 'localhost';
const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED_TYPES = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
} as const;

/** Creates the database if missing and brings its schema to the server's version with the schema tool. */
async function applySchema(
  binaries: TemporalServerBinaries,
  database: DatabaseServer,
  databaseName: string,
  schemaName: 'temporal' | 'visibility',
) {
  const sql = (...args: string[]) =>
    execFileAsync(
      binaries.sql,
      [
        '--plugin',
        'postgres12',
        '--ep',
        database.host,
        '-p',
        String(database.port),
        '-u',
        database.user,
        '--db',
        databaseName,
        ...args,
      ],
      { env: { ...process.env, SQL_PASSWORD: database.password } },
    );
  const query = async (db: string, text: string, values: unknown[] = []) => {
    const client = new pg.Client({ ...database, database: db });
    await client.connect();
    try {
      return (await client.query(text, values)).rowCount ?? 0;
    } finally {
      await client.end();
    }
  };
  if ((await query('postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [databaseName])) === 0) {
    await sql('create-database');
  }
  if ((await query(databaseName, `SELECT 1 FROM pg_tables WHERE tablename = 'schema_version'`)) === 0) {
    await sql('setup-schema', '-v', '0.0');
  }
  await sql('update-schema', '--schema-name', `postgresql/v12/${schemaName}`);
}

/** A fatal line of the server's JSON log as one short line (its stack trace stays in the log file). */
function serverProblem(line: string): string | undefined {
  // Errors while peers come and go are routine in a cluster; they stay in the log files.
  if (!/"level":"(fatal|panic|dpanic)"/.test(line)) return undefined;
  try {
    const entry = JSON.parse(line) as { level: string; msg: string; error?: string };
    return `${entry.level}: ${entry.msg}${entry.error ? `: ${entry.error}` : ''}`;
  } catch {
    return line.slice(0, 300);
  }
}

/**
 * A free port at or above `from` and below 32768: the server keeps membership ports in a smallint column,
 * and ports under Linux's ephemeral range are not taken from under a process that restarts.
 */
export async function freePortFrom(from: number, taken: Set<number>): Promise<number> {
  for (let port = from; port < 32_768; port += 1) {
    if (taken.has(port)) continue;
    if (!(await portAnswers(port)) && (await findFreePort(port)) === port) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${from} and 32767`);
}

async function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function serviceProcess(
  name: TemporalProcessName,
  binaries: TemporalServerBinaries,
  dir: string,
  listenPort: number,
  log: (line: string) => void,
): TemporalServiceProcess {
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  return {
    name,
    pid: () => (running() ? child?.pid : undefined),
    running,
    async start() {
      if (running()) return;
      const logFile = fs.createWriteStream(path.join(dir, 'logs', `${name}.log`), { flags: 'a' });
      const spawned = spawn(
        binaries.server,
        [
          '--root',
          dir,
          '--config',
          'config',
          '--env',
          name,
          '--allow-no-auth',
          'start',
          '--service',
          serviceOf(name),
        ],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = spawned;
      let pending = '';
      const forward = (chunk: Buffer) => {
        logFile.write(chunk);
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const problem = serverProblem(line);
          if (problem) log(`[temporal ${name}] ${problem}`);
        }
      };
      spawned.stdout.on('data', forward);
      spawned.stderr.on('data', forward);
      spawned.once('exit', () => logFile.end());
      const deadline = Date.now() + 60_000;
      while (!(await portAnswers(listenPort))) {
        if (spawned.exitCode !== null || spawned.signalCode !== null)
          throw new Error(
            `Temporal ${name} exited at start (${spawned.exitCode ?? spawned.signalCode}); see ${path.join(dir, 'logs', `${name}.log`)}`,
          );
        if (Date.now() > deadline)
          throw new Error(`Temporal ${name} did not listen on ${listenPort} within 60 s`);
        await sleep(200);
      }
    },
    async stop(signal = 'SIGTERM') {
      const current = child;
      if (!current || !running()) return;
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      current.kill(signal);
      const timer = setTimeout(() => current.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Registers the namespace (retention) and the portal's search attributes; both idempotent. */
async function ensureNamespace(address: string, tls: TLSConfig, namespace: string, retentionDays: number) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, tls, connectTimeout: 2000 });
      try {
        await connection.workflowService
          .registerNamespace({
            namespace,
            workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
          })
          .catch((error: { code?: number }) => {
            if (error.code !== 6 /* ALREADY_EXISTS */) throw error;
          });
        const existing = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = Object.entries(searchAttributeRegistrations).filter(
          ([name]) => !(name in (existing.customAttributes ?? {})),
        );
        if (missing.length > 0) {
          await connection.operatorService.addSearchAttributes({
            namespace,
            searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_TYPES[type]])),
          });
        }
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      // Right after the first start the frontend answers before history owns its shards.
      if (Date.now() > deadline)
        throw new Error(`namespace ${namespace} could not be registered`, { cause: error });
      await sleep(1000);
    }
  }
}

export async function startTemporalCluster(options: {
  dataDir: string;
  database: DatabaseServer;
  frontendPort: number;
  namespace?: string;
  retentionDays?: number;
  log?: (line: string) => void;
}): Promise<TemporalCluster> {
  const log = options.log ?? console.log;
  const namespace = options.namespace ?? 'portal';
  const binaries = ensureTemporalServer(log);
  const dir = options.dataDir;
  fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const certificates = ensureCertificates(path.join(dir, 'certs'));

  await applySchema(binaries, options.database, 'temporal', 'temporal');
  await applySchema(binaries, options.database, 'temporal_visibility', 'visibility');

  // Near Temporal's usual ports (gRPC 7233+, membership 6933+), unless taken.
  const taken = new Set([options.frontendPort]);
  const ports = {} as Record<TemporalProcessName, ProcessPorts>;
  for (const name of TEMPORAL_PROCESSES) {
    ports[name] = {
      grpc: name === 'frontend' ? options.frontendPort : await freePortFrom(7234, taken),
      membership: await freePortFrom(6933, taken),
    };
  }
  const layout: TemporalClusterLayout = {
    ports,
    frontendHttpPort: await freePortFrom(7243, taken),
    database: options.database,
    persistenceDatabase: 'temporal',
    visibilityDatabase: 'temporal_visibility',
    certificates,
    // The same dynamic configuration as the Compose stack's.
    dynamicConfigFile: path.join(projectRoot, 'deploy', 'temporal', 'dynamicconfig.yaml'),
    logLevel: process.env.TEMPORAL_LOG_LEVEL ?? 'warn',
  };
  const processes = {} as Record<TemporalProcessName, TemporalServiceProcess>;
  for (const name of TEMPORAL_PROCESSES) {
    fs.writeFileSync(
      path.join(dir, 'config', `${name}.yaml`),
      JSON.stringify(temporalProcessConfig(layout, name), null, 2),
    );
    // The internal worker serves no gRPC; every service joins the membership ring on its own port.
    processes[name] = serviceProcess(name, binaries, dir, ports[name].membership, log);
  }
  const stop = async () => {
    for (const name of [...TEMPORAL_PROCESSES].reverse()) await processes[name].stop();
  };
  try {
    for (const name of TEMPORAL_PROCESSES) await processes[name].start();
    const address = `127.0.0.1:${options.frontendPort}`;
    const tls: TLSConfig = {
      serverNameOverride: TLS_SERVER_NAME,
      serverRootCACertificate: fs.readFileSync(certificates.caCert),
      clientCertPair: {
        crt: fs.readFileSync(certificates.clientCert),
        key: fs.readFileSync(certificates.clientKey),
      },
    };
    await ensureNamespace(address, tls, namespace, options.retentionDays ?? 30);
    return {
      address,
      namespace,
      certificates,
      tls,
      clientEnv: {
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: namespace,
        TEMPORAL_TLS_CERT: certificates.clientCert,
        TEMPORAL_TLS_KEY: certificates.clientKey,
        TEMPORAL_TLS_CA: certificates.caCert,
        TEMPORAL_TLS_SERVER_NAME: TLS_SERVER_NAME,
      },
      processes,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
