import type { ClusterCertificates } from './certificates.ts';

/** Temporal's services as this topology runs them: one process each, history twice. */
export const TEMPORAL_PROCESSES = ['frontend', 'history-1', 'history-2', 'matching', 'worker'] as const;
export type TemporalProcessName = (typeof TEMPORAL_PROCESSES)[number];
export const serviceOf = (name: TemporalProcessName) => name.replace(/-\d+$/, '');

/** Fixed at the first start of the persistence database and never changeable afterwards. */
export const HISTORY_SHARDS = 512;

export interface ProcessPorts {
  grpc: number;
  membership: number;
}

export interface TemporalClusterLayout {
  frontendHttpPort: number;
  ports: Record<TemporalProcessName, ProcessPorts>;
  database: { host: string; port: number; user: string; password: string };
  persistenceDatabase: string;
  visibilityDatabase: string;
  certificates: ClusterCertificates;
  dynamicConfigFile: string;
  logLevel: string;
}

const sqlStore = (layout: TemporalClusterLayout, databaseName: string, maxConns: number) => ({
  sql: {
    pluginName: 'postgres12',
    databaseName,
    connectAddr: `${layout.database.host}:${layout.database.port}`,
    connectProtocol: 'tcp',
    user: layout.database.user,
    password: layout.database.password,
    maxConns,
    maxIdleConns: maxConns,
    maxConnLifetime: '1h',
  },
});

const rpc = (ports: ProcessPorts, extra: object = {}) => ({
  rpc: { grpcPort: ports.grpc, membershipPort: ports.membership, bindOnLocalHost: true, ...extra },
});

/**
 * The server configuration of one Temporal process (JSON, which the server's YAML loader reads). Every
 * process gets the whole service map so it can find the others; only its own entry differs (the two
 * history processes differ in their ports). mTLS is required on the frontend and between the services.
 */
export function temporalProcessConfig(layout: TemporalClusterLayout, name: TemporalProcessName): object {
  const { certificates: certs } = layout;
  const serverTls = {
    certFile: certs.serverCert,
    keyFile: certs.serverKey,
    clientCaFiles: [certs.caCert],
    requireClientAuth: true,
  };
  const clientTls = { serverName: 'localhost', rootCaFiles: [certs.caCert] };
  const history = name.startsWith('history') ? layout.ports[name] : layout.ports['history-1'];
  return {
    log: { stdout: true, level: layout.logLevel, format: 'json' },
    persistence: {
      defaultStore: 'portal-temporal',
      visibilityStore: 'portal-visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: {
        'portal-temporal': sqlStore(layout, layout.persistenceDatabase, 20),
        'portal-visibility': sqlStore(layout, layout.visibilityDatabase, 5),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      tls: {
        internode: { server: serverTls, client: clientTls },
        frontend: { server: serverTls, client: clientTls },
        // The internal worker service is a client of the frontend like any other and shows its certificate.
        systemWorker: { certFile: certs.clientCert, keyFile: certs.clientKey, client: clientTls },
      },
    },
    services: {
      frontend: rpc(layout.ports.frontend, { httpPort: layout.frontendHttpPort }),
      history: rpc(history),
      matching: rpc(layout.ports.matching),
      worker: rpc(layout.ports.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `localhost:${layout.ports.frontend.grpc}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    publicClient: { hostPort: `localhost:${layout.ports.frontend.grpc}` },
    dynamicConfigClient: { filepath: layout.dynamicConfigFile, pollInterval: '10s' },
  };
}
