import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Prisma } from '@prisma/client';
import {
  attributeProblems,
  open311Status,
  open311StatusNotes,
  w3cKst,
  type Open311Attribute,
} from '../../domain/citizen-channel.ts';
import { toKstDateTimeString } from '../../domain/business-calendar.ts';
import { openComplaintStages } from '../../domain/complaint.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError } from '../errors.ts';
import { hashRequest } from '../plugins/complaint-intake.ts';
import { xmlDocument, type XmlObject, type XmlValue } from '../xml.ts';

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) over our complaint categories and
 * complaints, in JSON and XML. Filing goes through the same intake as the portal. Public reads show no
 * personal data: no name, e-mail, phone, and no text the citizen wrote beyond the title.
 */

type Format = 'json' | 'xml';
const FORMATS: Format[] = ['json', 'xml'];
/** Requests listed when no date range is given: the last 90 days (the spec's default window). */
const DEFAULT_WINDOW_DAYS = 90;
const MAX_REQUESTS = 1000;

/** An answer in the spec's error format with its HTTP status. */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

const formatOf = (request: FastifyRequest): Format =>
  request.url.split('?')[0]!.endsWith('.xml') ? 'xml' : 'json';

function send(reply: FastifyReply, format: Format, root: string, item: string, rows: XmlObject[]) {
  if (format === 'xml') {
    return reply.type('text/xml; charset=utf-8').send(xmlDocument(root, { item, entries: rows }));
  }
  return reply.type('application/json; charset=utf-8').send(rows);
}

function sendErrors(reply: FastifyReply, format: Format, status: number, description: string) {
  const errors = [{ code: status, description }];
  return send(reply.status(status), format, 'errors', 'error', errors);
}

/** `name.json` / `name.xml` → the name and the format; anything else is no resource of ours. */
function splitFormat(file: string): { id: string; format: Format } {
  const match = /^(.+)\.(json|xml)$/.exec(file);
  if (!match) throw new Open311Error(404, `No resource ${file}: add .json or .xml`);
  return { id: match[1]!, format: match[2] as Format };
}

const text = (value: unknown): string | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
};

function parseDate(value: unknown, name: string): Date | undefined {
  const given = text(value);
  if (given === undefined) return undefined;
  const date = new Date(given);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(given) ||
    Number.isNaN(date.getTime())
  ) {
    throw new Open311Error(
      400,
      `${name} must be a W3C date-time with a time zone, e.g. 2026-12-01T09:00:00+09:00`,
    );
  }
  return date;
}

/** `attribute[CODE]` and `attribute[CODE][]` fields of a form body, by code. */
function attributesOf(body: Record<string, unknown>): Record<string, string[]> {
  const given: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(body)) {
    const match = /^attribute\[([^\]]+)\](\[\])?$/.exec(name);
    if (!match) continue;
    given[match[1]!] = [...(given[match[1]!] ?? []), ...[value].flat().map(String)];
  }
  return given;
}

const complaintInclude = { category: true, team: true } satisfies Prisma.ComplaintInclude;
type RequestRow = Prisma.ComplaintGetPayload<{ include: typeof complaintInclude }>;

/** A complaint as anyone may see it through GeoReport v2. */
function toServiceRequest(row: RequestRow): XmlObject {
  return {
    service_request_id: row.receiptNo,
    status: open311Status(row.stage),
    status_notes: open311StatusNotes[row.stage] ?? null,
    service_name: row.category.nameKo,
    service_code: row.categoryCode,
    description: row.title,
    agency_responsible: row.team.nameKo,
    service_notice: null,
    requested_datetime: w3cKst(row.receivedAt),
    updated_datetime: w3cKst(row.updatedAt),
    expected_datetime: w3cKst(row.dueAt),
    address: row.locationAddress,
    address_id: null,
    zipcode: null,
    lat: row.latitude,
    long: row.longitude,
    media_url: null,
  };
}

const attributesOfCategory = (attributes: Prisma.JsonValue): Open311Attribute[] =>
  Array.isArray(attributes) ? (attributes as unknown as Open311Attribute[]) : [];

