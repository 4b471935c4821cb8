import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * What an intake's idempotency record may hold (issue 15: idempotency records keep no secrets). A retry
 * with the same Idempotency-Key must get the same access code back, yet the table must not give it to
 * whoever reads it. So the key is stored only as a hash, and the access code only sealed (AES-256-GCM)
 * under a second, independent hash of the same Idempotency-Key: only a caller who holds the key can open
 * it, which is exactly the caller a replay answers. No server secret is involved, so a restart or another
 * API instance answers the retry the same way.
 */

const digest = (purpose: string, idempotencyKey: string) =>
  createHash('sha256').update(`${purpose}\u0000${idempotencyKey}`).digest();

/** The IdempotencyRecord key of an intake: a hash, never the client's key itself. */
export const intakeRecordKey = (idempotencyKey: string) =>
  `intake:${digest('intake-record', idempotencyKey).toString('hex')}`;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The access code sealed for this key and this receipt (base64url of iv, tag and ciphertext). */
export function sealAccessCode(idempotencyKey: string, receiptNo: string, accessCode: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', digest('intake-access-code', idempotencyKey), iv);
  cipher.setAAD(Buffer.from(receiptNo));
  const sealed = Buffer.concat([cipher.update(accessCode, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** Opens a sealed access code; throws when the key, the receipt or the bytes do not match. */
export function openAccessCode(idempotencyKey: string, receiptNo: string, sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    digest('intake-access-code', idempotencyKey),
    bytes.subarray(0, IV_BYTES),
  );
  decipher.setAAD(Buffer.from(receiptNo));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    'utf8',
  );
}
