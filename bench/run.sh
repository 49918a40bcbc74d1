#!/usr/bin/env bash
# Runs one benchmark in Release against a private PostgreSQL it starts itself; prints a table, writes
# bench/results/<name>.json and ends with a one-line summary.
#   bench/run.sh hot-grain     [--seconds N] [--callers 1,8,64,256]
#   bench/run.sh cluster-chaos
#   bench/run.sh cluster-scale [--seconds N]
#   bench/run.sh list-depth     1,000,000 orders of 10,000 customers bulk-loaded; one silo process and the HTTP front
#                               end (src/WebFrontend, cluster-client mode) as processes; p50/p95/p99 of GET
#                               /api/v1/orders?limit=20 for page 1 and page 5,000 (keyset cursor), the OFFSET
#                               equivalent in SQL for context; ends with list-depth: ratio_deep_vs_first=<x> (target ≤ 2,
#                               exit code 1 above it or if the walk repeats or misorders an order).
#   bench/run.sh checkout       [--customers 2000] [--concurrency 64] [--frontends 1|2]   two silo processes, the front
#                               end(s) and the VNPay gateway simulator (src/PaymentGateway, IPN on) as processes; each
#                               customer places an order over HTTP, pays on the simulator and polls until PAID; orders/s
#                               and p50/p90/p99 create → PAID; ends with checkout: paid_per_s=<x> p99_ms=<y> lost=<n>
#                               (exit code 1 if any order was lost).
set -euo pipefail
cd "$(dirname "$0")/.."
# cluster-chaos, list-depth and checkout run real silo processes from the Release build; list-depth and checkout also
# the front end, checkout also the gateway simulator.
dotnet build -c Release src/Silo -v quiet -nologo >/dev/null
dotnet build -c Release src/WebFrontend -v quiet -nologo >/dev/null
dotnet build -c Release src/PaymentGateway -v quiet -nologo >/dev/null
exec dotnet run -c Release --project bench/Benchmarks -- "$@"
