import fs from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { Config } from './config.ts';

type TlsSettings = Pick<
  Config,
  'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_CA' | 'TEMPORAL_TLS_SERVER_NAME'
>;

/** mTLS to the frontend as configuration gives it (undefined: plain connection, as to the dev server). */
export function temporalTls(config: TlsSettings): TLSConfig | undefined {
  if (!config.TEMPORAL_TLS_CERT || !config.TEMPORAL_TLS_KEY || !config.TEMPORAL_TLS_CA) return undefined;
  return {
    serverRootCACertificate: fs.readFileSync(config.TEMPORAL_TLS_CA),
    clientCertPair: {
      crt: fs.readFileSync(config.TEMPORAL_TLS_CERT),
      key: fs.readFileSync(config.TEMPORAL_TLS_KEY),
    },
    ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
}

export async function connectTemporal(address: string, namespace: string, tls?: TLSConfig): Promise<Client> {
  const connection = await Connection.connect({ address, tls });
  return new Client({ connection, namespace });
}
