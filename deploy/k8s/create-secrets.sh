#!/usr/bin/env bash
# Creates (or updates) the Secrets that Palisade's manifests reference by name, from an env file shaped like
# secrets.example.env. Empty values are generated. Nothing is written to disk except a private temp folder
# that is removed on exit; values never appear on a command line.
#   deploy/k8s/create-secrets.sh [FILE]            apply to the cluster (namespace $NAMESPACE, default palisade)
#   deploy/k8s/create-secrets.sh --dry-run [FILE]  print the Secret manifests instead (they contain the values)
set -euo pipefail

dry_run=false
if [[ "${1:-}" == "--dry-run" ]]; then dry_run=true; shift; fi
file="${1:-$(dirname "$0")/secrets.env}"
ns="${NAMESPACE:-palisade}"
[[ -r "$file" ]] || { echo "cannot read $file (copy secrets.example.env to it and fill it in)" >&2; exit 2; }

set -a
# shellcheck disable=SC1090
. "$file"
set +a

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"

generated=()
ensure() { # ensure NAME BYTES: keep the variable's value, or give it a random one
  if [[ -z "${!1:-}" ]]; then
    printf -v "$1" '%s' "$(openssl rand -base64 "$2" | tr -d '\n')"
    generated+=("$1")
  fi
}
ensure TENANT_DB_PASSWORD 24
ensure GROUP_DB_PASSWORD 24
ensure GATEWAY_DB_PASSWORD 24
ensure MIGRATION_DB_PASSWORD 24
ensure TENANT_MASTER_KEY 32
ensure GATEWAY_MASTER_KEY 32
ensure BOOTSTRAP_ADMIN_PASSWORD 18
put() { # put FILE VALUE
  printf '%s' "$2" > "$tmp/$1"
}
emit() { # reads a manifest on stdin
  if $dry_run; then printf -- '---\n'; cat; else kubectl apply -f -; fi
}

if ! $dry_run; then
  kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"
fi

db_secret() { # db_secret SECRET ROLE VAR: basic-auth, as CloudNativePG's managed roles want it
  local secret="$1" role="$2" var="$3"
  put "$secret.username" "$role"
  put "$secret.password" "${!var}"
  kubectl create secret generic "$secret" -n "$ns" --type=kubernetes.io/basic-auth \
      --from-file=username="$tmp/$secret.username" --from-file=password="$tmp/$secret.password" \
      --dry-run=client -o yaml \
    | kubectl label --local -f - cnpg.io/reload=true app.kubernetes.io/part-of=palisade -o yaml \
    | emit
}

db_secret palisade-db-tenant-service palisade_tenant TENANT_DB_PASSWORD
db_secret palisade-db-group-service palisade_group GROUP_DB_PASSWORD
db_secret palisade-db-agent-gateway palisade_gateway GATEWAY_DB_PASSWORD
db_secret palisade-db-migration-service palisade_migration MIGRATION_DB_PASSWORD

put tenant.master-key "$TENANT_MASTER_KEY"
put tenant.admin "$BOOTSTRAP_ADMIN_PASSWORD"
kubectl create secret generic palisade-tenant-service -n "$ns" \
    --from-file=master-key="$tmp/tenant.master-key" --from-file=bootstrap-admin-password="$tmp/tenant.admin" \
    --dry-run=client -o yaml \
  | kubectl label --local -f - app.kubernetes.io/part-of=palisade -o yaml \
  | emit

put gateway.master-key "$GATEWAY_MASTER_KEY"
kubectl create secret generic palisade-agent-gateway -n "$ns" \
    --from-file=master-key="$tmp/gateway.master-key" \
    --dry-run=client -o yaml \
  | kubectl label --local -f - app.kubernetes.io/part-of=palisade -o yaml \
  | emit

if [[ -n "${API_TLS_CERT_FILE:-}" ]]; then
  kubectl create secret tls palisade-api-tls -n "$ns" --cert="$API_TLS_CERT_FILE" --key="$API_TLS_KEY_FILE" \
      --dry-run=client -o yaml \
    | kubectl label --local -f - app.kubernetes.io/part-of=palisade -o yaml \
    | emit
fi

if (( ${#generated[@]} )); then
  {
    echo "generated: ${generated[*]}"
    echo "read one back with: kubectl -n $ns get secret <name> -o jsonpath='{.data.<key>}' | base64 -d"
    echo "e.g. the bootstrap admin's password: kubectl -n $ns get secret palisade-tenant-service -o jsonpath='{.data.bootstrap-admin-password}' | base64 -d"
    echo "keep the master keys safe: they cannot be recovered"
  } >&2
fi
