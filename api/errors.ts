import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode, httpStatusOf, isErrorCode } from '../domain/errors.ts';

/** A failure meant for the caller: its code picks the status, its message is safe to show. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get statusCode(): number {
    return httpStatusOf[this.code];
  }
}

/** `{ error: { code, message, details? } }`, the one shape of every error answer. */
const errorBodyWith = <Code extends object>(code: Code) =>
  ({
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code, message: { type: 'string' }, details: {} },
      },
    },
  }) as const;

export const ErrorBody = errorBodyWith({ type: 'string' } as const);

const errorCodesByStatus = new Map<number, ErrorCode[]>();
for (const code of Object.values(ErrorCode)) {
  const status = httpStatusOf[code];
  errorCodesByStatus.set(status, [...(errorCodesByStatus.get(status) ?? []), code]);
}

/** What each error status means to a client, for the API description. */
const ERROR_STATUS_MEANING: Record<number, string> = {
  400: 'The request could not be read: malformed JSON, an empty body declared as JSON, a badly encoded URL',
  401: 'Not signed in, or the session has ended',
  403: 'Signed in without the role or scope this needs, or a change sent without the X-CSRF-Token of the session',
  404: 'No such resource in your scope',
  409: 'The resource is in a state (stage, lock, an existing entry) that does not allow this',
  410: 'The one-time link was already used or has expired',
  413: 'The request body is larger than allowed',
  415: 'Unsupported Content-Type: send application/json',
  422: 'A parameter, query value or body field is invalid; `details` names where',
  429: 'Too many requests or failed sign-ins; try again later',
  503: 'A part (database, workflow service) is unreachable or recovering; try again shortly',
};

/** The shared error schema of each status (components of the API description): `code` is one of ours for it. */
export function errorResponseSchemas() {
  return [...errorCodesByStatus].map(([status, codes]) => ({
    $id: `Error${status}`,
    description: ERROR_STATUS_MEANING[status] ?? `Error ${status}`,
    ...errorBodyWith({ type: 'string', enum: codes }),
  }));
}

/**
 * A workflow Update rejected by its validator or handler carries an ApplicationFailure with our code,
 * possibly wrapped (an activity's failure inside the handler): the first coded failure in the chain wins.
 */
