import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { configureAuditChain, exportAuditHead } from '../platform/audit.ts';
import { trustProxyOf } from '../platform/config.ts';
import { frameworkErrorReply, installErrorHandler } from './errors.ts';
import { attachmentsPlugin } from './plugins/attachments.ts';
import { authPlugin } from './plugins/auth.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { loggerOptions, securityPlugin } from './plugins/security.ts';
import { servicesPlugin, type Services } from './plugins/services.ts';
import { complaintIntakePlugin } from './plugins/complaint-intake.ts';
import { adminRoutes } from './routes/admin.ts';
import { adminHistoryRoutes } from './routes/admin-history.ts';
import { adminOrgUnitRoutes } from './routes/admin-org-units.ts';
import { adminStaffRoutes } from './routes/admin-staff.ts';
import { adminHeadRoleChangeRoutes } from './routes/admin-head-role-changes.ts';
import { adminCategoryRoutes } from './routes/admin-categories.ts';
import { authRoutes } from './routes/auth.ts';
import { calendarRoutes } from './routes/calendar.ts';
import { categoryRoutes } from './routes/categories.ts';
import { complaintRoutes } from './routes/complaints.ts';
import { complaintActionRoutes } from './routes/complaint-action-routes.ts';
import { complaintListRoutes } from './routes/complaint-list.ts';
import { complaintMessageRoutes } from './routes/complaint-messages.ts';
import { complaintLinkRoutes } from './routes/complaint-links.ts';
import { cannedAnswerRoutes } from './routes/canned-answers.ts';
import { devMailboxRoutes } from './routes/dev-mailbox.ts';
import { healthRoutes } from './routes/health.ts';
import { performanceScorecardRoutes } from './routes/performance-scorecards.ts';
import { performanceKpiEntryRoutes } from './routes/performance-kpi-entries.ts';
import { performanceEvaluationRoutes } from './routes/performance-evaluations.ts';
import { performanceYearEndRoutes } from './routes/performance-year-end.ts';
import { performanceResultRoutes } from './routes/performance-results.ts';
import { performanceInnovationRoutes } from './routes/performance-innovations.ts';
import { briefingRoutes } from './routes/briefings.ts';
import { performanceWorkRoutes } from './routes/performance-work.ts';
import { kpiUploadRoutes } from './routes/kpi-upload.ts';
import { performanceFairnessRoutes } from './routes/performance-fairness.ts';
import { capabilityRoutes } from './routes/capability.ts';
import { taskRoutes } from './routes/tasks.ts';
import { taskActionRoutes } from './routes/task-actions.ts';
import { taskCustomerRoutes } from './routes/task-customers.ts';
import { taskCustomerPortalRoutes } from './routes/task-customer-portal.ts';
import { taskCustomerRatingRoutes } from './routes/task-customer-ratings.ts';
import { developmentPlanRoutes } from './routes/development-plans.ts';
import { developmentTeamPlanRoutes } from './routes/development-team-plans.ts';
import { developmentCompetencyRoutes } from './routes/development-competencies.ts';
import { workRoutes } from './routes/work.ts';
import { complaintStatsRoutes } from './routes/complaint-stats.ts';
import { open311Routes } from './routes/open311.ts';
import { citizenRoutes } from './routes/citizen.ts';
import { open311KeyRoutes } from './routes/open311-keys.ts';

export interface AppOptions extends Services {
  checkMail: () => Promise<unknown>;
  logger?: boolean | object;
}

const webDist = fileURLToPath(new URL('../web/dist/', import.meta.url));

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      options.logger === undefined || typeof options.logger === 'object'
        ? loggerOptions(options.logger ?? { level: options.config.LOG_LEVEL })
        : options.logger,
    bodyLimit: 256 * 1024,
    frameworkErrors: frameworkErrorReply,
    // X-Forwarded-For is believed only from the proxies named in TRUSTED_PROXIES (default: none).
    trustProxy: trustProxyOf(options.config),
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  configureAuditChain(options.config);
  installErrorHandler(app);
  await app.register(cookie);
  await app.register(servicesPlugin, options);
  await app.register(authPlugin);
  await app.register(metricsPlugin);
  await app.register(attachmentsPlugin);
  await app.register(securityPlugin);
  await app.register(complaintIntakePlugin);
  await app.register(openapiPlugin);

  await app.register(healthRoutes, { checkMail: options.checkMail });
  await app.register(categoryRoutes);
  await app.register(calendarRoutes);
  await app.register(complaintRoutes);
  await app.register(complaintActionRoutes);
  await app.register(complaintListRoutes);
  await app.register(complaintMessageRoutes);
  await app.register(complaintLinkRoutes);
  await app.register(cannedAnswerRoutes);
  await app.register(authRoutes);
  await app.register(adminRoutes);
  await app.register(adminHistoryRoutes);
  await app.register(adminOrgUnitRoutes);
  await app.register(adminStaffRoutes);
  await app.register(adminHeadRoleChangeRoutes);
  await app.register(adminCategoryRoutes);
  await app.register(performanceScorecardRoutes);
  await app.register(performanceKpiEntryRoutes);
  await app.register(performanceEvaluationRoutes);
  await app.register(performanceYearEndRoutes);
  await app.register(performanceResultRoutes);
  await app.register(performanceInnovationRoutes);
  await app.register(briefingRoutes);
  await app.register(performanceWorkRoutes);
  await app.register(kpiUploadRoutes);
  await app.register(performanceFairnessRoutes);
  await app.register(capabilityRoutes);
  await app.register(workRoutes);
  await app.register(complaintStatsRoutes);
  await app.register(taskRoutes);
  await app.register(taskActionRoutes);
  await app.register(open311KeyRoutes);
  await app.register(citizenRoutes);
  await app.register(open311Routes, { prefix: '/open311/v2' });
  await app.register(taskCustomerRoutes);
  await app.register(taskCustomerPortalRoutes);
  await app.register(taskCustomerRatingRoutes);
  await app.register(developmentPlanRoutes);
  await app.register(developmentTeamPlanRoutes);
  await app.register(developmentCompetencyRoutes);
  if (options.config.EMBEDDED) await app.register(devMailboxRoutes);

  const headFile = options.config.AUDIT_HEAD_FILE;
  const everySeconds = options.config.AUDIT_HEAD_EXPORT_SECONDS;
  if (headFile && everySeconds > 0) {
    const timer = setInterval(() => {
      exportAuditHead(options.prisma, headFile).catch((error: unknown) =>
        app.log.warn({ err: error }, 'audit head not exported'),
      );
    }, everySeconds * 1000);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }

  if (fs.existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false });
    // Portal paths fall back to the SPA; unknown /api/ paths keep their JSON 404.
    app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, (request, reply) =>
      request.url.startsWith('/api/') ? reply.callNotFound() : reply.sendFile('index.html'),
    );
  }
  return app;
}
