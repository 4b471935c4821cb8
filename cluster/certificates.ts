import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../embedded/temporal-binaries.ts';

export interface ClusterCertificates {
  dir: string;
  caCert: string;
  /** The frontend's and every Temporal service's own certificate (server and internode client). */
  serverCert: string;
  serverKey: string;
  /** The one client identity of the portal's API, workers, CLI and UI. */
  clientCert: string;
  clientKey: string;
}

/**
 * The cluster's private CA and its certificates, made by deploy/temporal/make-certs.sh (the script the
 * Compose stack runs too) on first start and reused afterwards. Nothing of it belongs in the repository.
 */
export function ensureCertificates(dir: string): ClusterCertificates {
  execFileSync('sh', [path.join(projectRoot, 'deploy', 'temporal', 'make-certs.sh'), dir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    dir,
    caCert: path.join(dir, 'ca.pem'),
    serverCert: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server.key'),
    clientCert: path.join(dir, 'client.pem'),
    clientKey: path.join(dir, 'client.key'),
  };
}
