import { randomBytes } from 'node:crypto';
import { Type, type Static } from 'typebox';
import { envSchema } from 'env-schema';

const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  /**
   * Proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDR ranges, e.g.
   * `10.0.0.0/8,127.0.0.1`). Empty: none, the client IP is the socket's, so a forged header changes nothing.
   */
  TRUSTED_PROXIES: Type.String({ default: '' }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  TEMPORAL_ADDRESS: Type.String({ minLength: 1 }),
  TEMPORAL_NAMESPACE: Type.String({ default: 'default' }),
  TEMPORAL_TASK_QUEUE: Type.String({ default: 'portal' }),
  /** mTLS to the Temporal frontend (all three PEM file paths, or none): this client's certificate and key. */
  TEMPORAL_TLS_CERT: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_TLS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** The CA that signed the frontend's certificate. */
  TEMPORAL_TLS_CA: Type.Optional(Type.String({ minLength: 1 })),
  /** The name the frontend's certificate is checked against when it differs from the address's host. */
  TEMPORAL_TLS_SERVER_NAME: Type.Optional(Type.String({ minLength: 1 })),
  SMTP_URL: Type.String({ pattern: '^smtps?://' }),
  MAIL_FROM: Type.String({ default: '행정혁신포털 <no-reply@portal.example.go.kr>' }),
  /** Where citizens and staff open the portal: every link in a mail starts with it; defaults to http://localhost:${PORT}. */
  PUBLIC_URL: Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$', default: 'http://localhost:3000' }),
  /**
   * Key of the audit log's hash chain (HMAC-SHA256), at least 32 characters; kept outside the database so
   * that whoever can write the database cannot re-chain a rewritten entry. Required in production; the
   * embedded launcher and tests generate one under the data folder.
   */
  AUDIT_HMAC_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** Append-only file the audit chain head is exported to (and verified against); empty turns it off. */
  AUDIT_HEAD_FILE: Type.String({ default: '' }),
  /** How often the API appends the chain head to AUDIT_HEAD_FILE, in seconds; 0 only on demand. */
  AUDIT_HEAD_EXPORT_SECONDS: Type.Integer({ minimum: 0, default: 300 }),
  /** Whether `/metrics` answers callers other than loopback (a scraper in another container). */
  METRICS_REMOTE: Type.Boolean({ default: false }),
  /** Worker only: address its Prometheus endpoint binds to. */
  WORKER_METRICS_HOST: Type.String({ default: '127.0.0.1' }),
  /** Only the embedded launcher sets this: enables /api/dev/mailbox and demo conveniences. */
  EMBEDDED: Type.Boolean({ default: false }),
  COOKIE_SECURE: Type.Boolean({ default: false }),
  LOG_LEVEL: Type.String({ default: 'info' }),
  TEMPORAL_UI_URL: Type.Optional(Type.String()),
  /**
   * Tests and demos only: every complaint is due this many seconds after receipt instead of its
   * business-day period, and all its timers scale with it.
   */
  COMPLAINT_TEST_SLA_SECONDS: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  /** Worker only: port of its Prometheus endpoint (Temporal SDK runtime metrics at /metrics); 0 turns it off. */
  WORKER_METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9464 }),
  /**
   * Worker only: its database pool, and the task slots sized to it (worker/create-worker.ts workerTuning).
   * Activities beyond the pool would only queue for a connection while their start-to-close timeout runs.
   */
  WORKER_DB_POOL: Type.Integer({ minimum: 1, default: 10 }),
  /** Worker only: activities run at once; 0 = twice WORKER_DB_POOL (mail activities also wait on SMTP). */
  WORKER_ACTIVITY_SLOTS: Type.Integer({ minimum: 0, default: 0 }),
  /** Worker only: workflow tasks run at once (one workflow thread: more only queue inside the worker). */
  WORKER_WORKFLOW_SLOTS: Type.Integer({ minimum: 2, default: 10 }),
  /**
   * Worker only: workflows kept in memory between tasks. The SDK's default grows with the heap (about 2,300
   * on a 4-GiB heap), so under a backlog of open complaints the worker's memory grew to fill it.
   */
  WORKER_MAX_CACHED_WORKFLOWS: Type.Integer({ minimum: 0, default: 500 }),
  /** Worker only: a workflow bundle built ahead (`bundleWorkflowCode`) for a fast start; else bundled at start. */
  WORKFLOW_BUNDLE_PATH: Type.Optional(Type.String({ minLength: 1 })),
  /** Requests per minute and client IP on each public route (intake, citizen actions, rating, reads). */
  RATE_LIMIT_PUBLIC_PER_MINUTE: Type.Integer({ minimum: 1, default: 120 }),
  /** Sign-in attempts per minute and client IP (on top of the per-account lockout). */
  RATE_LIMIT_LOGIN_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
  /** Citizen name, email and text of complaints closed longer ago than this are anonymised. */
  RETENTION_DAYS_AFTER_CLOSE: Type.Integer({ minimum: 1, default: 365 }),
  /**
   * API and worker: the key of the HMAC with which the API signs the actor of each workflow Update and the
   * worker checks it (platform/actor-claims.ts). Required unless EMBEDDED or NODE_ENV=test, where one is
   * generated (the embedded launcher hands the same one to the API and the worker).
   */
  ACTOR_SIGNING_SECRET: Type.String({ minLength: 32 }),
  /**
   * Where attachment bytes are kept (platform/file-store.ts): `postgres` (a bytea table in DATABASE_URL, the
   * default) or `folder` (a content-addressed folder at FILE_STORE_DIR, shared by every API and worker).
   */
  FILE_STORE: Type.Union([Type.Literal('postgres'), Type.Literal('folder')], { default: 'postgres' }),
  FILE_STORE_DIR: Type.Optional(Type.String({ minLength: 1 })),
});
type RawConfig = Static<typeof ConfigSchema>;
export type Config = Omit<RawConfig, 'AUDIT_HMAC_SECRET'> & { AUDIT_HMAC_SECRET: string };

