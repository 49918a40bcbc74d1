#!/usr/bin/env bash
# A whole Orleans cluster on this machine: a private PostgreSQL (like the test fixture: initdb into a temp folder,
# a free port, fsync on), N silo processes (silo ports 11111, 11112, ...; gateway ports 30000, 30001, ...; HTTP ports
# for /metrics and /health/* 8181, 8182, ...) that migrate the schema and cluster through the database, 2 HTTP front ends (Orleans clients finding the gateways in the
# membership table) on distinct ports (8081, 8082) sharing a signing key made for this run, and the VNPay gateway
# simulator (8090) with a merchant secret made for this run, sending its IPNs to the first front end.
# Silos and front ends run as Production: no development token endpoint, and they would refuse the secrets committed
# in the repository. With --dev-tokens the front ends run as Development and serve POST /api/v1/auth/token for the
# built-in users (admin, manager, staff, alice, bob; password = user name) and Swagger UI; still with this run's
# secrets. With --tls silos and front ends speak mutual TLS with a throwaway cluster certificate made with openssl for
# the run (ClusterTls__CertificatePath/KeyPath; README "Network model"); without it, plain TCP on loopback.
# Ctrl-C stops the front ends, then the silos gracefully (SIGTERM: Orleans hands their grains over and marks them
# dead in the membership table), then PostgreSQL, and deletes its data.
#
#   deploy/local-cluster.sh [--dev-tokens] [--tls] [silos=3] [front_ends=2]
#
# Logs: <run folder>/silo-<i>.log, frontend-<i>.log, gateway.log and postgres.log. The connection string is printed, for clients
# and extra silos.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: deploy/local-cluster.sh [--dev-tokens] [--tls] [silos=3] [front_ends=2]"
dev_tokens=false
tls=false
positional=()
for arg in "$@"; do
  case "$arg" in
    --dev-tokens) dev_tokens=true ;;
    --tls) tls=true ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) echo "unknown option $arg; $usage" >&2; exit 2 ;;
    *) positional+=("$arg") ;;
  esac
done
silos="${positional[0]:-3}"
front_ends="${positional[1]:-2}"
if $dev_tokens; then
  frontend_environment=(ASPNETCORE_ENVIRONMENT=Development Auth__DevelopmentTokens=true)
else
  frontend_environment=(ASPNETCORE_ENVIRONMENT=Production)
fi
base_port="${SILO_BASE_PORT:-11111}"
gateway_base_port="${GATEWAY_BASE_PORT:-30000}"
http_base_port="${FRONTEND_BASE_PORT:-8081}"
silo_http_base_port="${SILO_HTTP_BASE_PORT:-8181}"

pg_bin=""
for dir in ${PG_BIN:-} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then pg_bin="$dir"; break; fi
done
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL server binaries not found. Install them: apt-get update && apt-get install -y postgresql (or set PG_BIN)." >&2
  exit 1
fi

as_postgres=()
if [ "$(id -u)" -eq 0 ]; then as_postgres=(runuser -u postgres --); fi

