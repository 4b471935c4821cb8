import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { login, type SessionHeaders } from '../support/session.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { ROLE_ACCOUNTS } from '../support/constants.ts';

/**
 * Generated malformed input (bodies, params, query strings, headers) against every public and staff
 * route through app.inject: whatever arrives, the answer is a 4xx (or a success), never a 5xx.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
/** Signing out would end the sessions the fuzzer uses; everything else is fair game. */
const SKIPPED = new Set(['POST /api/auth/logout']);

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 5000 }),
);
/** Percent-encodes; a lone surrogate becomes the (invalid UTF-8) bytes of one, which servers must survive. */
const encode = (value: string) =>
  Array.from(value, (char) => {
    try {
      return encodeURIComponent(char);
    } catch {
      return '%ED%A0%80';
    }
  }).join('');
const nasty = [
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  '../../etc/passwd',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${7*7}',
  '%00',
  '\u0000',
  '\uFFFF',
  '\uD800',
  ' ',
  '',
];

describe('fuzzing the public and staff routes', () => {
  it(`answers ${RUNS} generated malformed requests without a single 5xx`, async () => {
    const routes = stack.app.apiRoutes.filter((r) => !SKIPPED.has(`${r.method} ${r.url}`));
    const filed = (
      await stack.app.inject({
        method: 'POST',
        url: '/api/complaints',
        payload: {
          categoryCode: 'Q-GENERAL',
          title: '퍼징 대상 민원',
          body: '퍼징 시험에 쓰이는 민원입니다.',
          citizen: { name: '퍼징', email: 'fuzz@example.com' },
        },
      })
    ).json();
    await waitFor(() =>
      stack.prisma.complaint.findFirst({ where: { receiptNo: filed.receiptNo, handlerId: { not: null } } }),
    );
    const sessions: Record<string, SessionHeaders> = {};
    for (const [role, employeeNo] of Object.entries(ROLE_ACCOUNTS)) {
      sessions[role] = await login(stack.app, employeeNo);
    }

    // Plausible values (real ids, so some requests get past validation and into handlers and workflows)
    // mixed with hostile ones. Year 2026 is left out: a valid HR call could start the seeded year's year end.
    const plausible = [
      filed.receiptNo,
      'MW-2026-0000001',
      'MW-2026-9999999',
      '2097',
      '1999',
      'T11',
      'HQ1',
      'MIN',
      'E1101',
      'E0003',
      'PT-2026-0001',
      'K-T11-1',
      'accept',
      'csv',
    ];
    const paramValue = fc.oneof(
      fc.constantFrom(...plausible).map(encode),
      fc.constantFrom(...nasty).map(encode),
      anyText.map(encode),
      fc.constantFrom('%E0%A4%A', '%', '%zz', '..', '.', '%2e%2e%2f'),
    );
    const query = fc.oneof(
      fc.constant(''),
      fc
        .array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom(
                'token',
                'format',
                'pendingFor',
                'focus',
                'runId',
                'year',
                'stage',
                '__proto__',
                'a[b]',
              ),
              printable(10),
            ),
            fc.oneof(fc.constantFrom(...plausible, ...nasty), anyText),
          ),
          { maxLength: 5 },
        )
        .map((pairs) => `?${pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}`),
      printable(60).map((raw) => `?${raw.replace(/[#\s]/g, '')}`),
    );
    const jsonish = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record(
        {
          categoryCode: fc.oneof(fc.constantFrom('Q-GENERAL', 'G-STAFF'), fc.jsonValue({ maxDepth: 1 })),
          title: fc.oneof(anyText, fc.jsonValue({ maxDepth: 1 })),
          body: fc.oneof(anyText, fc.jsonValue({ maxDepth: 1 })),
          citizen: fc.oneof(
            fc.record({ name: anyText, email: fc.oneof(fc.emailAddress(), anyText) }, { requiredKeys: [] }),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          decision: fc.constantFrom('approve', 'return', 'reject', 'continue', 'close', '', null),
          opinion: anyText,
          reason: anyText,
          score: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, 1, 5, 6)),
          employeeNo: fc.constantFrom('E1101', 'E0003', 'E9999', '', 'x'),
          password: printable(30),
          days: fc.oneof(fc.integer(), fc.double()),
          finalScore: fc.oneof(fc.integer(), fc.double()),
          teamCode: fc.constantFrom('T11', 'T99', ''),
          answer: anyText,
          text: anyText,
        },
        { requiredKeys: [] },
      ),
      fc
        .constantFrom(...nasty)
        .map((key) => ({ [key]: { polluted: true }, constructor: { prototype: { polluted: true } } })),
    );
    const body = fc.oneof(
      fc.constant(undefined),
      jsonish.map((value) => JSON.stringify(value) ?? 'null'),
      anyText,
      fc.integer({ min: 1, max: 3000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
      fc.constantFrom(
        '{',
        '{"a":',
        'nul',
        '[1,]',
        '{"__proto__":{"x":1}}',
        '1e99999',
        '"',
        '\u0000',
        '{"title":"\uD800"}',
      ),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/xml',
      'application/json;;;',
      '',
    );
    const caller = fc.constantFrom('anonymous', 'citizen', 'junk-cookie', ...Object.keys(sessions));
    const request = fc.record({
      route: fc.constantFrom(...routes),
      params: fc.array(paramValue, { minLength: 4, maxLength: 4 }),
      query,
      body,
      contentType,
      caller,
      dropCsrf: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      extraHeaders: fc.record(
        {
          'x-access-code': fc.oneof(fc.constant(filed.accessCode), printable(80)),
          'idempotency-key': printable(140),
          'x-survey-token': printable(120),
          'x-csrf-token': printable(60),
          accept: fc.constantFrom('application/json', 'text/csv', '*/*', 'text/html', ''),
          'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '::1', '1.1.1.1, 2.2.2.2'),
        },
        { requiredKeys: [] },
      ),
    });

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let tried = 0;
    const startedAt = Date.now();
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        let index = 0;
        const url = input.route.url.replace(/:[A-Za-z]+/g, () => input.params[index++ % 4]!) + input.query;
        const headers: Record<string, string> = { ...input.extraHeaders };
        if (input.contentType) headers['content-type'] = input.contentType;
        if (input.caller === 'citizen') headers['x-access-code'] = filed.accessCode;
        if (input.caller === 'junk-cookie')
          headers.cookie = `portal_session=${input.extraHeaders['x-csrf-token'] ?? 'x'}; portal_csrf=y`;
        const session = sessions[input.caller];
        if (session) {
          headers.cookie = session.cookie;
          if (input.dropCsrf) delete headers['x-csrf-token'];
          else headers['x-csrf-token'] = session['x-csrf-token'];
        }
        const withBody = input.route.method !== 'GET' && input.body !== undefined;
        const response = await stack.app.inject({
          method: input.route.method as 'GET',
          url,
          headers,
          ...(withBody ? { payload: input.body } : {}),
        });
        tried += 1;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500) {
          failures.push(
            `${input.route.method} ${url} as ${input.caller}: ${response.statusCode} ${response.body.slice(0, 300)}`,
          );
        }
        expect(response.statusCode, `${input.route.method} ${url}`).toBeLessThan(500);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      `fuzz: ${tried} inputs over ${routes.length} routes in ${seconds}s; 5xx: ${failures.length}; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`,
    );
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(RUNS);
  }, 120_000);
});

