#!/usr/bin/env bash
# Runs the product in its embedded default: the HTTP API on http://localhost:8080 hosting one silo in this process,
# in-memory storage, demo data, development tokens and Swagger UI (/swagger). No setup; nothing is durable.
# With ConnectionStrings__Postgres set, the front end is instead a client of the silo cluster on that database.
set -euo pipefail
cd "$(dirname "$0")"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:8080}"
exec dotnet run --project src/WebFrontend -c Release -- "$@"
