import { Type } from 'typebox';
import { EMPLOYEE_NO_PATTERN } from '../domain/employee-number.ts';
import { RECEIPT_NO_PATTERN } from '../domain/receipt-number.ts';

/** Value schemas shared by the routes: one definition each. */
export const EmployeeNo = Type.String({ pattern: EMPLOYEE_NO_PATTERN, description: 'E and 4–8 digits' });

export const ReceiptNo = Type.String({ pattern: RECEIPT_NO_PATTERN, description: 'e.g. MW-2026-0000042' });

export const NewPassword = Type.String({
  minLength: 10,
  maxLength: 200,
  description: 'at least 10 characters; stored only as an argon2 hash',
});

/** A row id in a path: PostgreSQL `integer` ids end at 2^31 − 1, so a larger number is refused as input. */
export const RowId = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

/** The Idempotency-Key header of a call a client may retry. */
export const IdempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
});
