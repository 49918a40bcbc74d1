#!/usr/bin/env bash
# Runs every test and ends with one line "N passed, N failed[, N skipped]" taken from the test results.
# Integration tests start their own throwaway PostgreSQL server from the machine's server binaries, and the
# dashboard's browser tests drive the machine's Chromium (/usr/bin/chromium; Playwright downloads no browser);
# whichever is missing is installed here first (Debian: apt-get install postgresql chromium).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null; then
  echo "PostgreSQL server binaries not found; installing them with apt-get."
  missing+=(postgresql)
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium not found at /usr/bin/chromium; installing it with apt-get."
  missing+=(chromium)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

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