function fromWorkflowFailure(error: unknown): AppError | undefined {
  if (error instanceof WorkflowNotFoundError) {
    return new AppError(ErrorCode.WRONG_STAGE, 'This case is finished; no further action is possible');
  }
  if (!(error instanceof WorkflowUpdateFailedError) && !(error instanceof ApplicationFailure))
    return undefined;
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 5; depth += 1) {
    if (cause instanceof ApplicationFailure && isErrorCode(cause.type))
      return new AppError(cause.type, cause.message);
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

const DATABASE_UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const DATABASE_UNREACHABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

const SOCKET_UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL down or restarting (refused, dropped or timed-out connections, "the database system is
 * starting up"): the caller gets a 503 that says so and may retry, not an internal error.
 */
function fromDatabaseOutage(error: unknown): AppError | undefined {
  if (!(error instanceof Error)) return undefined;
  const prismaCode = (error as { code?: unknown }).code;
  type DriverCause = { kind?: string; code?: string };
  // Prisma wraps the driver adapter's error; inside interactive transactions it may arrive unwrapped.
  const cause: DriverCause | undefined =
    error.name === 'DriverAdapterError'
      ? ((error as { cause?: DriverCause }).cause ?? undefined)
      : (error as { meta?: { driverAdapterError?: { cause?: DriverCause } } }).meta?.driverAdapterError
          ?.cause;
  const unreachable =
    error.name === 'PrismaClientInitializationError' ||
    (error.name === 'PrismaClientKnownRequestError' &&
      typeof prismaCode === 'string' &&
      DATABASE_UNREACHABLE_CODES.has(prismaCode)) ||
    (cause?.kind !== undefined && DATABASE_UNREACHABLE_KINDS.has(cause.kind)) ||
    (cause?.kind === 'postgres' && /^(08|57P)/.test(cause.code ?? '')) ||
    // node-postgres itself, when the server goes away in the middle of a query
    /^Connection terminated( unexpectedly| due to connection timeout)?$/.test(error.message) ||
    // node-postgres used directly (the one-statement reads): a socket that cannot connect, or the
    // server's own refusal (SQLSTATE class 08, or 57P: shutting down, starting up)
    (typeof prismaCode === 'string' &&
      (('syscall' in error && SOCKET_UNREACHABLE_CODES.has(prismaCode)) ||
        ('severity' in error && /^(08|57P)/.test(prismaCode))));
  if (!unreachable) return undefined;
  return new AppError(
    ErrorCode.UNAVAILABLE,
    'The database is unreachable at the moment. Please try again shortly; a request repeated with the same Idempotency-Key is applied once.',
  );
}

/** Temporal unreachable, or an action its worker could not confirm in time (a worker restarting). */
function fromTemporalOutage(error: unknown): AppError | undefined {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new AppError(
      ErrorCode.UNAVAILABLE,
      'The action was not confirmed in time and may still take effect. Read the case again before repeating it.',
    );
  }
  if (!(error instanceof ServiceError)) return undefined;
  const grpcCode = (error.cause as { code?: unknown } | undefined)?.code;
  const GRPC_FAILED_PRECONDITION = 9;
  const GRPC_UNAVAILABLE = 14;
  const GRPC_INVALID_ARGUMENT = 3;
  const GRPC_NOT_FOUND = 5;
  // A malformed id or run id reaches Temporal only as far as its argument check: the caller's mistake.
  if (grpcCode === GRPC_INVALID_ARGUMENT) {
    return new AppError(ErrorCode.VALIDATION, 'The workflow service refused the id or run id as malformed');
  }
  if (grpcCode === GRPC_NOT_FOUND) {
    return new AppError(ErrorCode.NOT_FOUND, 'No such workflow or run');
  }
  if (grpcCode === GRPC_UNAVAILABLE) {
    return new AppError(
      ErrorCode.UNAVAILABLE,
      'The workflow service is unreachable at the moment. Please try again shortly.',
    );
  }
  // Temporal refuses Updates while the case's last workflow task failed or timed out (a worker was killed
  // or overloaded) until a worker runs it again: nothing was applied, and a retry shortly after succeeds.
  if (grpcCode === GRPC_FAILED_PRECONDITION && /workflow task in failed state/i.test(error.message)) {
    return new AppError(
      ErrorCode.UNAVAILABLE,
      'The case is being recovered by the workflow service and took no action. Please try again shortly.',
    );
  }
  return undefined;
}

/** fastify's own refusals (request parsing, body limits, content types): our codes, statuses kept. */
function fromFrameworkError(error: FastifyError): { code: ErrorCode; message: string } {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'The request body is larger than allowed' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_ERR_CTP_EMPTY_TYPE':
      return {
        code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        message: 'Unsupported Content-Type: send application/json',
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: ErrorCode.MALFORMED_REQUEST, message: 'The request body is not valid JSON' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        code: ErrorCode.MALFORMED_REQUEST,
        message: 'The body is empty but its Content-Type says JSON: send a JSON body or no Content-Type',
      };
    case 'FST_ERR_BAD_URL':
      return { code: ErrorCode.MALFORMED_REQUEST, message: 'The URL is not validly encoded' };
  }
  const status = error.statusCode ?? 400;
  if (status === 404) return { code: ErrorCode.NOT_FOUND, message: error.message };
  if (status === 413) return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: error.message };
  if (status === 415) return { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: error.message };
  if (status === 429) return { code: ErrorCode.RATE_LIMITED, message: error.message };
  return { code: ErrorCode.MALFORMED_REQUEST, message: error.message };
}

/** For fastify's `frameworkErrors` option: failures before routing (a badly encoded URL) answered alike. */
export function frameworkErrorReply(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const mapped = fromFrameworkError(error);
  return reply
    .status(httpStatusOf[mapped.code])
    .send({ error: { code: mapped.code, message: mapped.message } });
}

/** The one mapping from failures to HTTP responses; 5xx responses never carry internal messages. */
export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    const appError =
      error instanceof AppError
        ? error
        : (fromWorkflowFailure(error) ?? fromDatabaseOutage(error) ?? fromTemporalOutage(error));
    if (appError) {
      if (appError.code === ErrorCode.UNAVAILABLE) void reply.header('retry-after', '5');
      return reply
        .status(appError.statusCode)
        .send({ error: { code: appError.code, message: appError.message, details: appError.details } });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.status(422).send({
        error: {
          code: ErrorCode.VALIDATION,
          message: `Invalid ${fastifyError.validationContext ?? 'request'}: ${fastifyError.message}`,
          details: fastifyError.validation.map((v) => ({ path: v.instancePath, message: v.message })),
        },
      });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const mapped = fromFrameworkError(fastifyError);
      return reply
        .status(httpStatusOf[mapped.code])
        .send({ error: { code: mapped.code, message: mapped.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: ErrorCode.INTERNAL, message: 'Internal error' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: { code: ErrorCode.NOT_FOUND, message: `No route ${request.method} ${request.url}` } }),
  );
}
