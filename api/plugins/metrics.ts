import fp from 'fastify-plugin';
import { fromLoopback } from '../loopback.ts';
import { createApiMetrics, type ApiMetrics } from '../../platform/metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

/**
 * Prometheus metrics of this API instance at `GET /metrics` (outside /api: for the scraper, not for
 * browsers; loopback callers only unless METRICS_REMOTE). Registered before the routes so every route is measured.
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
    app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      // Loopback only unless METRICS_REMOTE: figures about the system are not for the public network.
      if (!app.config.METRICS_REMOTE && !fromLoopback(request)) return reply.callNotFound();
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  },
  { name: 'metrics', dependencies: ['services'] },
);