export async function open311Routes(app: FastifyInstance) {
  const rateLimit = { max: app.config.RATE_LIMIT_PUBLIC_PER_MINUTE, timeWindow: 60_000 };
  const config = { access: 'public' as const, rateLimit };

  // GeoReport v2 posts form-encoded bodies; `attribute[X][]` may repeat.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_request, body, done) => {
      const fields: Record<string, string | string[]> = {};
      for (const [name, value] of new URLSearchParams(body as string)) {
        const earlier = fields[name];
        fields[name] = earlier === undefined ? value : [earlier, value].flat();
      }
      done(null, fields);
    },
  );

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const format = formatOf(request);
    if (error instanceof Open311Error) return sendErrors(reply, format, error.status, error.message);
    if (error instanceof AppError) {
      const status = error.statusCode === 422 ? 400 : error.statusCode;
      if (status >= 500) request.log.error({ err: error }, 'open311 failure');
      return sendErrors(reply, format, status, error.message);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return sendErrors(reply, format, status === 422 ? 400 : status, error.message);
    request.log.error({ err: error }, 'unhandled open311 error');
    return sendErrors(reply, format, 500, 'Internal error');
  });
  app.setNotFoundHandler({}, (request, reply) =>
    sendErrors(reply, formatOf(request), 404, `No resource ${request.method} ${request.url.split('?')[0]}`),
  );

  const listServices = async () => {
    const categories = await app.prisma.complaintCategory.findMany({
      where: { active: true },
      include: { team: true },
      orderBy: { code: 'asc' },
    });
    return categories.map((category): XmlObject => ({
      service_code: category.code,
      service_name: category.nameKo,
      description: `${category.nameEn}. 담당 ${category.team.nameKo}, 처리기한 ${category.slaDays}일 (${category.slaDays} business days).`,
      metadata: attributesOfCategory(category.attributes).length > 0,
      type: 'realtime',
      keywords: [category.kind.toLowerCase(), category.team.code, category.nameEn].join(', '),
      group: category.team.nameKo,
    }));
  };

  for (const format of FORMATS) {
    app.get(`/services.${format}`, { config, schema: { hide: true } }, async (_request, reply) =>
      send(reply, format, 'services', 'service', await listServices()),
    );
  }

  app.get<{ Params: { file: string } }>(
    '/services/:file',
    { config, schema: { hide: true } },
    async (request, reply) => {
      const { id, format } = splitFormat(request.params.file);
      const category = await app.prisma.complaintCategory.findUnique({ where: { code: id } });
      const attributes = category?.active ? attributesOfCategory(category.attributes) : [];
      if (!category?.active) throw new Open311Error(404, `No service with service_code ${id}`);
      if (attributes.length === 0)
        throw new Open311Error(404, `Service ${id} has no service definition (metadata is false)`);
      const definition: XmlObject = {
        service_code: category.code,
        attributes: {
          item: 'attribute',
          entries: [...attributes]
            .sort((a, b) => a.order - b.order)
            .map((a) => ({
              variable: a.variable,
              code: a.code,
              datatype: a.datatype,
              required: a.required,
              datatype_description: a.datatype_description,
              order: a.order,
              description: a.description,
              values: { item: 'value', entries: (a.values ?? []).map((v) => ({ key: v.key, name: v.name })) },
            })),
        },
      };
      if (format === 'xml')
        return reply.type('text/xml; charset=utf-8').send(xmlDocument('service_definition', definition));
      return reply.type('application/json; charset=utf-8').send({
        ...definition,
        attributes: (definition.attributes as { entries: XmlValue[] }).entries.map((entry) => {
          const attribute = entry as XmlObject;
          return { ...attribute, values: (attribute.values as { entries: XmlValue[] }).entries };
        }),
      });
    },
  );

  async function authoriseKey(body: Record<string, unknown>) {
    const apiKey = text(body.api_key);
    if (!apiKey)
      throw new Open311Error(403, 'api_key is missing: ask the ministry for a key to file requests');
    const key = await app.prisma.open311ApiKey.findUnique({ where: { keyHash: hashApiKey(apiKey) } });
    if (!key || key.revokedAt)
      throw new Open311Error(403, 'Invalid api_key received: it is unknown or was revoked');
    await app.prisma.open311ApiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
    return key;
  }

  for (const format of FORMATS) {
    app.post(`/requests.${format}`, { config, schema: { hide: true } }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const key = await authoriseKey(body);
      const serviceCode = text(body.service_code);
      if (!serviceCode) throw new Open311Error(400, 'service_code was not provided');
      const category = await app.prisma.complaintCategory.findUnique({ where: { code: serviceCode } });
      if (!category?.active) throw new Open311Error(404, `No service with service_code ${serviceCode}`);

      const lat = text(body.lat);
      const long = text(body.long);
      const address = text(body.address_string);
      if ((lat === undefined) !== (long === undefined))
        throw new Open311Error(400, 'lat and long must be given together');
      if (lat === undefined && address === undefined && text(body.address_id) === undefined) {
        throw new Open311Error(400, 'A location is required: lat and long, or address_string');
      }
      const latitude = lat === undefined ? undefined : Number(lat);
      const longitude = long === undefined ? undefined : Number(long);
      if (latitude !== undefined && !(Number.isFinite(latitude) && Math.abs(latitude) <= 90)) {
        throw new Open311Error(400, 'lat must be a number between -90 and 90');
      }
      if (longitude !== undefined && !(Number.isFinite(longitude) && Math.abs(longitude) <= 180)) {
        throw new Open311Error(400, 'long must be a number between -180 and 180');
      }
      if (address !== undefined && address.length > 300)
        throw new Open311Error(400, 'address_string is longer than 300 characters');

      const description = text(body.description);
      if (!description || description.length < 5)
        throw new Open311Error(400, 'description is required (at least 5 characters)');
      if (description.length > 4000)
        throw new Open311Error(400, 'description is longer than 4000 characters');
      const email = text(body.email);
      if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
        throw new Open311Error(
          400,
          'email is required here and must be a valid address: the answer and the survey are mailed to it',
        );
      }
      const phone = text(body.phone);
      if (phone !== undefined && !/^\+?[0-9][0-9 -]{6,18}[0-9]$/.test(phone))
        throw new Open311Error(400, 'phone is not a telephone number');
      const mediaUrl = text(body.media_url);
      if (mediaUrl !== undefined && !/^https?:\/\/\S{1,2000}$/.test(mediaUrl))
        throw new Open311Error(400, 'media_url must be an http(s) URL');

      const attributes = attributesOfCategory(category.attributes);
      const given = attributesOf(body);
      const problems = attributeProblems(attributes, given);
      if (problems.length > 0) throw new Open311Error(400, problems.join('; '));

      const name = [text(body.first_name), text(body.last_name)].filter(Boolean).join(' ') || '(Open311)';
      const details = [
        ...attributes
          .filter((a) => given[a.code]?.length)
          .map((a) => `${a.description}: ${given[a.code]!.join(', ')}`),
        ...(mediaUrl ? [`media_url: ${mediaUrl}`] : []),
      ];
      const title = `${category.nameKo}: ${description.replace(/\s+/g, ' ')}`;
      const filed = await app.fileComplaint({
        categoryCode: category.code,
        title: title.length > 200 ? `${title.slice(0, 199)}…` : title,
        body: details.length > 0 ? `${description}\n\n${details.join('\n')}` : description,
        citizen: { name: name.slice(0, 100), email, ...(phone ? { phone } : {}) },
        location: { address, latitude, longitude },
        // The key's holder collects consent in its own application under the terms it signed for the key.
        consentVersion: `open311-key-${key.id}`,
        idempotencyKey:
          typeof request.headers['idempotency-key'] === 'string'
            ? `open311:${key.id}:${request.headers['idempotency-key']}`
            : undefined,
        requestHash: hashRequest({ ...body, api_key: undefined }),
      });
      await recordAudit(app.prisma, {
        actor: `open311:${key.id}`,
        action: 'complaint.filed.open311',
        subject: `complaint:${filed.receiptNo}`,
        after: { service_code: category.code, key: key.keyPrefix },
      });
      const notice = `접수되었습니다. 접수번호 ${filed.receiptNo}, 처리기한 ${toKstDateTimeString(new Date(filed.dueAt))} (KST). 답변과 만족도 조사는 전자우편으로 보내드립니다.`;
      return send(reply.status(201), format, 'service_requests', 'request', [
        { service_request_id: filed.receiptNo, service_notice: notice, account_id: null },
      ]);
    });

    app.get(`/requests.${format}`, { config, schema: { hide: true } }, async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const ids = text(query.service_request_id)
        ?.split(',')
        .map((id) => id.trim())
        .filter(Boolean);
      let where: Prisma.ComplaintWhereInput;
      if (ids && ids.length > 0) {
        // The spec: with service_request_id, every other parameter is ignored.
        where = { receiptNo: { in: ids.slice(0, MAX_REQUESTS) } };
      } else {
        const end = parseDate(query.end_date, 'end_date');
        const start = parseDate(query.start_date, 'start_date');
        const until = end ?? new Date();
        const from = start ?? new Date(until.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000);
        if (from > until) throw new Open311Error(400, 'start_date is after end_date');
        const codes = text(query.service_code)
          ?.split(',')
          .map((c) => c.trim())
          .filter(Boolean);
        const statuses = text(query.status)
          ?.split(',')
          .map((s) => s.trim());
        if (statuses?.some((s) => s !== 'open' && s !== 'closed'))
          throw new Open311Error(400, 'status must be open or closed');
        const stages =
          statuses && statuses.length === 1
            ? statuses[0] === 'open'
              ? { in: openComplaintStages as string[] }
              : { notIn: openComplaintStages as string[] }
            : undefined;
        where = {
          receivedAt: { gte: from, lte: until },
          ...(codes ? { categoryCode: { in: codes } } : {}),
          ...(stages ? { stage: stages } : {}),
        };
      }
      const rows = await app.prisma.complaint.findMany({
        where,
        include: complaintInclude,
        orderBy: { receivedAt: 'desc' },
        take: MAX_REQUESTS,
      });
      return send(reply, format, 'service_requests', 'request', rows.map(toServiceRequest));
    });
  }

  app.get<{ Params: { file: string } }>(
    '/requests/:file',
    { config, schema: { hide: true } },
    async (request, reply) => {
      const { id, format } = splitFormat(request.params.file);
      const row = await app.prisma.complaint.findUnique({
        where: { receiptNo: id },
        include: complaintInclude,
      });
      if (!row) throw new Open311Error(404, `No service request with service_request_id ${id}`);
      return send(reply, format, 'service_requests', 'request', [toServiceRequest(row)]);
    },
  );

  // Anything else under the prefix answers in the spec's error format, not with the portal's page.
  app.all('/*', { config, schema: { hide: true } }, async (request) => {
    throw new Open311Error(404, `No resource ${request.method} ${request.url.split('?')[0]}`);
  });
}
