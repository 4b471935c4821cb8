import { describe, expect, it } from 'vitest';
import {
  HISTORY_SHARDS,
  temporalProcessConfig,
  TEMPORAL_PROCESSES,
  type TemporalClusterLayout,
} from '../../cluster/temporal-config.ts';
import { prettyLogLine } from '../../embedded/log-lines.ts';

const layout: TemporalClusterLayout = {
  ports: {
    frontend: { grpc: 7233, membership: 6933 },
    'history-1': { grpc: 7234, membership: 6934 },
    'history-2': { grpc: 7235, membership: 6935 },
    matching: { grpc: 7236, membership: 6936 },
    worker: { grpc: 7237, membership: 6937 },
  },
  frontendHttpPort: 7243,
  database: { host: '127.0.0.1', port: 5432, user: 'temporal', password: 'secret' },
  persistenceDatabase: 'temporal',
  visibilityDatabase: 'temporal_visibility',
  certificates: {
    dir: '/certs',
    caCert: '/certs/ca.pem',
    serverCert: '/certs/server.pem',
    serverKey: '/certs/server.key',
    clientCert: '/certs/client.pem',
    clientKey: '/certs/client.key',
  },
  dynamicConfigFile: '/deploy/temporal/dynamicconfig.yaml',
  logLevel: 'warn',
};

type Config = {
  persistence: { numHistoryShards: number; datastores: Record<string, { sql: { databaseName: string } }> };
  global: {
    tls: Record<
      string,
      { server?: { requireClientAuth: boolean; clientCaFiles: string[] }; certFile?: string }
    >;
  };
  services: Record<string, { rpc: { grpcPort: number; membershipPort: number } }>;
};

describe('the Temporal cluster configuration', () => {
  it('every process uses 512 shards and separate persistence and visibility databases', () => {
    for (const name of TEMPORAL_PROCESSES) {
      const config = temporalProcessConfig(layout, name) as Config;
      expect(config.persistence.numHistoryShards).toBe(HISTORY_SHARDS);
      expect(HISTORY_SHARDS).toBe(512);
      const databases = Object.values(config.persistence.datastores).map((store) => store.sql.databaseName);
      expect(databases.sort()).toEqual(['temporal', 'temporal_visibility']);
    }
  });

  it('requires client certificates from the CA on the frontend and between services, the internal worker included', () => {
    const { tls } = (temporalProcessConfig(layout, 'frontend') as Config).global;
    for (const group of ['frontend', 'internode']) {
      expect(tls[group]!.server).toMatchObject({ requireClientAuth: true, clientCaFiles: ['/certs/ca.pem'] });
    }
    expect(tls.systemWorker!.certFile).toBe('/certs/client.pem');
  });

  it('gives the two history processes their own ports', () => {
    const one = (temporalProcessConfig(layout, 'history-1') as Config).services.history!.rpc;
    const two = (temporalProcessConfig(layout, 'history-2') as Config).services.history!.rpc;
    expect(one).toMatchObject({ grpcPort: 7234, membershipPort: 6934 });
    expect(two).toMatchObject({ grpcPort: 7235, membershipPort: 6935 });
  });
});

describe('launcher log lines in development', () => {
  const pino = (entry: object) =>
    JSON.stringify({ level: 30, time: Date.UTC(2026, 11, 2, 1, 2, 3), pid: 1, hostname: 'h', ...entry });

  it('leaves out routine request logs but shows a failed request and warnings as one line', () => {
    expect(
      prettyLogLine('api', pino({ msg: 'incoming request', req: { method: 'GET', url: '/api/health' } })),
    ).toBeUndefined();
    expect(
      prettyLogLine(
        'api',
        pino({
          msg: 'request completed',
          req: { method: 'GET', url: '/x' },
          res: { statusCode: 200 },
          responseTime: 3,
        }),
      ),
    ).toBeUndefined();
    const failed = prettyLogLine(
      'api',
      pino({
        level: 50,
        msg: 'request completed',
        req: { method: 'POST', url: '/api/complaints' },
        res: { statusCode: 503 },
        responseTime: 12.4,
      }),
    );
    expect(failed).toMatch(/api\s+ERROR POST \/api\/complaints 503 12 ms$/);
    expect(prettyLogLine('worker', pino({ level: 40, msg: 'mail deferred', receiptNo: 'MW-1' }))).toMatch(
      /worker\s+WARN mail deferred {2}receiptNo=MW-1$/,
    );
  });

  it('keeps URLs whole and passes plain lines through, dropping the SDK INFO chatter', () => {
    expect(prettyLogLine('api', pino({ msg: 'Server listening at http://127.0.0.1:3000' }))).toContain(
      'http://127.0.0.1:3000',
    );
    expect(prettyLogLine('worker', 'worker polling task queue "portal"')).toMatch(/worker\s+worker polling/);
    expect(
      prettyLogLine('worker', "2026-12-02T10:08:02.916Z [INFO] Worker state changed { state: 'RUNNING' }"),
    ).toBeUndefined();
    expect(prettyLogLine('api', pino({ msg: 'x' }), { showRequests: true })).toBeDefined();
  });
});
