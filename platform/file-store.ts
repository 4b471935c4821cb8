import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Prisma } from '@prisma/client';
import type { Config } from './config.ts';
import type { Db } from './prisma.ts';

/**
 * Where attachment bytes live, outside Temporal and outside the rows that describe them. Content-addressed
 * by SHA-256: the bytes are stored first, the rows that name them after, so a failure in between leaves at
 * most bytes nobody references (swept later), never a row without its bytes. S3-compatible object storage
 * is not implemented (out of scope); it would be a third implementation of this interface.
 */
export interface FileStore {
  readonly kind: 'postgres' | 'folder';
  /** Stores the bytes under their hash; storing the same bytes again changes nothing. */
  put(sha256: string, bytes: Buffer): Promise<void>;
  get(sha256: string): Promise<Buffer | null>;
  delete(sha256s: readonly string[]): Promise<void>;
  /** Hashes stored before `before`, to find the ones no row references. */
  listStoredBefore(before: Date): Promise<string[]>;
}

export const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const SHA256 = /^[0-9a-f]{64}$/;

/** The embedded default: a bytea table in the portal's own database. */
export function createPostgresFileStore(prisma: Db): FileStore {
  return {
    kind: 'postgres',
    async put(sha256, bytes) {
      await prisma.$executeRaw`
        INSERT INTO "StoredFile" (sha256, size, bytes) VALUES (${sha256}, ${bytes.length}, ${bytes})
        ON CONFLICT (sha256) DO NOTHING`;
    },
    async get(sha256) {
      const row = await prisma.storedFile.findUnique({ where: { sha256 }, select: { bytes: true } });
      return row ? Buffer.from(row.bytes) : null;
    },
    async delete(sha256s) {
      if (sha256s.length === 0) return;
      await prisma.storedFile.deleteMany({ where: { sha256: { in: [...sha256s] } } });
    },
    async listStoredBefore(before) {
      const rows = await prisma.storedFile.findMany({
        where: { createdAt: { lt: before } },
        select: { sha256: true },
      });
      return rows.map((row) => row.sha256);
    },
  };
}

/** A content-addressed folder: `<dir>/<first two hex digits>/<sha256>`, written atomically by rename. */
export function createFolderFileStore(dir: string): FileStore {
  const pathOf = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256 hash: ${sha256}`);
    return path.join(dir, sha256.slice(0, 2), sha256);
  };
  return {
    kind: 'folder',
    async put(sha256, bytes) {
      const target = pathOf(sha256);
      const exists = await fs.stat(target).then(
        (stat) => stat.size === bytes.length,
        () => false,
      );
      if (exists) return;
      await fs.mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${randomUUID()}.part`;
      await fs.writeFile(temporary, bytes, { flag: 'wx' });
      await fs.rename(temporary, target);
    },
    async get(sha256) {
      try {
        return await fs.readFile(pathOf(sha256));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(sha256s) {
      await Promise.all(sha256s.map((sha256) => fs.rm(pathOf(sha256), { force: true })));
    },
    async listStoredBefore(before) {
      const found: string[] = [];
      const prefixes = await fs.readdir(dir).catch(() => [] as string[]);
      for (const prefix of prefixes) {
        for (const name of await fs.readdir(path.join(dir, prefix)).catch(() => [] as string[])) {
          if (!SHA256.test(name)) continue;
          const stat = await fs.stat(path.join(dir, prefix, name));
          if (stat.mtime < before) found.push(name);
        }
      }
      return found;
    },
  };
}

/** The store configuration names (FILE_STORE, FILE_STORE_DIR; validated in platform/config.ts). */
export function createFileStore(
  config: Pick<Config, 'FILE_STORE' | 'FILE_STORE_DIR'>,
  prisma: Db,
): FileStore {
  return config.FILE_STORE === 'folder' && config.FILE_STORE_DIR
    ? createFolderFileStore(config.FILE_STORE_DIR)
    : createPostgresFileStore(prisma);
}

/** Of these hashes, the ones an attachment row still names (as its file or its thumbnail). */
async function referenced(prisma: Db, sha256s: readonly string[]): Promise<Set<string>> {
  if (sha256s.length === 0) return new Set();
  const rows = await prisma.$queryRaw<{ sha256: string }[]>`
    SELECT sha256 FROM "ComplaintAttachment" WHERE sha256 IN (${Prisma.join(sha256s)})
    UNION SELECT "thumbnailSha256" FROM "ComplaintAttachment" WHERE "thumbnailSha256" IN (${Prisma.join(sha256s)})`;
  return new Set(rows.map((row) => row.sha256));
}

/**
 * Deletes the bytes of these hashes that no attachment row names any more (the same bytes may be attached
 * to another complaint). Returns the hashes deleted.
 */
export async function deleteUnreferencedFiles(
  prisma: Db,
  store: FileStore,
  sha256s: readonly string[],
): Promise<string[]> {
  const unique = [...new Set(sha256s)];
  const stillUsed = await referenced(prisma, unique);
  const unused = unique.filter((sha256) => !stillUsed.has(sha256));
  await store.delete(unused);
  return unused;
}

/** Bytes stored before `before` that no row names: uploads whose rows were never written. */
export async function sweepOrphanFiles(prisma: Db, store: FileStore, before: Date): Promise<number> {
  const candidates = await store.listStoredBefore(before);
  let swept = 0;
  for (let i = 0; i < candidates.length; i += 500) {
    swept += (await deleteUnreferencedFiles(prisma, store, candidates.slice(i, i + 500))).length;
  }
  return swept;
}
