#!/usr/bin/env bash
# Checks the proxy configurations in this folder for real, with no Internet and without touching the host's
# ports: inside a private network namespace (unshare -n, as root) it starts a TLS server standing in for the
# gateway on 8443, then each proxy from its committed configuration (only listening addresses, the test
# password and the upstream addresses are adapted), and opens tunnels with curl:
#   tinyproxy / squid: CONNECT to 8443 works, CONNECT to another port is refused, plain HTTP is refused (squid);
#   with authentication: 407 without credentials, 407 with wrong ones, a tunnel with the right ones;
#   nginx stream: TLS passes through untouched (the client sees the gateway's own certificate), and on 443 the
#   operator API's name goes to the API upstream, anything else to the gateway.
# Needs: tinyproxy, squid, nginx (+ libnginx-mod-stream on Debian), openssl, curl, unshare, ip.
#   sudo deploy/proxy/check.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [[ "${PALISADE_PROXY_CHECK_INSIDE:-}" != 1 ]]; then
  for tool in tinyproxy squid nginx openssl curl unshare ip; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
  done
  [[ $(id -u) == 0 ]] || { echo "run as root (it needs a private network namespace)" >&2; exit 2; }
  exec unshare --net --mount --fork env PALISADE_PROXY_CHECK_INSIDE=1 "$0" "$@"
fi

ip link set lo up
work="$(mktemp -d)"
chmod 755 "$work"
# The proxies resolve the gateway's name themselves: give this namespace (only) its own /etc/hosts.
mount --make-rprivate / 2>/dev/null || true
{ cat /etc/hosts; echo "127.0.0.2 agents.palisade.example.com"; echo "127.0.0.3 tenants.palisade.example.com"; } > "$work/hosts"
chmod 644 "$work/hosts"
mount --bind "$work/hosts" /etc/hosts
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"

