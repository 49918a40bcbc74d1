#!/usr/bin/env bash
# Runs every test and ends with one line "N passed, N failed[, N skipped]" taken from the test results.
# Integration tests start their own throwaway PostgreSQL server from the machine's server binaries and their own
# RabbitMQ node from the machine's rabbitmq-server, the notifications tests an SMTP sink from tools/smtp-sink
# (Node.js), the blob store's tests an S3 emulator from tools/s3rver (Node.js), the dashboard's browser tests drive
# the machine's Chromium (/usr/bin/chromium; Playwright downloads no browser), and the OpenAPI lint test runs
# Spectral from tools/spectral (Node.js); whichever is missing is installed
# here first (Debian: apt-get install postgresql rabbitmq-server chromium nodejs npm; then npm ci of the pinned
# packages in tools/spectral, tools/smtp-sink and tools/s3rver).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null; then
  echo "PostgreSQL server binaries not found; installing them with apt-get."
  missing+=(postgresql)
fi
if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  echo "RabbitMQ's server not found; installing it with apt-get (it does not start a service here: tests start their own node)."
  missing+=(rabbitmq-server)
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium not found at /usr/bin/chromium; installing it with apt-get."
  missing+=(chromium)
fi
if ! command -v npm >/dev/null; then
  echo "Node.js/npm not found; installing them with apt-get (the OpenAPI lint test runs Spectral)."
  missing+=(nodejs npm)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Spectral, the SMTP sink and the S3 emulator exactly as their package-lock.json pins them (no install scripts); again
# whenever a lock changes.
for tool in tools/spectral tools/smtp-sink tools/s3rver; do
  if ! cmp -s "$tool/package-lock.json" "$tool/node_modules/.installed-lock.json"; then
    echo "Installing $tool with npm ci."
    npm ci --prefix "$tool" --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
    cp "$tool/package-lock.json" "$tool/node_modules/.installed-lock.json"
  fi
done

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

set +e
dotnet test Orleans.sln --logger trx --results-directory "$results" "$@"
status=$?
set -e

passed=0; failed=0; skipped=0; files=0
counter() { grep -o "<Counters [^>]*>" "$1" | grep -o " $2=\"[0-9]*\"" | grep -o "[0-9]*" || echo 0; }
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  passed=$((passed + $(counter "$trx" passed)))
  failed=$((failed + $(counter "$trx" failed) + $(counter "$trx" error) + $(counter "$trx" timeout) + $(counter "$trx" aborted)))
  skipped=$((skipped + $(counter "$trx" notExecuted)))
done

# A run that failed without reporting a failed test (a build error, a crashed test host) is still a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$files" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

summary="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then summary="$summary, $skipped skipped"; fi
echo "$summary"
exit "$status"
