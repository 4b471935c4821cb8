import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { projectRoot } from './temporal-binaries.ts';

/** `prisma migrate deploy` against the given database: the one way migrations are applied. */
export async function applyMigrations(databaseUrl: string): Promise<void> {
  const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, 'migrate', 'deploy'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    // The CLI lingers ~10 s after finishing (idle handles in prisma 6.19); its final line means done.
    const done = /No pending migrations to apply|All migrations have been successfully applied/;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (done.test(output)) {
        resolve();
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 || done.test(output)
        ? resolve()
        : reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`)),
    );
  });
}
