import { Jimp } from 'jimp';

export interface TestFile {
  name: string;
  bytes: Buffer;
  /** What the client claims; browsers send the type their extension suggests. */
  type?: string;
}

/**
 * A multipart/form-data body as a browser sends it: the JSON request as the `payload` field and each file
 * as `files`, for `app.inject`.
 */
export async function multipartBody(payload: object, files: readonly TestFile[]) {
  const form = new FormData();
  form.append('payload', JSON.stringify(payload));
  for (const file of files) {
    form.append(
      'files',
      new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }),
      file.name,
    );
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
  };
}

/** A real PNG picture (a coloured rectangle), different for each `seed`. */
export async function pngPicture(seed: number, width = 320, height = 200): Promise<Buffer> {
  const colour = ((seed * 2654435761) >>> 8) * 256 + 0xff;
  return new Jimp({ width, height, color: colour >>> 0 }).getBuffer('image/png');
}

/** A small valid PDF whose text differs by `text`. */
export const pdfDocument = (text: string) =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  );
