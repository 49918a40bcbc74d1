#!/usr/bin/env bash
# Runs one benchmark in Release against a private PostgreSQL it starts itself; prints a table, writes
# bench/results/<name>.json and ends with a one-line summary.  Usage: bench/run.sh hot-grain [--seconds N]
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project bench/Benchmarks -- "$@"
