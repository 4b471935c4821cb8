import fp from 'fastify-plugin';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { Jimp } from 'jimp';
import {
  checkFileType,
  FILE_FIELD,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_FILE_NAME_LENGTH,
  PAYLOAD_FIELD,
  THUMBNAIL_TYPES,
} from '../../domain/attachments.ts';
import { ErrorCode } from '../../domain/errors.ts';
import { createFileStore, sha256Of, type FileStore } from '../../platform/file-store.ts';
import { AppError } from '../errors.ts';

/** A file received, checked and held in memory (at most 10 MB), not yet stored. */
export interface ReceivedFile {
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  bytes: Buffer;
}

/** A file whose bytes (and thumbnail) are in the file store: what an attachment row records. */
export interface StoredUpload {
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  thumbnailSha256: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    fileStore: FileStore;
  }
  interface FastifyRequest {
    /** The files of a multipart request to a route that takes attachments; empty for a JSON request. */
    uploads: ReceivedFile[];
  }
  interface FastifyContextConfig {
    /** This route also accepts multipart/form-data: a `payload` JSON field (its body) and `files`. */
    attachments?: boolean;
  }
}

const THUMBNAIL_EDGE = 240;
/** Larger images are kept without a thumbnail: decoding them would take too much memory. */
const THUMBNAIL_MAX_PIXELS = 40_000_000;

const refuse = (fileName: string, problem: string, code: ErrorCode = ErrorCode.VALIDATION) =>
  new AppError(code, `${FILE_FIELD}: "${fileName}" was refused: ${problem}`, [
    { path: `/${FILE_FIELD}`, message: `${fileName}: ${problem}` },
  ]);

/** NFC, no path, no control characters: the name is shown and sent back in Content-Disposition. */
function cleanFileName(raw: string): string {
  const base = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  return [...base.replace(/\p{Cc}/gu, '').trim()].slice(-MAX_FILE_NAME_LENGTH).join('');
}

