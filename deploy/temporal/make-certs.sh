#!/bin/sh
# The Temporal cluster's private CA and certificates, made with openssl on first start and kept afterwards:
#   ca.pem / ca.key          the CA every party trusts
#   server.pem / server.key  frontend and every Temporal service (server, and client between services)
#   client.pem / client.key  the portal's API, workers, the CLI and the Web UI
# Used by `npm run cluster` (cluster/certificates.ts) and the `temporal-certs` Compose service.
# Usage: make-certs.sh DIR [server names, comma-separated DNS names; default localhost,temporal,temporal-frontend]
set -eu
DIR="$1"
NAMES="${2:-localhost,temporal,temporal-frontend}"
mkdir -p "$DIR"
chmod 700 "$DIR"
cd "$DIR"
if [ -s ca.pem ] && [ -s server.pem ] && [ -s server.key ] && [ -s client.pem ] && [ -s client.key ]; then
  exit 0
fi
ALT="IP:127.0.0.1"
for name in $(echo "$NAMES" | tr ',' ' '); do ALT="$ALT,DNS:$name"; done

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -sha256 \
  -subj /CN=portal-temporal-ca 2>/dev/null

issue() { # name subject extensions
  printf '%b' "$3" > "$1.ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -sha256 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
issue server /CN=temporal "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=$ALT\n"
issue client /CN=portal-client "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n"
# Readable by the containers' non-root users (temporal, node); the folder is private on the host.
chmod 644 ca.pem server.pem client.pem server.key client.key
chmod 600 ca.key
echo "make-certs: certificates written to $DIR"
