import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import type { Open311Attribute } from '../../domain/citizen-channel.ts';
import { startStack, waitFor, type Stack } from '../support/stack.ts';
import { login, type SessionHeaders } from '../support/session.ts';

/**
 * Open311 GeoReport v2 conformance (https://wiki.open311.org/GeoReport_v2): every endpoint in JSON and
 * XML, the names and types of the spec's fields, the error format and statuses, and that a request filed
 * this way is a complaint like any other (same workflow, assignment and mail) whose public view carries
 * no personal data.
 */
let stack: Stack;
let admin: SessionHeaders;
let apiKey: string;
const BASE = '/open311/v2';
const FORMATS = ['json', 'xml'] as const;
type Format = (typeof FORMATS)[number];

const ATTRIBUTED = 'S-REPORT';
const attributes: Open311Attribute[] = [
  {
    variable: true,
    code: 'KIND',
    datatype: 'singlevaluelist',
    required: true,
    datatype_description: '',
    order: 1,
    description: '불편 유형',
    values: [
      { key: 'pothole', name: '도로 파손' },
      { key: 'streetlight', name: '가로등 고장' },
    ],
  },
  {
    variable: true,
    code: 'COUNT',
    datatype: 'number',
    required: false,
    datatype_description: 'How many',
    order: 2,
    description: '개수',
  },
];

// Planted where personal data must never appear in a public answer.
const PERSON = {
  first_name: '홍마커',
  last_name: '시민',
  email: 'open311.marker.citizen@example.com',
  phone: '010-9876-5432',
};

/** Parses XML keeping every value as text, as a client would before converting. */
const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'error', 'attribute', 'value'].includes(name),
});

beforeAll(async () => {
  stack = await startStack();
  admin = await login(stack.app, 'E0002');
  await stack.prisma.complaintCategory.update({
    where: { code: ATTRIBUTED },
    data: { attributes: attributes as never },
  });
  const issued = await stack.app.inject({
    method: 'POST',
    url: '/api/admin/open311/keys',
    headers: admin,
    payload: { name: 'conformance test app' },
  });
  expect(issued.statusCode).toBe(201);
  apiKey = issued.json().key;
});
afterAll(async () => {
  await stack?.prisma.complaintCategory.update({ where: { code: ATTRIBUTED }, data: { attributes: [] } });
  await stack?.stop();
});

async function get(path: string) {
  const response = await stack.app.inject({ method: 'GET', url: `${BASE}/${path}` });
  return response;
}

const without = (fields: Record<string, string | string[]>, ...names: string[]) =>
  Object.fromEntries(Object.entries(fields).filter(([name]) => !names.includes(name)));

