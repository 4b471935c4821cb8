import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { StaffRole } from '@prisma/client';
import type { RouteAccess } from '../../api/plugins/auth.ts';
import { ROLE_ACCOUNTS, SEED_YEAR } from '../support/constants.ts';
import {
  overlongOf,
  sampleOf,
  schemaTools,
  schemasOf,
  unknownIdOf,
  wrongTextOf,
  wrongTypedBodyOf,
  type OpenApiDocument,
  type Operation,
  type Parameter,
  type SchemaTools,
} from '../support/openapi.ts';
import { login, type SessionHeaders } from '../support/session.ts';
import {
  complaintActionCatalogue,
  complaintActionPath,
  type ComplaintActionName,
} from '../../contracts/complaint-actions.ts';
import { startStack, type Stack } from '../support/stack.ts';

/**
 * The published API description read as a client generator would: it must be valid OpenAPI, and every
 * operation in it, driven with generated valid-shaped and malformed input, anonymously and signed in,
 * must answer only statuses it lists, with bodies of the documented schema, and never a 5xx.
 */
let stack: Stack;
let document: OpenApiDocument;
let tools: SchemaTools;
beforeAll(async () => {
  stack = await startStack();
  const published = await stack.app.inject({ method: 'GET', url: '/docs/json' });
  expect(published.statusCode).toBe(200);
  document = published.json();
  tools = schemaTools(document);
});
afterAll(async () => {
  await stack?.stop();
});

describe('the published API description', () => {
  it('is valid OpenAPI 3.1 and each of its schemas is valid, strictly compiled JSON Schema 2020-12', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');

    const broken: string[] = [];
    let schemas = 0;
    for (const [where, schema] of schemasOf(document)) {
      schemas += 1;
      try {
        tools.compile(schema);
      } catch (error) {
        broken.push(`${where}: ${(error as Error).message}`);
      }
    }
    console.log(`openapi: ${schemas} schemas compiled, ${broken.length} invalid`);
    expect(broken).toEqual([]);
    expect(schemas).toBeGreaterThan(500);
  });

  it('publishes a route for every action of the complaint action catalogue, with the catalogue fields as its body', () => {
    for (const action of Object.keys(complaintActionCatalogue) as ComplaintActionName[]) {
      const path = complaintActionPath(action).replace(':receiptNo', '{receiptNo}');
      const operation = document.paths[path]?.post;
      expect(operation, path).toBeDefined();
      const content = operation!.requestBody?.content ?? {};
      const body = (content['application/json']?.schema ?? {}) as { properties?: Record<string, unknown> };
      expect(Object.keys(body.properties ?? {}).sort(), path).toEqual(
        Object.keys(complaintActionCatalogue[action].fields).sort(),
      );
    }
  });

  it('lists each framework refusal with our error shape: the codes of a status are ours for it', () => {
    const complaintIntake = document.paths['/api/complaints']!.post!;
    for (const status of ['400', '413', '415', '422', '429']) {
      expect(complaintIntake.responses[status]?.content?.['application/json']?.schema).toEqual({
        $ref: `#/components/schemas/Error${status}`,
      });
    }
    const error409 = tools.resolve({ $ref: '#/components/schemas/Error409' }) as {
      properties: { error: { properties: { code: { enum: string[] } } } };
    };
    expect(error409.properties.error.properties.code.enum.sort()).toEqual(['CONFLICT', 'WRONG_STAGE']);
    expect(complaintIntake.security).toBeUndefined();
    const staffOnly = document.paths['/api/inbox']!.get!;
    expect(Object.keys(staffOnly.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '422']));
    expect(staffOnly.security).toEqual([{ session: [] }]);
  });
});

describe('the answers an outside OpenAPI tool found wrong', () => {
  it('refuses a malformed body and a malformed run id with our codes, naming the field, instead of FST_ codes or a 500', async () => {
    const admin = await login(stack.app, ROLE_ACCOUNTS.ADMIN);
    const malformed = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/holidays',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '{"date": "2026-',
    });
    expect([malformed.statusCode, malformed.json().error.code]).toEqual([400, 'MALFORMED_REQUEST']);

    const history = await stack.app.inject({
      method: 'GET',
      url: `/api/admin/workflows/0/history?runId=${'0'.repeat(36)}`,
      headers: admin,
    });
    expect(history.statusCode).toBe(422);
    expect(history.json().error).toMatchObject({
      code: 'VALIDATION',
      details: [expect.objectContaining({ path: '/runId' })],
    });
    expect(contractProblem(document.paths['/api/admin/holidays']!.post!, malformed)).toBeNull();
    expect(
      contractProblem(document.paths['/api/admin/workflows/{workflowId}/history']!.get!, history),
    ).toBeNull();
  });
});

