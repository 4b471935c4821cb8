/**
 * The one shape of an employee number: `E` and 4 to 8 digits. Every schema that takes one uses this, so an
 * account an admin can create can also be evaluated, own a task and sign in.
 */
export const EMPLOYEE_NO_PATTERN = '^E[0-9]{4,8}$';

export const isEmployeeNo = (value: string): boolean => new RegExp(EMPLOYEE_NO_PATTERN).test(value);
