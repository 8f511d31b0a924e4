#!/usr/bin/env bash
# Runs the browser end-to-end tests against a fresh `shouhu serve --demo`.
#
#   bash e2e/run.sh [PATH-TO-SHOUHU-BINARY]
#
# The binary defaults to target/debug/shouhu of this repository. A relative path is looked up
# from the current directory first, then from the repository root (so `bash e2e/run.sh
# target/debug/shouhu` works from anywhere in the tree). Needs Node.js >= 20, npm, curl and
# Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH); never downloads a browser.
#
# Leaves the server's log, screenshots, layout.json and results.tap in e2e/artifacts/.
# Exits with the tests' status; also fails when no test ran.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$E2E_DIR")"
ARTIFACTS="$E2E_DIR/artifacts"
STARTUP_TIMEOUT_S=60

log() { printf '[e2e] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

# ---------------------------------------------------------------- the binary
BIN_ARG="${1:-target/debug/shouhu}"
if [[ "$BIN_ARG" = /* ]]; then
  BIN="$BIN_ARG"
elif [[ -e "$BIN_ARG" ]]; then
  BIN="$(cd "$(dirname "$BIN_ARG")" && pwd)/$(basename "$BIN_ARG")"
else
  BIN="$REPO_ROOT/$BIN_ARG"
fi
[[ -x "$BIN" ]] || die "no shouhu binary at $BIN (build it with: cargo build -p shouhu)"

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
[[ -x "$CHROMIUM_PATH" ]] || die "no Chromium at $CHROMIUM_PATH (on Debian: apt-get install chromium)"
export CHROMIUM_PATH
command -v node >/dev/null || die "node is not installed"
command -v curl >/dev/null || die "curl is not installed"

cd "$E2E_DIR"
if [[ ! -d node_modules/playwright-core ]]; then
  log "installing the test's npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"

# ---------------------------------------------------------------- the server
DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/shouhu-e2e.XXXXXX")"
SERVER_PID=""

cleanup() {
  local status=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "found no free port"
}

PORT="$(free_port)"
URL="http://127.0.0.1:$PORT"
log "starting $BIN on $URL (data in $DATA_DIR, log in $ARTIFACTS/server.log)"
# Settings from the environment would override the command line's (clap `env`): drop them.
env -u SHOUHU_DATABASE_URL -u SHOUHU_DATA_DIR -u SHOUHU_BIND -u SHOUHU_SECURE_COOKIES \
  "$BIN" --data-dir "$DATA_DIR" serve --demo --bind "127.0.0.1:$PORT" \
  >"$ARTIFACTS/server.log" 2>&1 &
SERVER_PID=$!

started=$(date +%s)
until curl -fsS --max-time 2 -o /dev/null "$URL/healthz" 2>/dev/null; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "the server exited before answering; its log:"
    tail -n 40 "$ARTIFACTS/server.log" >&2 || true
    exit 1
  fi
  if (( $(date +%s) - started >= STARTUP_TIMEOUT_S )); then
    log "the server did not answer $URL/healthz within ${STARTUP_TIMEOUT_S}s; its log:"
    tail -n 40 "$ARTIFACTS/server.log" >&2 || true
    exit 1
  fi
  sleep 0.25
done
log "server ready after $(( $(date +%s) - started ))s"

# ---------------------------------------------------------------- the tests
# The same command as `npm test`, with a second (TAP) report to count what ran.
status=0
SHOUHU_URL="$URL" node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$ARTIFACTS/results.tap" \
  tests/ || status=$?

count() { awk -v k="# $1" '$1" "$2 == k { n = $3 } END { print n + 0 }' "$ARTIFACTS/results.tap" 2>/dev/null || echo 0; }
passed="$(count pass)"
failed="$(count fail)"
cancelled="$(count cancelled)"
log "passed $passed, failed $failed, cancelled $cancelled, skipped $(count skipped); screenshots in $ARTIFACTS"

if (( status == 0 )) && (( passed == 0 || failed > 0 || cancelled > 0 )); then
  log "error: no test passed, or some failed, yet the runner exited 0"
  status=1
fi
exit "$status"
