#!/usr/bin/env bash
# Runs the product in its embedded default: the HTTP API on http://localhost:8080 hosting one silo in this process,
# in-memory storage, demo data, development tokens and Swagger UI (/swagger), plus the VNPay gateway simulator on
# http://localhost:8090 (pay URLs lead there; its IPNs come back here). No setup; nothing is durable.
# With ConnectionStrings__Postgres set, the front end is instead a client of the silo cluster on that database.
set -euo pipefail
cd "$(dirname "$0")"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:8080}"

dotnet build src/PaymentGateway -c Release -v q --nologo >/dev/null
dotnet src/PaymentGateway/bin/Release/net10.0/PaymentGateway.dll --urls http://localhost:8090 \
  --Merchant:IpnUrl=http://localhost:8080/api/v1/webhooks/vnpay/ipn &
gateway=$!
trap 'kill "$gateway" 2>/dev/null || true' EXIT

dotnet run --project src/WebFrontend -c Release -- "$@"
