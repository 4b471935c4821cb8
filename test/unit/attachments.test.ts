import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFileType } from '../../domain/attachments.ts';
import { createFolderFileStore, sha256Of } from '../../platform/file-store.ts';

describe('attachment types are judged by content against the name', () => {
  it('accepts a picture, a PDF and UTF-8 text whose bytes match their names', () => {
    expect(checkFileType('사진.JPG', { mime: 'image/jpeg' }, false)).toEqual({
      ok: true,
      contentType: 'image/jpeg',
    });
    expect(checkFileType('a.pdf', { mime: 'application/pdf' }, false)).toEqual({
      ok: true,
      contentType: 'application/pdf',
    });
    expect(checkFileType('메모.txt', undefined, true)).toEqual({
      ok: true,
      contentType: 'text/plain; charset=utf-8',
    });
    expect(checkFileType('보고서.hwp', { mime: 'application/x-cfb' }, false)).toEqual({
      ok: true,
      contentType: 'application/x-hwp',
    });
  });

  it('refuses a PNG named .pdf, an executable named .jpg, binary named .txt and unknown extensions, saying why', () => {
    const pngAsPdf = checkFileType('계약서.pdf', { mime: 'image/png' }, false);
    expect(pngAsPdf).toEqual({ ok: false, problem: expect.stringContaining('image/png') });
    expect(checkFileType('a.jpg', { mime: 'application/x-msdownload' }, false).ok).toBe(false);
    expect(checkFileType('a.txt', undefined, false)).toEqual({
      ok: false,
      problem: expect.stringContaining('not plain UTF-8 text'),
    });
    expect(checkFileType('a.pdf', undefined, true)).toEqual({
      ok: false,
      problem: expect.stringContaining('no PDF signature'),
    });
    expect(checkFileType('setup.exe', { mime: 'application/x-msdownload' }, false)).toEqual({
      ok: false,
      problem: expect.stringContaining('.exe is not allowed'),
    });
    expect(checkFileType('noextension', undefined, true).ok).toBe(false);
  });
});

describe('the content-addressed folder store', () => {
  it('stores bytes under their hash once, reads them back, lists and deletes them', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'file-store-'));
    try {
      const store = createFolderFileStore(dir);
      const bytes = Buffer.from('첨부 파일 내용');
      const sha256 = sha256Of(bytes);
      await store.put(sha256, bytes);
      await store.put(sha256, bytes);
      expect(await fs.readdir(path.join(dir, sha256.slice(0, 2)))).toEqual([sha256]);
      expect(Buffer.compare((await store.get(sha256))!, bytes)).toBe(0);
      expect(await store.listStoredBefore(new Date(Date.now() + 1000))).toEqual([sha256]);
      expect(await store.listStoredBefore(new Date(0))).toEqual([]);
      await store.delete([sha256]);
      expect(await store.get(sha256)).toBeNull();
      await expect(store.get('../../etc/passwd')).rejects.toThrow(/SHA-256/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
