import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { RouteOptions } from 'fastify';
import { ErrorBody, errorResponseSchemas } from '../errors.ts';
import { checksCsrf } from './security.ts';

/** Methods whose requests fastify reads a body for: malformed, too large or wrongly typed bodies are refused. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type RouteShape = Pick<RouteOptions, 'method' | 'url' | 'config'>;

/**
 * The error statuses any /api route can answer, from what runs before its handler: the body parser,
 * the router's URL decoding, the access check, the CSRF check, the rate limit, validation and the checks
 * on unstorable text (every route), and the outage mapping (every route reads the database).
 */
function errorStatusesOf(route: RouteShape): number[] {
  const methods = [route.method].flat();
  const access = route.config?.access;
  const hasBody = methods.some((method) => BODY_METHODS.has(method));
  const hasParams = route.url.includes(':');
  const statuses = new Set([422, 503]);
  if (hasBody || hasParams) statuses.add(400);
  if (hasBody) for (const status of [413, 415]) statuses.add(status);
  if (access !== undefined && access !== 'public') {
    statuses.add(401);
    // Roles at the door, and domain/policy.ts on the resource inside the handler.
    statuses.add(403);
  }
  if (methods.some((method) => checksCsrf(method, route.url))) statuses.add(403);
  if (hasParams) statuses.add(404);
  // A change may meet a stage, a lock or an existing entry that refuses it.
  if (hasBody) statuses.add(409);
  if ((route.config as { rateLimit?: unknown } | undefined)?.rateLimit !== undefined) statuses.add(429);
  return [...statuses].sort((a, b) => a - b);
}

const errorResponses = new Map(
  errorResponseSchemas().map((schema) => [
    Number(schema.$id.slice('Error'.length)),
    // Errors are JSON even where the success is not (CSV exports).
    {
      description: schema.description,
      content: { 'application/json': { schema: { $ref: `${schema.$id}#` } } },
    },
  ]),
);

/**
 * Completes a route's description: every error status it can answer, each with the shared error schema
 * of that status (routes may declare `ErrorBody` for a status; it is replaced by the shared one), and the
 * session cookie as its security requirement when it needs one.
 */
function documentErrorResponses(route: RouteOptions) {
  if (!route.url.startsWith('/api/') || route.schema?.hide) return;
  const declared = (route.schema?.response ?? {}) as Record<string, unknown>;
  const response: Record<string, unknown> = { ...declared };
  for (const status of new Set([...errorStatusesOf(route), ...Object.keys(declared).map(Number)])) {
    const shared = errorResponses.get(status);
    const current = declared[status];
    if (shared && (current === undefined || current === ErrorBody)) response[status] = shared;
  }
  const signedIn = route.config?.access !== undefined && route.config.access !== 'public';
  route.schema = {
    ...route.schema,
    response,
    ...(signedIn && !route.schema?.security ? { security: [{ session: [] }] } : {}),
  };
}

/**
 * The API description at /docs (OpenAPI 3.1, whose Schema Objects are the JSON Schema the routes validate
 * with) and the shared error schemas. Register after the auth and security plugins (their route settings
 * decide which errors a route can answer) and before the routes.
 */
export const openapiPlugin = fp(
  async (app) => {
    for (const schema of errorResponseSchemas()) app.addSchema(schema);
    app.addHook('onRoute', documentErrorResponses);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: '행정혁신포털 API (Administrative-innovation portal)',
          version: '1',
          description:
            'Complaints, policy tasks, innovation and BSC performance. Errors: { error: { code, message } }.',
        },
        components: {
          securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'portal_session' } },
        },
      },
      // Shared schemas keep their names: `#/components/schemas/Error404`, not `def-3`.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'openapi', dependencies: ['auth', 'security'] },
);
