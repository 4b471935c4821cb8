/**
 * Files attached to complaints (issue 12 item 2): the limits and the allow-list of types. Pure, so that the
 * API enforces and the portal shows the same numbers.
 */

export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_FILE_NAME_LENGTH = 200;

/** The multipart field names: the request's JSON (the same body as without files) and each file. */
export const PAYLOAD_FIELD = 'payload';
export const FILE_FIELD = 'files';

/**
 * Each allowed extension with the content types its bytes may be detected as (by magic bytes). `null`
 * means no signature: the content must be UTF-8 text. HWP 5 and the legacy Office formats are OLE2
 * compound files, HWPX and the OOXML/ODF formats ZIP containers when the detector cannot tell more.
 */
export const ALLOWED_TYPES: Readonly<Record<string, readonly (string | null)[]>> = {
  jpg: ['image/jpeg'],
  jpeg: ['image/jpeg'],
  png: ['image/png'],
  gif: ['image/gif'],
  webp: ['image/webp'],
  heic: ['image/heic', 'image/heif'],
  heif: ['image/heif', 'image/heic'],
  pdf: ['application/pdf'],
  hwp: ['application/x-cfb'],
  hwpx: ['application/zip', 'application/hwp+zip'],
  doc: ['application/x-cfb', 'application/msword'],
  xls: ['application/x-cfb', 'application/vnd.ms-excel'],
  ppt: ['application/x-cfb', 'application/vnd.ms-powerpoint'],
  docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/zip'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/zip'],
  pptx: ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'application/zip'],
  odt: ['application/vnd.oasis.opendocument.text', 'application/zip'],
  ods: ['application/vnd.oasis.opendocument.spreadsheet', 'application/zip'],
  txt: [null],
  csv: [null],
};

/** The content type a file is served with, by extension (the detected one is more generic for containers). */
const SERVED_TYPES: Readonly<Record<string, string>> = {
  hwp: 'application/x-hwp',
  hwpx: 'application/hwp+zip',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** For the file picker's `accept` attribute. */
export const ACCEPTED_EXTENSIONS = Object.keys(ALLOWED_TYPES).map((ext) => `.${ext}`);

/** Images the server makes a thumbnail of (the decoder is pure JavaScript: no WebP or HEIC). */
export const THUMBNAIL_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif']);

export const extensionOf = (fileName: string) => /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase();

export type TypeCheck = { ok: true; contentType: string } | { ok: false; problem: string };

/**
 * Whether a file's bytes are what its name claims. `detected` is the magic-byte detector's answer
 * (undefined when the bytes have no known signature); `isText` whether they are UTF-8 text without NUL.
 */
export function checkFileType(
  fileName: string,
  detected: { mime: string } | undefined,
  isText: boolean,
): TypeCheck {
  const ext = extensionOf(fileName);
  const allowed = ext ? ALLOWED_TYPES[ext] : undefined;
  if (!ext || !allowed) {
    return {
      ok: false,
      problem: `the file type ${ext ? `.${ext}` : '(no extension)'} is not allowed; allowed: ${ACCEPTED_EXTENSIONS.join(' ')}`,
    };
  }
  if (detected) {
    if (!allowed.includes(detected.mime)) {
      return {
        ok: false,
        problem: `its content is ${detected.mime}, which does not match its .${ext} name`,
      };
    }
    return { ok: true, contentType: SERVED_TYPES[ext] ?? detected.mime };
  }
  if (allowed.includes(null) && isText) return { ok: true, contentType: SERVED_TYPES[ext] ?? 'text/plain' };
  return {
    ok: false,
    problem: allowed.includes(null)
      ? `its content is not plain UTF-8 text, which its .${ext} name claims`
      : `its content is not a .${ext} file (no ${ext.toUpperCase()} signature found)`,
  };
}