passed=0
failed=0
check() { # check DESCRIPTION EXPECTED ACTUAL (EXPECTED may list alternatives: 401|407)
  if [[ "|$2|" == *"|$3|"* ]]; then passed=$((passed + 1)); echo "ok   $1";
  else failed=$((failed + 1)); echo "FAIL $1: expected $2, got $3"; fi
}
wait_port() { # wait_port HOST PORT
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on $1:$2" >&2; return 1
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# stand-ins: the gateway (agents.palisade.example.com) and the operator API's ingress
cert() { # cert NAME DNS
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=$2" \
    -addext "subjectAltName=DNS:$2" -keyout "$1.key" -out "$1.crt" 2>/dev/null
}
cert gateway agents.palisade.example.com
cert api tenants.palisade.example.com
openssl s_server -quiet -www -accept 127.0.0.2:8443 -cert gateway.crt -key gateway.key >/dev/null 2>&1 &
pids+=($!)
openssl s_server -quiet -www -accept 127.0.0.3:443 -cert api.crt -key api.key >/dev/null 2>&1 &
pids+=($!)
wait_port 127.0.0.2 8443
wait_port 127.0.0.3 443

# tunnel through PROXY to the gateway stand-in: prints the HTTP status the client ends up with (the proxy's
# refusal, or 200 from the TLS server at the end of the tunnel)
through() { # through PROXY_URL [PORT]
  local port="${2:-8443}"
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -p -x "$1" --cacert gateway.crt \
    --resolve "agents.palisade.example.com:$port:127.0.0.2" "https://agents.palisade.example.com:$port/" || true
}
# the proxy's answer to CONNECT (curl reports it as http_connect)
connect_status() { # connect_status PROXY_URL PORT
  curl -s -o /dev/null -w '%{http_connect}' --max-time 10 -p -x "$1" -k \
    --resolve "agents.palisade.example.com:$2:127.0.0.2" "https://agents.palisade.example.com:$2/" || true
}

password="check-$(openssl rand -hex 8)"

# ------------------------------------------------------------------------------------------------ tinyproxy
for variant in tinyproxy tinyproxy-auth; do
  sed -e "s/^BasicAuth agent .*/BasicAuth agent $password/" "$here/tinyproxy/$variant.conf" > "$variant.conf"
  tinyproxy -d -c "$variant.conf" >"$variant.log" 2>&1 &
  pid=$!
  wait_port 127.0.0.1 8888
  if [[ $variant == tinyproxy ]]; then
    check "$variant: tunnel to 8443" 200 "$(through http://127.0.0.1:8888)"
    check "$variant: CONNECT to another port refused" 403 "$(connect_status http://127.0.0.1:8888 9443)"
  else
    check "$variant: no credentials" 407 "$(connect_status http://127.0.0.1:8888 8443)"
    check "$variant: wrong credentials" "401|407" "$(connect_status http://agent:wrong@127.0.0.1:8888 8443)"
    check "$variant: tunnel to 8443 with credentials" 200 "$(through "http://agent:$password@127.0.0.1:8888")"
    check "$variant: CONNECT to another port refused" 403 "$(connect_status "http://agent:$password@127.0.0.1:8888" 9443)"
  fi
  stop "$pid"
done

# ------------------------------------------------------------------------------------------------ squid
printf 'agent:%s\n' "$(openssl passwd -apr1 "$password")" > palisade-passwords
chmod 644 palisade-passwords
mkdir -p squid-logs && chown proxy squid-logs 2>/dev/null || chmod 777 squid-logs
helper=/usr/lib/squid/basic_ncsa_auth
[[ -x $helper ]] || helper=/usr/lib64/squid/basic_ncsa_auth
for variant in squid squid-auth; do
  sed -e "s#/usr/lib/squid/basic_ncsa_auth#$helper#; s#/etc/squid/palisade-passwords#$work/palisade-passwords#" \
    "$here/squid/$variant.conf" > "$variant.conf"
  {
    echo "pid_filename none"
    echo "cache_log $work/squid-logs/$variant-cache.log"
    echo "access_log stdio:$work/squid-logs/$variant-access.log"
    echo "coredump_dir $work/squid-logs"
  } >> "$variant.conf"
  squid -k parse -f "$variant.conf" >"$variant-parse.log" 2>&1 || { echo "FAIL $variant: squid -k parse"; cat "$variant-parse.log"; failed=$((failed + 1)); continue; }
  squid -N -f "$variant.conf" >"$variant.log" 2>&1 &
  pid=$!
  wait_port 127.0.0.1 3128
  if [[ $variant == squid ]]; then
    check "$variant: tunnel to 8443" 200 "$(through http://127.0.0.1:3128)"
    check "$variant: CONNECT to another port refused" 403 "$(connect_status http://127.0.0.1:3128 9443)"
    check "$variant: plain HTTP refused" 403 \
      "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -x http://127.0.0.1:3128 http://agents.palisade.example.com/ || true)"
  else
    check "$variant: no credentials" 407 "$(connect_status http://127.0.0.1:3128 8443)"
    check "$variant: wrong credentials" 407 "$(connect_status http://agent:wrong@127.0.0.1:3128 8443)"
    check "$variant: tunnel to 8443 with credentials" 200 "$(through "http://agent:$password@127.0.0.1:3128")"
    check "$variant: CONNECT to another port refused" 403 "$(connect_status "http://agent:$password@127.0.0.1:3128" 9443)"
  fi
  stop "$pid"
done

# ------------------------------------------------------------------------------------------------ nginx stream
{
  if [[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]]; then
    echo "load_module /usr/lib/nginx/modules/ngx_stream_module.so;"
  fi
  sed -e "s/^\( *\)listen \[::\]:\([0-9]*\);/\1# listen [::]:\2;/" \
      -e "s/^\( *\)listen 8443;/\1listen 127.0.0.1:8443;/" \
      -e "s/^\( *\)listen 443;/\1listen 127.0.0.1:443;/" \
      -e "s/server 10.20.0.10:8443/server 127.0.0.2:8443/" \
      -e "s/server 10.20.0.20:443/server 127.0.0.3:443/" \
      "$here/nginx/nginx-stream.conf"
} > nginx-stream.conf
nginx -t -c "$work/nginx-stream.conf" -p "$work" -g "daemon off; pid $work/nginx.pid; error_log stderr;" >nginx-test.log 2>&1 \
  || { echo "FAIL nginx -t"; cat nginx-test.log; exit 1; }
nginx -c "$work/nginx-stream.conf" -p "$work" -g "daemon off; pid $work/nginx.pid; error_log stderr;" >nginx.log 2>&1 &
pid=$!
wait_port 127.0.0.1 8443
wait_port 127.0.0.1 443
passthrough() { # passthrough HOST PORT CA: 200 when the TLS server at the end presents the certificate CA names
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$3" --resolve "$1:$2:127.0.0.1" "https://$1:$2/" || true
}
check "nginx: 8443 passes TLS through to the gateway (its own certificate)" 200 \
  "$(passthrough agents.palisade.example.com 8443 gateway.crt)"
check "nginx: 443, agent name -> gateway" 200 "$(passthrough agents.palisade.example.com 443 gateway.crt)"
check "nginx: 443, operator API name -> the API upstream" 200 "$(passthrough tenants.palisade.example.com 443 api.crt)"
check "nginx: 443, no SNI -> gateway" "subject=CN = agents.palisade.example.com" \
  "$(openssl s_client -connect 127.0.0.1:443 -noservername </dev/null 2>/dev/null | openssl x509 -noout -subject 2>/dev/null || true)"
stop "$pid"

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
