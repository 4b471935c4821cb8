import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from './constants.ts';

export interface SessionHeaders extends Record<string, string> {
  cookie: string;
  'x-csrf-token': string;
}

/**
 * Signs a seeded staff member in and returns the headers a browser would send with each call: the
 * session cookie and the CSRF token (the `portal_csrf` cookie's value echoed in `X-CSRF-Token`).
 */
export async function login(
  app: FastifyInstance,
  employeeNo: string,
  password = DEMO_PASSWORD,
): Promise<SessionHeaders> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { employeeNo, password },
  });
  if (response.statusCode !== 200)
    throw new Error(`login ${employeeNo} failed: ${response.statusCode} ${response.body}`);
  const session = response.cookies.find((c) => c.name === 'portal_session')?.value;
  const csrf = response.cookies.find((c) => c.name === 'portal_csrf')?.value;
  if (!session || !csrf) throw new Error(`login ${employeeNo} set no session or CSRF cookie`);
  return { cookie: `portal_session=${session}; portal_csrf=${csrf}`, 'x-csrf-token': csrf };
}
