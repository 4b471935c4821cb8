#!/bin/sh
# One-shot setup for the portal's Temporal namespace, run by the `temporal-setup` compose service
# (image temporalio/admin-tools, which ships the `temporal` CLI). Idempotent: safe on every `docker compose up`.
#   1. creates the namespace when TEMPORAL_CREATE_NAMESPACE=true, and waits until it exists
#      (the CLI connects with mTLS when TEMPORAL_TLS_CERT/KEY/CA are set)
#   2. sets the namespace retention when TEMPORAL_RETENTION is given (e.g. 720h)
#   3. registers the custom search attributes; "already exists" with the same type is fine,
#      an existing attribute of a different type is an error
#   4. waits until every attribute is listed, so workflows started right afterwards can use them
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_RETENTION:-}"
# Name=Type pairs; keep in sync with domain/search-attributes.ts
ATTRIBUTES="${PORTAL_SEARCH_ATTRIBUTES:-PortalWorkKind=Keyword PortalStage=Keyword PortalTeam=Keyword PortalAssignee=Keyword PortalDueAt=Datetime PortalOverdue=Bool}"

if [ "${TEMPORAL_CREATE_NAMESPACE:-false}" = "true" ] &&
  ! temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$NAMESPACE" --address "$ADDRESS" --retention "${RETENTION:-720h}" ||
    temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null
  echo "temporal-setup: namespace '$NAMESPACE' created"
fi

tries=0
until temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 90 ]; then
    echo "temporal-setup: namespace '$NAMESPACE' not available at $ADDRESS" >&2
    exit 1
  fi
  echo "temporal-setup: waiting for namespace '$NAMESPACE' at $ADDRESS"
  sleep 2
done

if [ -n "$RETENTION" ]; then
  temporal operator namespace update --namespace "$NAMESPACE" --address "$ADDRESS" --retention "$RETENTION" >/dev/null
  echo "temporal-setup: namespace '$NAMESPACE' retention set to $RETENTION"
fi

for pair in $ATTRIBUTES; do
  name="${pair%%=*}"
  type="${pair#*=}"
  if out=$(temporal operator search-attribute create --namespace "$NAMESPACE" --address "$ADDRESS" \
    --name "$name" --type "$type" 2>&1); then
    echo "temporal-setup: search attribute $name ($type) registered"
  else
    case "$out" in
      *"different type"*)
        echo "temporal-setup: $name already exists with another type: $out" >&2
        exit 1
        ;;
      *"already exists"* | *"AlreadyExists"* | *"already registered"*)
        echo "temporal-setup: search attribute $name ($type) already exists"
        ;;
      *)
        echo "temporal-setup: could not register $name ($type): $out" >&2
        exit 1
        ;;
    esac
  fi
done

tries=0
while :; do
  listing=$(temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS" 2>&1 || true)
  missing=""
  for pair in $ATTRIBUTES; do
    name="${pair%%=*}"
    printf '%s\n' "$listing" | grep -qw -- "$name" || missing="$missing $name"
  done
  [ -z "$missing" ] && break
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then
    echo "temporal-setup: still not listed after registration:$missing" >&2
    exit 1
  fi
  sleep 2
done
echo "temporal-setup: namespace '$NAMESPACE' ready with search attributes: $ATTRIBUTES"
