import { createHmac, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../domain/errors.ts';
import { AppError } from '../errors.ts';
import { SESSION_COOKIE, type RouteAccess } from './auth.ts';

export interface ApiRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api route with its declared access, for the generated authorisation matrix test. */
    apiRoutes: ApiRoute[];
  }
}

export const CSRF_COOKIE = 'portal_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Signing in does not use a session's authority, so a stale session cookie must not block it. */
const CSRF_EXEMPT = new Set(['/api/auth/login']);
/** Whether a call to this route with a session cookie must carry the session's X-CSRF-Token. */
export const checksCsrf = (method: string, routeUrl: string) =>
  STATE_CHANGING.has(method) && !CSRF_EXEMPT.has(routeUrl);
/** Public routes not rate-limited: the health probe that launchers and load balancers poll. */
const RATE_LIMIT_EXEMPT = new Set(['/api/health']);

/**
 * The CSRF token of a session: an HMAC keyed by the (httpOnly, never readable by scripts) session token.
 * The portal reads it from the `portal_csrf` cookie and echoes it in `X-CSRF-Token`; another site can
 * neither read the cookie nor derive the value, and a token planted from elsewhere fits no session.
 */
export const csrfTokenFor = (sessionToken: string) =>
  createHmac('sha256', sessionToken).update('portal-csrf-v1').digest('base64url');

export function setCsrfCookie(
  reply: FastifyReply,
  sessionToken: string,
  options: { secure: boolean; expires?: Date },
) {
  void reply.setCookie(CSRF_COOKIE, csrfTokenFor(sessionToken), {
    path: '/',
    httpOnly: false,
    sameSite: 'strict',
    secure: options.secure,
    ...(options.expires ? { expires: options.expires } : {}),
  });
}

export function clearCsrfCookie(reply: FastifyReply) {
  void reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The JSON-pointer-like path of the first string (or key) that holds NUL or a lone surrogate, else null. */
export function unstorableTextAt(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = `${path}/${key}`;
    if (UNSTORABLE.test(key)) return childPath;
    const found = unstorableTextAt(child, childPath, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const SECRET_QUERY = /([?&](?:token|code|accessCode)=)[^&]*/gi;

/** Logger options: request secrets (cookies, access codes, survey and CSRF tokens) never reach the log. */
export function loggerOptions(base: object): object {
  return {
    ...base,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-access-code"]',
        'req.headers["x-survey-token"]',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: request.url.replace(SECRET_QUERY, '$1[redacted]'),
        remoteAddress: request.ip,
      }),
    },
  };
}

/**
 * Security headers (helmet, with a CSP that admits only the portal's own scripts), per-IP rate limits on
 * public routes and sign-in, and CSRF protection for state-changing calls made with a session cookie.
 * Register after the auth plugin and before the routes.
 */
export const securityPlugin = fp(
  async (app) => {
    const secure = app.config.COOKIE_SECURE;
    // Built once: @fastify/helmet rebuilt the middleware (parsing every CSP directive) on each request,
    // about 5 % of the status read's CPU in a profile; the headers it sets are the same.
    const securityHeaders = helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // Mantine sets inline style attributes and injects its CSS variables in a <style> element.
          styleSrc: ["'self'", "'unsafe-inline'"],
          // blob: attachment thumbnails, fetched with the citizen's access code header (web/src/Attachments.tsx).
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(secure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      // HSTS only behind TLS; on plain-HTTP development it would pin browsers to a port without TLS.
      strictTransportSecurity: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
    });
    app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));

    // Runs before @fastify/rate-limit's own onRoute hook (registered below), which reads config.rateLimit.
    app.decorate('apiRoutes', [] as ApiRoute[]);
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/api/') && route.config?.access !== undefined) {
        for (const method of [route.method].flat()) {
          if (method !== 'HEAD') app.apiRoutes.push({ method, url: route.url, access: route.config.access });
        }
      }
      if (
        !route.url.startsWith('/api/') ||
        route.config?.access !== 'public' ||
        RATE_LIMIT_EXEMPT.has(route.url)
      )
        return;
      const login = route.url === '/api/auth/login';
      route.config = {
        ...route.config,
        rateLimit: {
          max: login ? app.config.RATE_LIMIT_LOGIN_PER_MINUTE : app.config.RATE_LIMIT_PUBLIC_PER_MINUTE,
          timeWindow: 60_000,
        },
      };
    });
    await app.register(rateLimit, {
      global: false,
      // Signed-in staff reading complaints are accountable by session; the limits are for anonymous callers.
      allowList: (request) => request.staff !== undefined && request.url !== '/api/auth/login',
      errorResponseBuilder: (_request, context) =>
        new AppError(ErrorCode.RATE_LIMITED, `Too many requests; try again in ${context.after}`),
    });

    // Ajv's type coercion turns a path or query value like "1e309" into Infinity and then skips the
    // minimum/maximum checks for it (they only run on finite numbers): refuse non-finite numbers here.
    app.addHook('preHandler', async (request) => {
      for (const [part, values] of [
        ['params', request.params],
        ['querystring', request.query],
      ] as const) {
        for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
          if ([value].flat().some((v) => typeof v === 'number' && !Number.isFinite(v))) {
            throw new AppError(ErrorCode.VALIDATION, `Invalid ${part}: ${name} must be a finite number`);
          }
        }
      }
    });

    // PostgreSQL cannot store NUL (22021) and a lone surrogate is no text at all: refuse both in any
    // string of the params, query or body before validation, naming where, instead of failing deep inside.
    app.addHook('preValidation', async (request) => {
      for (const [part, value] of [
        ['params', request.params],
        ['querystring', request.query],
        ['body', request.body],
      ] as const) {
        const where = unstorableTextAt(value, '');
        if (where !== null) {
          throw new AppError(
            ErrorCode.VALIDATION,
            `Invalid ${part}: ${where || 'value'} contains a NUL character or an unpaired surrogate`,
            [{ path: where, message: 'must not contain NUL characters or unpaired surrogates' }],
          );
        }
      }
    });

    app.addHook('onRequest', async (request) => {
      if (!checksCsrf(request.method, request.routeOptions.url ?? '')) return;
      const sessionToken = request.cookies[SESSION_COOKIE];
      if (!sessionToken) return;
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !sameText(header, csrfTokenFor(sessionToken))) {
        throw new AppError(
          ErrorCode.FORBIDDEN,
          'Missing or wrong X-CSRF-Token: send the value of the portal_csrf cookie with every change',
        );
      }
    });
  },
  { name: 'security', dependencies: ['auth', 'services'] },
);
