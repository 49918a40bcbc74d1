#!/usr/bin/env bash
# Runs one benchmark in Release against a private PostgreSQL it starts itself; prints a table, writes
# bench/results/<name>.json and ends with a one-line summary; exits 1 when an invariant or a target fails.
#   bench/run.sh hot-grain     [--seconds N] [--callers 1,8,64,256]   an in-process silo: a hot grain (group commit) and
#                               ProductGrain.Reserve against PostgreSQL's atomic UPDATE and SELECT FOR UPDATE; storage
#                               writes counted from Orleans' meter; ends with hot-grain: ratio_vs_atomic_update=<x> at 64
#                               callers (target ≥ 20; every confirmed reservation must be durable).
#   bench/run.sh cluster-chaos  3 silo processes, kill -9 of the busiest under load; ends with cluster-chaos: lost=<n>
#                               oversold=<n> takeover_s=<x> (lost = oversold = 0, takeover ≤ 5 s, only the killed silo
#                               Dead in orleans_membership).
#   bench/run.sh cluster-scale [--seconds N]   local vs remote grain calls and client → grain on 1-3 in-process silos.
#   bench/run.sh list-depth     1,000,000 orders of 10,000 customers bulk-loaded; one silo process and the HTTP front
#                               end (src/WebFrontend, cluster-client mode) as processes; p50/p95/p99 of GET
#                               /api/v1/orders?limit=20 for page 1 and page 5,000 (keyset cursor), the OFFSET
#                               equivalent in SQL for context; ends with list-depth: ratio_deep_vs_first=<x> (target ≤ 2,
#                               exit code 1 above it or if the walk repeats or misorders an order).
#   bench/run.sh checkout       [--customers 2000] [--concurrency 64] [--frontends 1|2]   two silo processes, the front
#                               end(s) and the VNPay gateway simulator (src/PaymentGateway, IPN on) as processes; after a
#                               40 s warm-up, N customers only place an order (orders created/s, POST p99, CPU ms per
#                               order of every process, PostgreSQL's commits/scans/rows/WAL per order), then N others
#                               place one, pay on the simulator and poll until PAID (paid/s, p50/p90/p99 create → PAID);
#                               ends with checkout: created_per_s=<a> create_p99_ms=<b> paid_per_s=<x> p99_ms=<y>
#                               lost=<n> (exit code 1 if any order was lost).
#   bench/run.sh flash-sale     [--customers 10000] [--concurrency 64]   two silo processes and two front ends (rate limits
#                               on, above an honest buyer's 10 attempts); one product on a sale of 5,000 units (at most
#                               half the buyers), one per buyer; after a 40 s warm-up on a sale of its own, 10 attempts
#                               per buyer over HTTP; then from PostgreSQL
#                               orders = stock, stock 0, oversold 0, no buyer over the limit (exit code 1 otherwise) and
#                               the product tables' row writes from pg_stat_user_tables; then wrk on the same path if
#                               installed; ends with flash-sale: oversold=0 orders=<n> attempts_per_s=<x>
#                               confirmed_per_s=<y> p99_ms=<z> writes_per_order=<w> (targets reported, not enforced).
#   bench/run.sh outbox         [--customers 2000] [--concurrency 64]   the checkout load (two silo processes, two front ends,
#                               the gateway simulator) with the silos' relays publishing to a private RabbitMQ and the
#                               notifications worker (src/Notifications) mailing each paid order's customer through an
#                               SMTP sink; after a 30 s warm-up, from PostgreSQL (outbox, the worker's inbox) and the
#                               sink: events delivered, lost, duplicates acted on, events/s end to end, lag p50/p99 to
#                               the broker's confirm and to the worker's mark; ends with outbox: delivered=<n> lost=0
#                               duplicates_acted=0 events_per_s=<x> lag_p99_ms=<y> (exit code 1 if any event was lost or
#                               acted on twice). Needs rabbitmq-server and tools/smtp-sink (installed here if missing).
#   bench/run.sh export         1,000,000 orders of 10,000 customers loaded with set-based SQL; two silo processes and the
#                               front end as processes; one export of every order over HTTP (202, status read every 0.5 s
#                               until COMPLETED): rows/s, the status reads' latency, the running silo's peak RSS (VmHWM);
#                               then a second export whose silo is killed (kill -9) halfway and a new silo started: it must
#                               resume from its checkpoint; both files' ids must be the database's, in order, once each;
#                               ends with export: rows=<n> rows_per_s=<x> peak_rss_mb=<y> resumed=<true|false>
#                               exact=<true|false> (exit code 1 unless exact and resumed).
#   bench/run.sh upload         one upload of 1 GiB through the front end as a process (embedded mode, the filesystem
#                               store in a temporary folder), its body generated as it is sent; the front end's idle
#                               RSS, its peak reset (/proc/<pid>/clear_refs), then the PUT; ends with upload: bytes=<n>
#                               mb_per_s=<x> peak_rss_delta_mb=<y> (exit code 1 if the upload fails, the stored size or
#                               SHA-256 differs, it does not become VALID, or the peak is over 100 MB above idle).
# Every multi-silo benchmark also fails when orleans_membership shows a silo Dead that it did not kill.
# Add --smoke to any of them: seconds and tiny data through the same code path, invariants still checked, performance
# targets reported but not enforced, results in a temporary folder (tests/Benchmarks.Tests runs these).
set -euo pipefail
cd "$(dirname "$0")/.."
# cluster-chaos, list-depth, checkout and outbox run real silo processes from the Release build; list-depth, checkout
# and outbox also the front end, checkout and outbox the gateway simulator, outbox the notifications worker.
dotnet build -c Release src/Silo -v quiet -nologo >/dev/null
dotnet build -c Release src/WebFrontend -v quiet -nologo >/dev/null
dotnet build -c Release src/PaymentGateway -v quiet -nologo >/dev/null
dotnet build -c Release src/Notifications -v quiet -nologo >/dev/null
# The outbox benchmark's broker and SMTP sink, as ./test.sh installs them.
if ! command -v rabbitmq-server >/dev/null && [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  sudo=""; if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
fi
if ! cmp -s tools/smtp-sink/package-lock.json tools/smtp-sink/node_modules/.installed-lock.json; then
  npm ci --prefix tools/smtp-sink --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  cp tools/smtp-sink/package-lock.json tools/smtp-sink/node_modules/.installed-lock.json
fi
exec dotnet run -c Release --project bench/Benchmarks -- "$@"
