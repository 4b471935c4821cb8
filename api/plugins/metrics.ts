import fp from 'fastify-plugin';
import { createApiMetrics, type ApiMetrics } from '../../platform/metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

/**
 * Prometheus metrics of this API instance at `GET /metrics` (outside /api: for the scraper, not for
 * browsers; keep it off the public load balancer). Registered before the routes so every route is measured.
 */
export const metricsPlugin = fp(
  async (app) => {
    const metrics = createApiMetrics({ prisma: app.prisma });
    app.decorate('metrics', metrics);
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (route === '/metrics') return;
      metrics.observeRequest(
        { method: request.method, route, status: reply.statusCode },
        reply.elapsedTime / 1000,
      );
    });
    app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  },
  { name: 'metrics', dependencies: ['services'] },
);
