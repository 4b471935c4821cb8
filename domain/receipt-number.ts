/**
 * The one shape of a complaint's receipt number (접수번호): `MW-`, the year, `-` and seven digits. Every
 * schema and check that takes one uses this.
 */
export const RECEIPT_NO_PATTERN = '^MW-[0-9]{4}-[0-9]{7}$';

export const isReceiptNo = (value: unknown): value is string =>
  typeof value === 'string' && new RegExp(RECEIPT_NO_PATTERN).test(value);