/** Stands in for AUDIT_HMAC_SECRET outside production when none is given (tests, one-off scripts). */
export const DEVELOPMENT_AUDIT_SECRET = 'development-only-audit-chain-key-not-for-production';

/** Reads and validates configuration at boot; fails fast naming the missing or malformed variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Links in mails (sign-in, survey, password reset) must reach this server when PUBLIC_URL is not set: its own port.
  const withDefaults = { PUBLIC_URL: `http://localhost:${env.PORT ?? 3000}`, ...env };
  const generatesSecret = env.NODE_ENV === 'test' || env.EMBEDDED === 'true';
  const data =
    generatesSecret && !env.ACTOR_SIGNING_SECRET
      ? { ...withDefaults, ACTOR_SIGNING_SECRET: randomBytes(32).toString('hex') }
      : withDefaults;
  const raw = envSchema<RawConfig>({ schema: ConfigSchema, data, dotenv: false });
  const tlsFiles = ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA'] as const;
  const given = tlsFiles.filter((name) => raw[name]);
  if (given.length > 0 && given.length < tlsFiles.length) {
    const missing = tlsFiles.filter((name) => !raw[name]);
    throw new Error(`${missing.join(', ')} must be set together with ${given.join(', ')} (mTLS to Temporal)`);
  }
  if (raw.FILE_STORE === 'folder' && !raw.FILE_STORE_DIR) {
    throw new Error(
      'FILE_STORE_DIR is required when FILE_STORE=folder (the folder attachment bytes are kept in)',
    );
  }
  if (raw.NODE_ENV === 'production' && !raw.AUDIT_HMAC_SECRET) {
    throw new Error(
      'AUDIT_HMAC_SECRET is required in production (at least 32 characters, kept outside the database)',
    );
  }
  return {
    ...raw,
    PUBLIC_URL: raw.PUBLIC_URL.replace(/\/+$/, ''),
    AUDIT_HMAC_SECRET: raw.AUDIT_HMAC_SECRET ?? DEVELOPMENT_AUDIT_SECRET,
  };
}

/** The `trustProxy` setting for fastify: off unless TRUSTED_PROXIES names the proxies in front. */
export function trustProxyOf(config: Pick<Config, 'TRUSTED_PROXIES'>): false | string[] {
  const proxies = config.TRUSTED_PROXIES.split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return proxies.length > 0 ? proxies : false;
}