type Caller = 'anonymous' | StaffRole;
interface Request {
  kind: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body?: { contentType: string; payload: string };
  /** Refused before the handler whatever the caller may do: unreadable, or invalid by the schema. */
  refused: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const DOOR_KINDS = ['valid-shaped, unknown ids', 'malformed JSON'];
const SESSION_KINDS = ['valid-shaped, unknown ids', 'seeded ids', 'malformed JSON'];
const BODY_TOO_LARGE = JSON.stringify({ text: 'x'.repeat(300 * 1024) });

const mayCall = (access: RouteAccess, caller: Caller) =>
  access === 'public' || (caller !== 'anonymous' && (access === 'staff' || access.includes(caller)));

/** Path parameters that name one thing (not the year, not an action from a fixed list). */
const namesAThing = (tools: SchemaTools, parameter: Parameter) => {
  const schema = tools.resolve(parameter.schema) as Record<string, unknown>;
  return parameter.name !== 'year' && !schema.enum && !schema.anyOf && !('const' in schema);
};

function requestsFor(operation: Operation, method: string, known: Record<string, unknown[]>): Request[] {
  const parameters = operation.parameters ?? [];
  const inPath = parameters.filter((p) => p.in === 'path');
  const inQuery = parameters.filter((p) => p.in === 'query');
  const headers = Object.fromEntries(
    parameters
      .filter((p) => p.in === 'header' && p.required)
      .map((p) => [p.name, String(sampleOf(tools, p.schema))]),
  );
  const unknownIds = Object.fromEntries(inPath.map((p) => [p.name, unknownIdOf(tools, p.schema)]));
  const query = Object.fromEntries(inQuery.map((p) => [p.name, sampleOf(tools, p.schema)]));
  const requiredQuery = Object.fromEntries(
    inQuery.filter((p) => p.required).map((p) => [p.name, query[p.name]]),
  );
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  const json = (value: unknown) => ({ contentType: 'application/json', payload: JSON.stringify(value) });
  const validBody = bodySchema === undefined ? undefined : json(sampleOf(tools, bodySchema));
  const base = { params: unknownIds, query, headers, body: validBody, refused: false };
  const requests: Request[] = [{ kind: 'valid-shaped, unknown ids', ...base }];

  if (Object.keys(requiredQuery).length < Object.keys(query).length)
    requests.push({ kind: 'required query only', ...base, query: requiredQuery });
  if (method === 'get' && inPath.length > 0) {
    const knownIds = Object.fromEntries(
      inPath.map((p) => [
        p.name,
        (known[p.name] ?? []).find((value) => tools.accepts(p.schema, String(value))) ?? unknownIds[p.name],
      ]),
    );
    requests.push({ kind: 'seeded ids', ...base, params: knownIds });
  }
  if (method !== 'get') {
    for (const [kind, body] of [
      ['malformed JSON', { contentType: 'application/json', payload: '{"title": ' }],
      ['empty JSON body', { contentType: 'application/json', payload: '' }],
      ['unsupported content type', { contentType: 'application/xml', payload: '<complaint/>' }],
      ['body too large', { contentType: 'application/json', payload: BODY_TOO_LARGE }],
    ] as const) {
      requests.push({ kind, ...base, body, refused: true });
    }
  }
  if (bodySchema !== undefined) {
    for (const [kind, value] of [
      ['wrongly typed body', wrongTypedBodyOf(tools, bodySchema)],
      ['body of the wrong kind', 'a bare string'],
      ['overlong body fields', overlongOf(tools, bodySchema)],
    ] as const) {
      if (value !== undefined)
        requests.push({ kind, ...base, body: json(value), refused: !tools.accepts(bodySchema, value) });
    }
  }
  const wrongParams = Object.fromEntries(inPath.map((p) => [p.name, wrongTextOf(tools, p.schema)]));
  if (Object.values(wrongParams).some((value) => value !== undefined)) {
    requests.push({
      kind: 'wrongly typed or overlong ids',
      ...base,
      params: Object.fromEntries(inPath.map((p) => [p.name, wrongParams[p.name] ?? unknownIds[p.name]])),
      refused: true,
    });
  }
  const wrongQuery = Object.fromEntries(
    inQuery.flatMap((p) => {
      const wrong = wrongTextOf(tools, p.schema);
      return wrong === undefined ? [] : [[p.name, wrong]];
    }),
  );
  if (Object.keys(wrongQuery).length > 0)
    requests.push({
      kind: 'wrongly typed query',
      ...base,
      query: { ...query, ...wrongQuery },
      refused: true,
    });
  return requests;
}

function urlOf(path: string, request: Request) {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(String(request.params[name])),
  );
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) {
    for (const item of [value].flat())
      search.append(name, typeof item === 'string' ? item : JSON.stringify(item));
  }
  return search.size > 0 ? `${filled}?${search}` : filled;
}

