#!/usr/bin/env bash
# Fuzzes the public API (/api/v1) with schemathesis, from its own OpenAPI document, against
# the embedded platform (built from this tree), with tokens its own auth server issues to
# machine clients. Fails when any request gets a 5xx answer (or when the run itself fails).
#
#   bash scripts/fuzz-api.sh                 # admin token, 100 examples per operation
#   FUZZ_ROLE=tramitador FUZZ_MAX_EXAMPLES=30 bash scripts/fuzz-api.sh
#   FUZZ_CHECKS=all bash scripts/fuzz-api.sh # also schemathesis's conformance checks
#
# Environment:
#   FUZZ_ROLE            admin | tramitador | validador (default admin)
#   FUZZ_MAX_EXAMPLES    examples per operation (default 100)
#   FUZZ_CHECKS          schemathesis --checks (default not_a_server_error)
#   FUZZ_SEED            a seed, to repeat a run
#   TEST_SERVERS_CACHE   where the schemathesis virtualenv is kept
#                        (default ~/.cache/expedientes-test-servers)
#   TEST_SERVERS_DIR     where the run's logs go (default ./.servers)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
SCHEMATHESIS_VERSION=4.32.5
CACHE_DIR="${TEST_SERVERS_CACHE:-$HOME/.cache/expedientes-test-servers}"
VENV="$CACHE_DIR/schemathesis-$SCHEMATHESIS_VERSION"
LOG_DIR="${TEST_SERVERS_DIR:-$ROOT/.servers}/fuzz"
ROLE="${FUZZ_ROLE:-admin}"

log() { printf '[fuzz-api] %s\n' "$*" >&2; }

# --- schemathesis, in a virtualenv of its own (cached) ----------------------------------
if [[ ! -f "$VENV/.installed" ]]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  rm -rf "$VENV"
  mkdir -p "$CACHE_DIR"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  touch "$VENV/.installed"
fi

# --- the platform under test -------------------------------------------------------------
log "building the gateway and the services (tsc -b gateway)"
npx tsc -b gateway

mkdir -p "$LOG_DIR"
TARGET_OUT="$LOG_DIR/target.json"
: >"$TARGET_OUT"
FUZZ_PLATFORM_LOG="$LOG_DIR/platform.log" node gateway/test/fuzz/fuzz-platform.cjs >"$TARGET_OUT" &
TARGET_PID=$!
stop_target() {
  if kill -0 "$TARGET_PID" 2>/dev/null; then
    kill -TERM "$TARGET_PID" 2>/dev/null || true
    wait "$TARGET_PID" 2>/dev/null || true
  fi
}
trap stop_target EXIT

for _ in $(seq 1 240); do
  [[ -s "$TARGET_OUT" ]] && break
  kill -0 "$TARGET_PID" 2>/dev/null || { log "the platform did not start; see $LOG_DIR/platform.log"; exit 1; }
  sleep 0.5
done
[[ -s "$TARGET_OUT" ]] || { log "the platform did not become ready in time"; exit 1; }
URL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).url)' "$TARGET_OUT")
TOKEN=$(node -e 'const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).tokens; console.log(t[process.argv[2]])' "$TARGET_OUT" "$ROLE")
[[ -n "$TOKEN" && "$TOKEN" != undefined ]] || { log "no token for role $ROLE"; exit 1; }
log "platform at $URL; fuzzing as $ROLE"

# --- the run ----------------------------------------------------------------------------
args=(
  run "$URL/api/v1/openapi.json"
  --header "Authorization: Bearer $TOKEN"
  --checks "${FUZZ_CHECKS:-not_a_server_error}"
  --max-examples "${FUZZ_MAX_EXAMPLES:-100}"
  --request-timeout 30
  --report junit --report-dir "$LOG_DIR"
)
[[ -n "${FUZZ_SEED:-}" ]] && args+=(--seed "$FUZZ_SEED")
status=0
# From the log directory: schemathesis keeps its cache (.schemathesis/) where it runs.
(cd "$LOG_DIR" && "$VENV/bin/schemathesis" "${args[@]}") || status=$?

if grep -q '"level":"error"' "$LOG_DIR/platform.log" 2>/dev/null; then
  log "the platform logged errors during the run (see $LOG_DIR/platform.log):"
  grep -m 5 '"level":"error"' "$LOG_DIR/platform.log" >&2 || true
fi
exit "$status"