describe('text the database cannot store', () => {
  it('answers 422 naming the field to a NUL character or an unpaired surrogate on every route', async () => {
    const sessions: Record<string, SessionHeaders> = {};
    const sessionFor = async (access: (typeof stack.app.apiRoutes)[number]['access']) => {
      if (access === 'public') return {};
      const role = access === 'staff' ? 'STAFF' : access[0]!;
      const employeeNo = {
        STAFF: 'E1101',
        TEAM_LEADER: 'E1100',
        DIRECTOR: 'E0100',
        HR: 'E0003',
        HEAD: 'E0001',
        ADMIN: 'E0002',
      }[role];
      sessions[role] ??= await login(stack.app, employeeNo!);
      return sessions[role];
    };
    const routes = stack.app.apiRoutes.filter((r) => !SKIPPED.has(`${r.method} ${r.url}`));
    const wrong: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const headers = await sessionFor(route.access);
      const withParams = (value: string) => route.url.replace(/:[A-Za-z]+/g, value);
      const cases: Array<{ what: string; url: string; payload?: string }> = [
        { what: 'query NUL', url: `${withParams('X1')}?note=a%00b` },
      ];
      if (route.url.includes(':')) cases.push({ what: 'param NUL', url: withParams('a%00b') });
      if (route.method !== 'GET') {
        cases.push({ what: 'body NUL', url: withParams('X1'), payload: '{"text":"a\\u0000b"}' });
        cases.push({ what: 'body lone surrogate', url: withParams('X1'), payload: '{"text":"a\\ud800b"}' });
        cases.push({ what: 'key lone surrogate', url: withParams('X1'), payload: '{"\\udc00":"x"}' });
      }
      for (const c of cases) {
        const response = await stack.app.inject({
          method: route.method as 'GET',
          url: c.url,
          headers: c.payload ? { ...headers, 'content-type': 'application/json' } : headers,
          ...(c.payload ? { payload: c.payload } : {}),
        });
        checked += 1;
        const answer = response.statusCode === 422 ? response.json() : null;
        if (
          answer?.error?.code !== 'VALIDATION' ||
          !/NUL character or an unpaired surrogate/.test(answer.error.message)
        ) {
          wrong.push(
            `${route.method} ${route.url} ${c.what}: ${response.statusCode} ${response.body.slice(0, 120)}`,
          );
        }
      }
    }
    console.log(
      `unstorable text: ${checked} requests over ${routes.length} routes, ${wrong.length} not answered 422`,
    );
    expect(wrong).toEqual([]);
  });

  it('answers malformed JSON, a wrong content type and a too large body with our error codes', async () => {
    const send = (headers: Record<string, string>, payload: string) =>
      stack.app.inject({ method: 'POST', url: '/api/complaints', headers, payload });
    const malformed = await send({ 'content-type': 'application/json' }, '{"categoryCode": ');
    expect([malformed.statusCode, malformed.json().error.code]).toEqual([400, 'MALFORMED_REQUEST']);
    const empty = await send({ 'content-type': 'application/json' }, '');
    expect([empty.statusCode, empty.json().error.code]).toEqual([400, 'MALFORMED_REQUEST']);
    const xml = await send({ 'content-type': 'application/xml' }, '<a/>');
    expect([xml.statusCode, xml.json().error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const big = await send(
      { 'content-type': 'application/json' },
      JSON.stringify({ body: 'x'.repeat(300 * 1024) }),
    );
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const badUrl = await stack.app.inject({ method: 'GET', url: '/api/complaints/%E0%A4%A' });
    expect([badUrl.statusCode, badUrl.json().error.code]).toEqual([400, 'MALFORMED_REQUEST']);
    for (const response of [malformed, empty, xml, big, badUrl]) {
      expect(response.json().error.code).not.toMatch(/^FST_/);
    }
  });
});
