import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const PartStatus = Type.Union([Type.Literal('up'), Type.Literal('down')]);
const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  temporal: PartStatus,
  database: PartStatus,
  mail: PartStatus,
});

async function probe(check: () => Promise<unknown>, timeoutMs = 2000): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ checkMail: () => Promise<unknown> }> = async (
  app,
  opts,
) => {
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Reachability of every part',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const [temporal, database, mail] = await Promise.all([
        probe(() => app.temporal.connection.workflowService.getSystemInfo({})),
        probe(() => app.prisma.$queryRaw`SELECT 1`),
        probe(opts.checkMail),
      ]);
      const allUp = temporal === 'up' && database === 'up' && mail === 'up';
      return reply
        .status(allUp ? 200 : 503)
        .send({ status: allUp ? 'ok' : 'degraded', temporal, database, mail });
    },
  );
};
