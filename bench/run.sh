#!/usr/bin/env bash
# Runs one benchmark in Release against a private PostgreSQL it starts itself; prints a table, writes
# bench/results/<name>.json and ends with a one-line summary.
#   bench/run.sh hot-grain     [--seconds N] [--callers 1,8,64,256]
#   bench/run.sh cluster-chaos
#   bench/run.sh cluster-scale [--seconds N]
set -euo pipefail
cd "$(dirname "$0")/.."
# cluster-chaos runs real silo processes from the Release build.
dotnet build -c Release src/Silo -v quiet -nologo >/dev/null
exec dotnet run -c Release --project bench/Benchmarks -- "$@"