free_port() {
  local port="$1"
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

run_dir="$(mktemp -d /tmp/local-cluster-XXXXXX)"
chmod 755 "$run_dir"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$run_dir"; fi
pg_port="$(free_port 15432)"
pids=()
frontend_pids=()
frontend_ports=()

cleanup() {
  trap '' INT TERM EXIT
  echo
  echo "Stopping ${#frontend_pids[@]} front ends..."
  for pid in "${frontend_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${frontend_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "Stopping ${#pids[@]} silos (graceful)..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${gateway_pid:-}" ]; then kill -TERM "$gateway_pid" 2>/dev/null || true; fi
  echo "Stopping PostgreSQL..."
  "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$run_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$run_dir"
}
trap cleanup INT TERM EXIT

echo "Starting PostgreSQL on 127.0.0.1:$pg_port ($run_dir)..."
"${as_postgres[@]}" "$pg_bin/initdb" -D "$run_dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$run_dir/data" -l "$run_dir/postgres.log" -w \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$run_dir -c fsync=on -c max_connections=400" start >/dev/null
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"

echo "Building the silo, the front end and the gateway simulator..."
dotnet build -c Release src/Silo -v quiet -nologo >/dev/null
dotnet build -c Release src/WebFrontend -v quiet -nologo >/dev/null
dotnet build -c Release src/PaymentGateway -v quiet -nologo >/dev/null
silo_dll="src/Silo/bin/Release/net10.0/Silo.dll"
frontend_dll="src/WebFrontend/bin/Release/net10.0/WebFrontend.dll"
gateway_dll="src/PaymentGateway/bin/Release/net10.0/PaymentGateway.dll"
signing_key="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"

# Payments: every silo and front end is the same VNPay merchant of the simulator.
gateway_port="$(free_port "${GATEWAY_PORT:-8090}")"
first_frontend_port="$(free_port "$http_base_port")"
export VnPay__TmnCode="LOCALSHOP"
export VnPay__HashSecret="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
export VnPay__PayUrl="http://127.0.0.1:$gateway_port/paymentv2/vpcpay.html"
export VnPay__ApiUrl="http://127.0.0.1:$gateway_port/merchant_webapi/api/transaction"
export VnPay__ReturnUrl="http://127.0.0.1:$first_frontend_port/api/v1/payments/vnpay/return"
dotnet "$gateway_dll" --urls "http://127.0.0.1:$gateway_port" --Merchant:TmnCode="$VnPay__TmnCode" \
  --Merchant:HashSecret="$VnPay__HashSecret" --Merchant:IpnUrl="http://127.0.0.1:$first_frontend_port/api/v1/webhooks/vnpay/ipn" \
  >"$run_dir/gateway.log" 2>&1 &
gateway_pid=$!
echo "  gateway simulator  pid $gateway_pid  http://127.0.0.1:$gateway_port  log $run_dir/gateway.log"

# Mutual TLS: one self-signed certificate for the whole cluster, usable by servers and clients, gone with the run.
if $tls; then
  if ! command -v openssl >/dev/null; then
    echo "--tls needs openssl: apt-get update && apt-get install -y openssl" >&2
    exit 1
  fi
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=commerce-local-cluster" -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth,clientAuth" -keyout "$run_dir/cluster.key" -out "$run_dir/cluster.crt" 2>/dev/null)
  export ClusterTls__CertificatePath="$run_dir/cluster.crt" ClusterTls__KeyPath="$run_dir/cluster.key"
  echo "  cluster certificate  $run_dir/cluster.crt  ($(openssl x509 -in "$run_dir/cluster.crt" -noout -fingerprint -sha256 | cut -d= -f2))"
fi

for i in $(seq 1 "$silos"); do
  port="$(free_port $((base_port + i - 1)))"
  gateway="$(free_port $((gateway_base_port + i - 1)))"
  silo_http="$(free_port $((silo_http_base_port + i - 1)))"
  DOTNET_ENVIRONMENT=Production ConnectionStrings__Postgres="$connection" Silo__Name="silo-$i" Endpoints__SiloPort="$port" \
    Endpoints__GatewayPort="$gateway" Silo__HttpPort="$silo_http" \
    dotnet "$silo_dll" >"$run_dir/silo-$i.log" 2>&1 &
  pids+=("$!")
  echo "  silo-$i  pid $!  silo 127.0.0.1:$port  gateway 127.0.0.1:$gateway  metrics http://127.0.0.1:$silo_http/metrics  log $run_dir/silo-$i.log"
done

# Front ends connect once a silo has set the cluster up; they wait for it by themselves.
for i in $(seq 1 "$front_ends"); do
  port="$(free_port $((http_base_port + i - 1)))"
  env "${frontend_environment[@]}" ConnectionStrings__Postgres="$connection" ASPNETCORE_URLS="http://127.0.0.1:$port" \
    Auth__SigningKey="$signing_key" dotnet "$frontend_dll" >"$run_dir/frontend-$i.log" 2>&1 &
  frontend_pids+=("$!")
  frontend_ports+=("$port")
  echo "  front end $i  pid $!  http://127.0.0.1:$port  log $run_dir/frontend-$i.log"
done

echo
echo "Cluster database: $connection"
echo "Try it:      curl -s http://127.0.0.1:${frontend_ports[0]:-$http_base_port}/api/v1/products"
if $dev_tokens; then
  echo "Tokens:      curl -s -X POST http://127.0.0.1:${frontend_ports[0]:-$http_base_port}/api/v1/auth/token -H 'content-type: application/json' -d '{\"username\":\"manager\",\"password\":\"manager\"}'"
  echo "Dashboard:   http://127.0.0.1:${frontend_ports[0]:-$http_base_port}/dashboard (sign in with an admin token)"
else
  echo "Tokens:      none served (the front ends run as Production); restart with --dev-tokens for the built-in users' tokens"
  echo "Dashboard:   http://127.0.0.1:${frontend_ports[0]:-$http_base_port}/dashboard (sign in with an admin token: --dev-tokens)"
fi
echo "Metrics:     http://127.0.0.1:${frontend_ports[0]:-$http_base_port}/metrics (each silo's: above); OTLP export: set OTEL_EXPORTER_OTLP_ENDPOINT before starting"
echo "Membership:  psql -h 127.0.0.1 -p $pg_port -U postgres -c 'SELECT silo_name, address, port, status, i_am_alive_time FROM orleans_membership'"
echo "Ctrl-C stops everything."
wait
