#!/bin/sh
# Creates the roles and databases of the stack. Mounted into /docker-entrypoint-initdb.d by docker-compose.yml,
# so the official postgres image runs it exactly once: on the first start with an EMPTY data volume.
#   temporal  owns  temporal, temporal_visibility   (Temporal persistence + SQL visibility; auto-setup applies schemas)
#   portal    owns  portal                          (application database; `prisma migrate deploy` applies migrations)
# Changing a password in .env afterwards does not change it here; run ALTER ROLE ... PASSWORD ... instead
# (or `docker compose down -v` to start over, which deletes all data).
set -e

if [ -z "${TEMPORAL_DB_PASSWORD:-}" ] || [ -z "${PORTAL_DB_PASSWORD:-}" ]; then
  echo "init-databases: TEMPORAL_DB_PASSWORD and PORTAL_DB_PASSWORD must be set" >&2
  exit 1
fi

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
  --set temporal_password="$TEMPORAL_DB_PASSWORD" \
  --set portal_password="$PORTAL_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;

CREATE ROLE portal LOGIN PASSWORD :'portal_password';
CREATE DATABASE portal OWNER portal;

-- only the owning role (and the superuser) may connect to each database
REVOKE CONNECT, TEMPORARY ON DATABASE temporal, temporal_visibility, portal FROM PUBLIC;
SQL