function isUtf8Text(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Checks one received file's bytes against its name; throws a 4xx naming the file. */
export async function checkReceivedFile(rawName: string, bytes: Buffer): Promise<ReceivedFile> {
  const fileName = cleanFileName(rawName);
  if (!fileName) throw refuse(rawName || '(no name)', 'the file has no name');
  if (bytes.length === 0) throw refuse(fileName, 'the file is empty');
  const detected = await fileTypeFromBuffer(bytes);
  const check = checkFileType(fileName, detected, detected ? false : isUtf8Text(bytes));
  if (!check.ok) throw refuse(fileName, check.problem, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  return { fileName, contentType: check.contentType, size: bytes.length, sha256: sha256Of(bytes), bytes };
}

async function thumbnailOf(file: ReceivedFile): Promise<Buffer | null> {
  if (!THUMBNAIL_TYPES.has(file.contentType)) return null;
  try {
    const { width, height } = imageSize(file.bytes);
    if (!width || !height || width * height > THUMBNAIL_MAX_PIXELS) return null;
    const image = await Jimp.read(file.bytes);
    image.scaleToFit({ w: THUMBNAIL_EDGE, h: THUMBNAIL_EDGE });
    return await image.getBuffer('image/png');
  } catch {
    // A picture the decoder cannot read is still a valid attachment, shown without a thumbnail.
    return null;
  }
}

/** Stores the files' bytes and thumbnails; the caller writes the rows that name them afterwards. */
export async function storeUploads(
  store: FileStore,
  files: readonly ReceivedFile[],
): Promise<StoredUpload[]> {
  const stored: StoredUpload[] = [];
  for (const file of files) {
    await store.put(file.sha256, file.bytes);
    const thumbnail = await thumbnailOf(file);
    const thumbnailSha256 = thumbnail ? sha256Of(thumbnail) : null;
    if (thumbnail && thumbnailSha256) await store.put(thumbnailSha256, thumbnail);
    stored.push({
      fileName: file.fileName,
      contentType: file.contentType,
      size: file.size,
      sha256: file.sha256,
      thumbnailSha256,
    });
  }
  return stored;
}

/** The attachment rows for stored files, on the complaint itself (messageId null) or on one message. */
export function attachmentRows(
  uploads: readonly StoredUpload[],
  owner: { receiptNo: string; messageId: bigint | null; uploadedBy: string },
) {
  return uploads.map((upload, position) => ({ ...upload, ...owner, position }));
}

/** What identifies a request's files, for the Idempotency-Key request hash. */
export const uploadDigest = (request: FastifyRequest) => request.uploads.map((file) => file.sha256);

async function receiveMultipart(request: FastifyRequest): Promise<void> {
  let payload: unknown = {};
  const files: ReceivedFile[] = [];
  let currentName = '';
  try {
    for await (const part of request.parts({
      limits: {
        fileSize: MAX_ATTACHMENT_BYTES,
        files: MAX_ATTACHMENTS_PER_MESSAGE,
        fields: 1,
        parts: MAX_ATTACHMENTS_PER_MESSAGE + 1,
        fieldSize: 256 * 1024,
      },
    })) {
      if (part.type === 'field') {
        if (part.fieldname !== PAYLOAD_FIELD || typeof part.value !== 'string') {
          throw new AppError(
            ErrorCode.VALIDATION,
            `Unknown form field ${part.fieldname}: send ${PAYLOAD_FIELD}`,
          );
        }
        try {
          payload = JSON.parse(part.value);
        } catch {
          throw new AppError(ErrorCode.MALFORMED_REQUEST, `${PAYLOAD_FIELD} is not valid JSON`);
        }
        continue;
      }
      if (part.fieldname !== FILE_FIELD) {
        part.file.resume();
        throw new AppError(ErrorCode.VALIDATION, `Unknown file field ${part.fieldname}: send ${FILE_FIELD}`);
      }
      currentName = part.filename;
      // The stream stops at the limit: an oversized file is refused without being read whole or stored.
      const bytes = await part.toBuffer();
      files.push(await checkReceivedFile(part.filename, bytes));
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw refuse(
        currentName,
        `it is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`,
        ErrorCode.PAYLOAD_TOO_LARGE,
      );
    }
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
      throw new AppError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `${FILE_FIELD}: at most ${MAX_ATTACHMENTS_PER_MESSAGE} files may be attached at once`,
        [{ path: `/${FILE_FIELD}`, message: `at most ${MAX_ATTACHMENTS_PER_MESSAGE} files` }],
      );
    }
    if (error instanceof AppError) throw error;
    // Anything else is a body the multipart parser could not read (no parts, a broken boundary or header).
    throw new AppError(
      ErrorCode.MALFORMED_REQUEST,
      `The multipart/form-data body could not be read: ${(error as Error).message}`,
    );
  }
  request.body = payload;
  request.uploads = files;
}

/**
 * Multipart requests for routes that take attachments: the `payload` field becomes the body (validated by
 * the route's schema as a JSON body would be) and the files are checked by content and held for the handler,
 * which stores them once it has authorised the caller. Register before the security plugin, so that its
 * checks of the body's text see the payload.
 */
export const attachmentsPlugin = fp(
  async (app) => {
    app.decorate('fileStore', createFileStore(app.config, app.prisma));
    await app.register(multipart, { throwFileSizeLimit: true });
    app.decorateRequest('uploads', {
      getter(this: FastifyRequest & { receivedUploads?: ReceivedFile[] }) {
        return this.receivedUploads ?? [];
      },
      setter(this: FastifyRequest & { receivedUploads?: ReceivedFile[] }, files: ReceivedFile[]) {
        this.receivedUploads = files;
      },
    });
    app.addHook('preValidation', async (request) => {
      if (!request.isMultipart()) return;
      if (!request.routeOptions.config.attachments) {
        throw new AppError(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          'This call takes no files: send application/json',
        );
      }
      await receiveMultipart(request);
    });
  },
  { name: 'attachments', dependencies: ['services'] },
);