function post(
  format: Format,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(name, v);
  return stack.app.inject({
    method: 'POST',
    url: `${BASE}/requests.${format}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: form.toString(),
  });
}

/** The rows of a list answer, as JSON values or (XML) element texts. */
function rows(format: Format, body: string, root: string, item: string): Record<string, unknown>[] {
  if (format === 'json') return JSON.parse(body) as Record<string, unknown>[];
  expect(body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  const parsed = xml.parse(body) as Record<string, Record<string, Record<string, unknown>[]> | ''>;
  expect(Object.keys(parsed).filter((k) => k !== '?xml')).toEqual([root]);
  const container = parsed[root];
  return container === '' ? [] : (container?.[item] ?? []);
}

type FieldType = 'string' | 'boolean' | 'number' | 'datetime' | 'status';
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/;

/** Checks a row has exactly the spec's fields, each of the spec's type (XML: the text of that type). */
function expectFields(
  format: Format,
  row: Record<string, unknown>,
  spec: Record<string, FieldType | `${FieldType}?`>,
) {
  expect(Object.keys(row).sort()).toEqual(Object.keys(spec).sort());
  for (const [name, declared] of Object.entries(spec)) {
    const optional = declared.endsWith('?');
    const type = declared.replace('?', '') as FieldType;
    const value = row[name];
    const empty = format === 'json' ? value === null : value === '';
    if (optional && empty) continue;
    expect(empty, `${name} must be given`).toBe(false);
    const asText = String(value);
    switch (type) {
      case 'string':
        expect(typeof value, name).toBe('string');
        break;
      case 'boolean':
        if (format === 'json') expect(typeof value, name).toBe('boolean');
        else expect(['true', 'false'], name).toContain(asText);
        break;
      case 'number':
        if (format === 'json') expect(typeof value, name).toBe('number');
        else expect(Number.isFinite(Number(asText)), name).toBe(true);
        break;
      case 'datetime':
        expect(asText, name).toMatch(W3C);
        break;
      case 'status':
        expect(['open', 'closed'], name).toContain(asText);
        break;
    }
  }
}

/** The spec's error format: `[{code, description}]` or `<errors><error><code/><description/></error></errors>`. */
function expectError(
  format: Format,
  response: { statusCode: number; body: string },
  status: number,
  mentions?: RegExp,
) {
  expect(response.statusCode, response.body).toBe(status);
  const errors = rows(format, response.body, 'errors', 'error');
  expect(errors).toHaveLength(1);
  expectFields(format, errors[0]!, { code: 'number', description: 'string' });
  expect(Number(errors[0]!.code)).toBe(status);
  if (mentions) expect(String(errors[0]!.description)).toMatch(mentions);
}

const SERVICE_FIELDS = {
  service_code: 'string',
  service_name: 'string',
  description: 'string',
  metadata: 'boolean',
  type: 'string',
  keywords: 'string',
  group: 'string',
} as const;

const REQUEST_FIELDS = {
  service_request_id: 'string',
  status: 'status',
  status_notes: 'string?',
  service_name: 'string',
  service_code: 'string',
  description: 'string',
  agency_responsible: 'string',
  service_notice: 'string?',
  requested_datetime: 'datetime',
  updated_datetime: 'datetime',
  expected_datetime: 'datetime',
  address: 'string?',
  address_id: 'string?',
  zipcode: 'string?',
  lat: 'number?',
  long: 'number?',
  media_url: 'string?',
} as const;

const validRequest = (overrides: Record<string, string | string[]> = {}) => ({
  api_key: apiKey,
  service_code: ATTRIBUTED,
  lat: '37.5759',
  long: '126.9768',
  address_string: '서울특별시 종로구 세종대로 209',
  description: '정부서울청사 앞 보도블록이 깨져 걸려 넘어질 뻔했습니다.',
  'attribute[KIND]': 'pothole',
  'attribute[COUNT]': '3',
  media_url: 'https://example.com/photo/1.jpg',
  ...PERSON,
  ...overrides,
});

describe('Open311 GeoReport v2 conformance', () => {
  const filed: Partial<Record<Format, string>> = {};

  it.each(FORMATS)('GET services.%s lists every active category with the spec fields', async (format) => {
    const response = await get(`services.${format}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain(format === 'json' ? 'application/json' : 'text/xml');
    expect(response.headers['content-type']).toContain('utf-8');
    const services = rows(format, response.body, 'services', 'service');
    const active = await stack.prisma.complaintCategory.count({ where: { active: true } });
    expect(services).toHaveLength(active);
    for (const service of services) {
      expectFields(format, service, SERVICE_FIELDS);
      expect(['realtime', 'batch', 'blackbox']).toContain(service.type);
    }
    const report = services.find((s) => s.service_code === ATTRIBUTED)!;
    expect(String(report.metadata)).toBe('true');
    expect(report.service_name).toBe('생활불편 신고');
    expect(String(services.find((s) => s.service_code === 'Q-GENERAL')!.metadata)).toBe('false');
  });

  it.each(FORMATS)(
    'GET services/{code}.%s gives the service definition with its attributes',
    async (format) => {
      const response = await get(`services/${ATTRIBUTED}.${format}`);
      expect(response.statusCode).toBe(200);
      let definition: Record<string, unknown>;
      let list: Record<string, unknown>[];
      if (format === 'json') {
        definition = response.json();
        list = definition.attributes as Record<string, unknown>[];
      } else {
        const parsed = xml.parse(response.body) as { service_definition: Record<string, unknown> };
        definition = parsed.service_definition;
        list = (definition.attributes as { attribute: Record<string, unknown>[] }).attribute;
      }
      expect(Object.keys(definition).sort()).toEqual(['attributes', 'service_code']);
      expect(definition.service_code).toBe(ATTRIBUTED);
      expect(list).toHaveLength(2);
      for (const attribute of list) {
        const { values, ...rest } = attribute;
        expectFields(format, rest, {
          variable: 'boolean',
          code: 'string',
          datatype: 'string',
          required: 'boolean',
          datatype_description: 'string?',
          order: 'number',
          description: 'string',
        });
        expect(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']).toContain(
          attribute.datatype,
        );
        const entries =
          format === 'json'
            ? (values as Record<string, unknown>[])
            : values === ''
              ? []
              : (values as { value: Record<string, unknown>[] }).value;
        for (const entry of entries) expectFields(format, entry, { key: 'string', name: 'string' });
      }
      const kind = list.find((a) => a.code === 'KIND')!;
      expect(String(kind.required)).toBe('true');
    },
  );

  it.each(FORMATS)(
    'GET services/{code}.%s answers 404 in the error format for no definition or no service',
    async (format) => {
      expectError(format, await get(`services/Q-GENERAL.${format}`), 404, /Q-GENERAL/);
      expectError(format, await get(`services/NO-SUCH.${format}`), 404, /NO-SUCH/);
    },
  );

  it.each(FORMATS)(
    'POST requests.%s files a complaint through the one intake and answers with the receipt number',
    async (format) => {
      const response = await post(
        format,
        validRequest({ description: `보도블록 파손 신고 (${format}) 정부서울청사 앞` }),
      );
      expect(response.statusCode, response.body).toBe(201);
      const answer = rows(format, response.body, 'service_requests', 'request');
      expect(answer).toHaveLength(1);
      expectFields(format, answer[0]!, {
        service_request_id: 'string',
        service_notice: 'string',
        account_id: 'string?',
      });
      const receiptNo = String(answer[0]!.service_request_id);
      expect(receiptNo).toMatch(/^MW-\d{4}-\d{7}$/);
      expect(String(answer[0]!.service_notice)).toContain(receiptNo);
      filed[format] = receiptNo;

      const stored = await stack.prisma.complaint.findUniqueOrThrow({ where: { receiptNo } });
      expect(stored).toMatchObject({
        categoryCode: ATTRIBUTED,
        citizenName: `${PERSON.first_name} ${PERSON.last_name}`,
        citizenEmail: PERSON.email,
        citizenPhone: PERSON.phone,
        locationAddress: '서울특별시 종로구 세종대로 209',
        latitude: 37.5759,
        longitude: 126.9768,
      });
      expect(stored.consentVersion).toMatch(/^open311-key-\d+$/);
      expect(stored.body).toContain('불편 유형: pothole');
      expect(stored.body).toContain('https://example.com/photo/1.jpg');
      // Same workflow as a portal complaint: assigned to a handler, and the citizen gets the receipt mail.
      await waitFor(
        async () => (await stack.prisma.complaint.findUnique({ where: { receiptNo } }))?.handlerId,
        30_000,
      );
      await waitFor(
        async () =>
          (await stack.prisma.devMail.findMany({ where: { to: { contains: PERSON.email } } })).some((m) =>
            m.text.includes(receiptNo),
          ),
        30_000,
      );
    },
  );

  it.each(FORMATS)(
    'POST requests.%s refuses bad input with 400, a bad key with 403, an unknown service with 404',
    async (format) => {
      expectError(format, await post(format, without(validRequest(), 'api_key')), 403, /api_key/);
      expectError(format, await post(format, validRequest({ api_key: 'o311_not-a-key' })), 403, /api_key/);
      expectError(format, await post(format, without(validRequest(), 'service_code')), 400, /service_code/);
      expectError(format, await post(format, validRequest({ service_code: 'NO-SUCH' })), 404, /NO-SUCH/);
      expectError(
        format,
        await post(format, without(validRequest(), 'lat', 'long', 'address_string')),
        400,
        /location/i,
      );
      expectError(format, await post(format, validRequest({ lat: '137.5' })), 400, /lat/);
      expectError(
        format,
        await post(format, without(validRequest(), 'attribute[KIND]')),
        400,
        /attribute\[KIND\]/,
      );
      expectError(format, await post(format, validRequest({ 'attribute[KIND]': 'volcano' })), 400, /volcano/);
      expectError(format, await post(format, validRequest({ 'attribute[COUNT]': 'many' })), 400, /COUNT/);
      expectError(format, await post(format, validRequest({ email: 'not-an-address' })), 400, /email/);
      expectError(format, await post(format, validRequest({ description: '' })), 400, /description/);
    },
  );

  it.each(FORMATS)(
    'GET requests/{id}.%s shows status, team, due time in W3C +09:00 and no personal data',
    async (format) => {
      const receiptNo = filed.json!;
      const response = await get(`requests/${receiptNo}.${format}`);
      expect(response.statusCode).toBe(200);
      const [request] = rows(format, response.body, 'service_requests', 'request');
      expectFields(format, request!, REQUEST_FIELDS);
      const stored = await stack.prisma.complaint.findUniqueOrThrow({
        where: { receiptNo },
        include: { team: true },
      });
      expect(request).toMatchObject({
        service_request_id: receiptNo,
        service_code: ATTRIBUTED,
        agency_responsible: stored.team.nameKo,
        status: 'open',
      });
      // W3C date-times carry whole seconds; a case filed during working hours is due to the millisecond.
      expect(new Date(String(request!.expected_datetime)).getTime()).toBe(
        Math.floor(stored.dueAt.getTime() / 1000) * 1000,
      );
      expect(new Date(String(request!.requested_datetime)).getTime()).toBe(
        Math.floor(stored.receivedAt.getTime() / 1000) * 1000,
      );
      expect(Number(request!.lat)).toBe(37.5759);
      for (const marker of Object.values(PERSON)) expect(response.body).not.toContain(marker);
      expectError(format, await get(`requests/MW-2000-0000001.${format}`), 404, /MW-2000-0000001/);
    },
  );

  it.each(FORMATS)(
    'GET requests.%s filters by ids, service, status and dates, with a 90-day default window',
    async (format) => {
      const [first, second] = [filed.json!, filed.xml!];
      const byIds = rows(
        format,
        (await get(`requests.${format}?service_request_id=${first},${second}`)).body,
        'service_requests',
        'request',
      );
      expect(byIds.map((r) => r.service_request_id).sort()).toEqual([first, second].sort());
      for (const row of byIds) expectFields(format, row, REQUEST_FIELDS);

      // A complaint received 100 days ago is outside the default window, inside an explicit one.
      const oldFiled = await post(
        format,
        validRequest({ description: `오래된 신고 (${format}) 가로등 고장입니다` }),
      );
      const old = {
        receiptNo: String(rows(format, oldFiled.body, 'service_requests', 'request')[0]!.service_request_id),
      };
      const hundredDaysAgo = new Date(Date.now() - 100 * 86_400_000);
      await stack.prisma.complaint.update({
        where: { receiptNo: old.receiptNo },
        data: { receivedAt: hundredDaysAgo },
      });
      const recent = rows(format, (await get(`requests.${format}`)).body, 'service_requests', 'request');
      expect(recent.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([first, second]));
      expect(recent.map((r) => r.service_request_id)).not.toContain(old.receiptNo);
      const start = encodeURIComponent(new Date(hundredDaysAgo.getTime() - 86_400_000).toISOString());
      const end = encodeURIComponent(new Date(hundredDaysAgo.getTime() + 86_400_000).toISOString());
      const ranged = rows(
        format,
        (await get(`requests.${format}?start_date=${start}&end_date=${end}`)).body,
        'service_requests',
        'request',
      );
      expect(ranged.map((r) => r.service_request_id)).toContain(old.receiptNo);
      expect(ranged.map((r) => r.service_request_id)).not.toContain(first);

      const byService = rows(
        format,
        (await get(`requests.${format}?service_code=${ATTRIBUTED}&status=open`)).body,
        'service_requests',
        'request',
      );
      expect(byService.length).toBeGreaterThanOrEqual(2);
      expect(byService.every((r) => r.service_code === ATTRIBUTED && r.status === 'open')).toBe(true);
      const closed = rows(
        format,
        (await get(`requests.${format}?service_code=${ATTRIBUTED}&status=closed`)).body,
        'service_requests',
        'request',
      );
      expect(closed.map((r) => r.service_request_id)).not.toContain(first);

      expectError(format, await get(`requests.${format}?start_date=yesterday`), 400, /start_date/);
      expectError(format, await get(`requests.${format}?status=pending`), 400, /status/);
      expectError(format, await get(`nothing-here.${format}`), 404);
    },
  );

  it('lets only admins issue, list and revoke keys; a revoked key is refused with 403; each change is audited', async () => {
    const staff = await login(stack.app, 'E1101');
    const refused = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/open311/keys',
      headers: staff,
      payload: { name: 'x app' },
    });
    expect(refused.statusCode).toBe(403);

    const issued = await stack.app.inject({
      method: 'POST',
      url: '/api/admin/open311/keys',
      headers: admin,
      payload: { name: 'revoked app' },
    });
    const { key, apiKey: view } = issued.json();
    expect(await stack.prisma.open311ApiKey.count({ where: { keyHash: key } })).toBe(0);
    const listed = await stack.app.inject({ method: 'GET', url: '/api/admin/open311/keys', headers: admin });
    expect(listed.body).not.toContain(key);
    expect(listed.json().map((k: { id: number }) => k.id)).toContain(view.id);

    expect((await post('json', validRequest({ api_key: key }))).statusCode).toBe(201);
    const revoked = await stack.app.inject({
      method: 'DELETE',
      url: `/api/admin/open311/keys/${view.id}`,
      headers: admin,
    });
    expect(revoked.statusCode).toBe(204);
    expectError('json', await post('json', validRequest({ api_key: key })), 403, /revoked/);
    expectError('xml', await post('xml', validRequest({ api_key: key })), 403, /revoked/);

    const audit = await stack.prisma.auditLog.findMany({ where: { subject: `open311-key:${view.id}` } });
    expect(audit.map((a) => a.action).sort()).toEqual(['open311.key.issued', 'open311.key.revoked']);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(key);
  });
});
