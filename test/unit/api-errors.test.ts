import Fastify from 'fastify';
import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../api/errors.ts';

const grpcError = (code: number, details: string) =>
  Object.assign(new Error(`${code} ${details}`), { code, details });
const updateRefused = (code: number, details: string) =>
  new ServiceError(`Workflow Update failed: ${code} ${details}`, { cause: grpcError(code, details) });

async function answerTo(error: Error) {
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  app.get('/fails', async () => {
    throw error;
  });
  const response = await app.inject({ method: 'GET', url: '/fails' });
  await app.close();
  return { status: response.statusCode, retryAfter: response.headers['retry-after'], body: response.json() };
}

describe('Temporal failures become answers the caller can act on', () => {
  it('answers 503 with Retry-After when an Update meets a workflow task that failed (a killed or overloaded worker)', async () => {
    const answer = await answerTo(
      updateRefused(
        9,
        'FAILED_PRECONDITION: Unable to perform workflow execution update due to Workflow Task in failed state.',
      ),
    );
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe('5');
    expect(answer.body.error.code).toBe('UNAVAILABLE');
    expect(answer.body.error.message).toMatch(/took no action/);
  });

  it('answers 503 when the Temporal frontend is unreachable', async () => {
    const answer = await answerTo(updateRefused(14, 'UNAVAILABLE: No connection established'));
    expect(answer.status).toBe(503);
  });

  it('keeps any other precondition failure an internal error without leaking its message', async () => {
    const answer = await answerTo(updateRefused(9, 'FAILED_PRECONDITION: something else entirely'));
    expect(answer.status).toBe(500);
    expect(answer.body.error.message).toBe('Internal error');
  });
});