describe('every operation of the description, driven with generated input', () => {
  it('answers only documented statuses with bodies of the documented schema, and never a 5xx', async () => {
    const accessOf = new Map(
      stack.app.apiRoutes.map((r) => [`${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`, r.access]),
    );
    const sessions = new Map<StaffRole, SessionHeaders>();
    for (const [role, employeeNo] of Object.entries(ROLE_ACCOUNTS) as [StaffRole, string][]) {
      sessions.set(role, await login(stack.app, employeeNo));
    }
    const [objective, kpi] = await Promise.all([
      stack.prisma.strategicObjective.findFirst({ where: { year: SEED_YEAR }, orderBy: { code: 'asc' } }),
      stack.prisma.kpi.findFirst({ where: { year: SEED_YEAR }, orderBy: { code: 'asc' } }),
    ]);
    const known: Record<string, unknown[]> = {
      year: [SEED_YEAR],
      unitCode: ['T11'],
      employeeNo: ['E1101'],
      subjectNo: ['E1101'],
      code: ['T11', 'Q-GENERAL', objective?.code],
      objectiveCode: [objective?.code],
      kpiCode: [kpi?.code],
      workflowId: [`performance-${SEED_YEAR}`],
    };

    const plannedAt = Date.now();
    const problems: string[] = [];
    const plan: { path: string; method: string; operation: Operation; caller: Caller; request: Request }[] =
      [];
    let operations = 0;
    let skipped = 0;
    for (const path of Object.keys(document.paths).sort()) {
      for (const method of METHODS) {
        const operation = document.paths[path]![method];
        if (!operation) continue;
        const access = accessOf.get(`${method.toUpperCase()} ${path}`);
        if (access === undefined) {
          problems.push(
            `${method.toUpperCase()} ${path}: described but not an /api route with declared access`,
          );
          continue;
        }
        operations += 1;
        const changes = method !== 'get';
        const namesThings = (operation.parameters ?? []).some(
          (p) => p.in === 'path' && namesAThing(tools, p),
        );
        const callers: Caller[] = [
          'anonymous',
          'STAFF',
          ...(Array.isArray(access) && !access.includes('STAFF') ? [access[0]!] : []),
        ];
        for (const caller of callers) {
          const authorised = mayCall(access, caller);
          // Turned away at the door, one readable and one unreadable request say enough; on public
          // routes a session changes what is read, not how the input is parsed.
          const kinds = !authorised
            ? DOOR_KINDS
            : access === 'public' && caller !== 'anonymous'
              ? SESSION_KINDS
              : null;
          for (const request of requestsFor(operation, method, known)) {
            if (kinds && !kinds.includes(request.kind)) continue;
            // A change the caller may make, with input it accepts, would really happen: only for things that do not exist.
            if (authorised && changes && !request.refused && !namesThings) {
              skipped += 1;
              continue;
            }
            plan.push({ path, method, operation, caller, request });
          }
        }
      }
    }

    const statuses = new Map<number, number>();
    const startedAt = Date.now();
    const send = async ({ path, method, operation, caller, request }: (typeof plan)[number]) => {
      const session = caller === 'anonymous' ? undefined : sessions.get(caller);
      const headers: Record<string, string> = { ...request.headers, ...session };
      if (request.body) headers['content-type'] = request.body.contentType;
      const url = urlOf(path, request);
      const response = await stack.app.inject({
        method: method.toUpperCase() as 'GET',
        url,
        headers,
        ...(request.body ? { payload: request.body.payload } : {}),
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const problem = contractProblem(operation, response);
      if (problem) {
        problems.push(
          `${method.toUpperCase()} ${url.slice(0, 160)} (${request.kind}, ${caller}) → ${response.statusCode}: ${problem} ${response.body.slice(0, 200)}`,
        );
      }
    };
    // A few in flight: the requests are independent, and most of their time is waiting on PostgreSQL and Temporal.
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < plan.length) await send(plan[next++]!);
      }),
    );
    const requests = plan.length;
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      `openapi contract: ${operations} operations, ${requests} requests in ${seconds}s (planned in ${((startedAt - plannedAt) / 1000).toFixed(1)}s) (${skipped} valid changes by authorised callers not sent); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ${problems.length} problems`,
    );
    expect(problems.sort()).toEqual([]);
    expect(operations).toBe(Object.values(document.paths).flatMap((item) => Object.keys(item)).length);
    // Input reached the handlers and validation, not only the door.
    for (const status of [200, 400, 401, 403, 404, 413, 415, 422])
      expect(statuses.get(status)).toBeGreaterThan(0);
  }, 240_000);
});

/** What is wrong with an answer by the description of its operation, or null. */
function contractProblem(
  operation: Operation,
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
): string | null {
  if (response.statusCode >= 500) return 'server error';
  const described = operation.responses[String(response.statusCode)] ?? operation.responses.default;
  if (!described) return `status not in the description (${Object.keys(operation.responses).join(', ')})`;
  const contentType = String(response.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  if (!described.content) return response.body === '' ? null : 'a body where the description has none';
  const media = described.content[contentType];
  if (!media)
    return `content type ${contentType || 'none'} not described (${Object.keys(described.content).join(', ')})`;
  if (contentType !== 'application/json' || media.schema === undefined) return null;
  const validate = tools.compile(media.schema);
  if (validate(JSON.parse(response.body))) return null;
  return `body does not match the schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`;
}
