#!/usr/bin/env bash
# Runs the product in its embedded default: one silo in this process, in-memory storage, no setup.
# Set ConnectionStrings__Postgres to keep state and reminders in PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet run --project src/Silo -c Release -- "$@"
