import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

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

/** Names the server certificate answers to: this machine, and the service name Compose gives it. */
export const SERVER_NAMES = ['localhost', 'temporal', 'temporal-frontend'];

const files = (dir: string): ClusterCertificates => ({
  dir,
  caCert: path.join(dir, 'ca.pem'),
  serverCert: path.join(dir, 'server.pem'),
  serverKey: path.join(dir, 'server.key'),
  clientCert: path.join(dir, 'client.pem'),
  clientKey: path.join(dir, 'client.key'),
});

function openssl(args: string[], cwd: string) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A key and a certificate signed by the cluster's CA, with the given extensions. */
function issue(dir: string, name: string, subject: string, extensions: string) {
  const extFile = path.join(dir, `${name}.ext`);
  fs.writeFileSync(extFile, extensions);
  openssl(
    [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '825',
      '-sha256',
      '-extfile',
      extFile,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
  fs.rmSync(path.join(dir, `${name}.csr`));
  fs.rmSync(extFile);
}

/**
 * The cluster's private CA and its certificates, made with the `openssl` CLI on first start and reused
 * afterwards. Keys stay in `dir` (mode 700); nothing of it belongs in the repository.
 */
export function ensureCertificates(dir: string): ClusterCertificates {
  const certificates = files(dir);
  if (Object.values(certificates).every((file) => fs.existsSync(file))) return certificates;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-sha256',
      '-subj',
      '/CN=portal-temporal-ca',
    ],
    dir,
  );
  const altNames = [...SERVER_NAMES.map((name) => `DNS:${name}`), 'IP:127.0.0.1'].join(',');
  issue(
    dir,
    'server',
    '/CN=localhost',
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=${altNames}\n`,
  );
  issue(
    dir,
    'client',
    '/CN=portal-client',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  for (const file of ['ca.key', 'server.key', 'client.key']) fs.chmodSync(path.join(dir, file), 0o600);
  return certificates;
}
