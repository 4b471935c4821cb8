import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from './prisma.ts';

/**
 * The API's Prometheus metrics. One registry per API instance (two instances in one process, as in the
 * scale-out test, must not share counters). Request metrics are labelled by route pattern, never by raw
 * URL, so receipt numbers do not become label values.
 */
export function createApiMetrics(options: { prisma: Db }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portal_api_' });

  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'portal_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'portal_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'portal_http_errors_total',
    help: 'HTTP answers with a 4xx or 5xx status, by method, route pattern and status',
    labelNames,
    registers: [registry],
  });
  const intake = new Counter({
    name: 'portal_complaint_intake_total',
    help: 'Complaint filings answered 202 by this instance (idempotent replays included)',
    registers: [registry],
  });
  const passwordChecks = new Counter({
    name: 'portal_password_checks_total',
    help: 'argon2 password checks made by sign-in (each one is an attempt an attacker could use)',
    registers: [registry],
  });

  // Business state is read from PostgreSQL at scrape time, so every API instance reports the same truth.
  // The registry collects all metrics at once; each gauge reads its own figures (a failed read leaves it empty).
  const { prisma } = options;
  new Gauge({
    name: 'portal_database_up',
    help: '1 when this scrape could read PostgreSQL, else 0',
    registers: [registry],
    async collect() {
      this.set(
        await prisma.$queryRaw`SELECT 1`.then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
  const countsBy = (
    name: string,
    help: string,
    label: string,
    read: () => Promise<Array<[string, number]>>,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        const rows = await read().catch(() => []);
        this.reset();
        for (const [value, count] of rows) this.set({ [label]: value }, count);
      },
    });
  countsBy('portal_complaints', 'Complaints by stage (read model)', 'stage', async () =>
    (await prisma.complaint.groupBy({ by: ['stage'], _count: { _all: true } })).map((r) => [
      r.stage,
      r._count._all,
    ]),
  );
  countsBy(
    'portal_workflow_outcomes',
    'Outcomes reported by finished workflows (complaints closed, tasks done, ...), by kind',
    'kind',
    async () =>
      (await prisma.performanceOutcome.groupBy({ by: ['kind'], _count: { _all: true } })).map((r) => [
        r.kind,
        r._count._all,
      ]),
  );
  countsBy(
    'portal_mail_outbox',
    'Notification mails in the outbox, by status (PENDING waits for the mail server)',
    'status',
    async () =>
      (await prisma.emailOutbox.groupBy({ by: ['status'], _count: { _all: true } })).map((r) => [
        r.status,
        r._count._all,
      ]),
  );

  return {
    registry,
    passwordChecks,
    observeRequest(labels: { method: string; route: string; status: number }, seconds: number) {
      const values = { method: labels.method, route: labels.route, status: String(labels.status) };
      requests.inc(values);
      duration.observe(values, seconds);
      if (labels.status >= 400) errors.inc(values);
      if (labels.method === 'POST' && labels.route === '/api/complaints' && labels.status === 202)
        intake.inc();
    },
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
