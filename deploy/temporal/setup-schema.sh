#!/bin/sh
# Applies Temporal's own schemas to its two databases with its schema tool (temporal-sql-tool, shipped in
# temporalio/admin-tools); run by the `temporal-schema` Compose service before any Temporal service starts.
# Idempotent: setup-schema only creates the version table, update-schema applies what is missing.
# The databases themselves are created by deploy/postgres/init-databases.sh (role temporal owns them).
set -eu
for pair in "${TEMPORAL_DB:-temporal}:temporal" "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}:visibility"; do
  db="${pair%%:*}"
  schema="${pair#*:}"
  temporal-sql-tool --plugin postgres12 --ep "${SQL_HOST:-postgresql}" -p "${SQL_PORT:-5432}" \
    -u "${SQL_USER:-temporal}" --db "$db" setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --ep "${SQL_HOST:-postgresql}" -p "${SQL_PORT:-5432}" \
    -u "${SQL_USER:-temporal}" --db "$db" update-schema --schema-name "postgresql/v12/$schema"
  echo "temporal-schema: $db is at the current $schema schema"
done
