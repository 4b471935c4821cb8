import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from './constants.ts';
import { waitFor, type Stack } from './stack.ts';

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

/**
 * Signs a citizen in the way the portal does (issue 18): asks for the sign-in link, reads it from the
 * caught mail and opens the session; returns the cookie header. The address must have a complaint.
 */
export async function citizenLogin(stack: Stack, email: string): Promise<{ cookie: string }> {
  const before = new Date();
  const asked = await stack.app.inject({
    method: 'POST',
    url: '/api/citizen/sign-in-link',
    payload: { email },
  });
  if (asked.statusCode !== 202) throw new Error(`sign-in link for ${email}: ${asked.statusCode}`);
  const token = await waitFor(async () => {
    const mails = await stack.prisma.devMail.findMany({
      where: { to: { contains: email }, receivedAt: { gte: before } },
    });
    return mails.map((m) => /\/my-space\?token=([A-Za-z0-9_-]+)/.exec(m.text)?.[1]).find(Boolean);
  });
  const opened = await stack.app.inject({ method: 'POST', url: '/api/citizen/session', payload: { token } });
  const session = opened.cookies.find((c) => c.name === 'citizen_session')?.value;
  if (opened.statusCode !== 200 || !session) throw new Error(`citizen session: ${opened.statusCode}`);
  return { cookie: `citizen_session=${session}` };
}
