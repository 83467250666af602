#!/usr/bin/env bash
# Schema-driven fuzzing: schemathesis generates requests for every operation in /openapi.json,
# anonymously and as the demo admin, and fails on any 5xx or any answer that breaks the
# published schema. Usage: .ci/fuzz.sh <oxcart binary> <schemathesis executable> [examples]
set -euo pipefail
BIN="$1"; ST="$2"; EXAMPLES="${3:-30}"
WORK="$(mktemp -d)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OXCART_DATA_DIR="$WORK/data" OXCART_LISTEN="127.0.0.1:$PORT" OXCART_LOG_LEVEL=warn "$BIN" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
PASSWORD=$(awk '/^password:/ {print $2}' "$WORK/data/demo-admin.txt")
TOKEN=$(curl -sf "http://127.0.0.1:$PORT/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"admin@example.com\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
once() {
  "$ST" run "http://127.0.0.1:$PORT/openapi.json" --checks not_a_server_error,response_schema_conformance \
    --max-examples "$EXAMPLES" --workers 1 --exclude-path /v1/auth/logout --no-color "$@"
}
# CPython 3.11 before 3.11.8 shares the ast module's recursion counter between threads
# ("AST constructor recursion depth mismatch", gh-106905): two schemathesis workers describing
# strategies at once (hypothesis parses lambda sources with `ast.parse`) trip it, and schemathesis
# reports a runtime error in its own code, not a finding. It tripped in all three runs of one CI
# run with two workers, so one worker runs: no second thread, no race. Should it still appear,
# that failure, and only it, is run again, up to three runs in all.
run() {
  local out="$WORK/schemathesis.out" attempt
  for attempt in 1 2 3; do
    if once "$@" 2>&1 | tee "$out"; then return 0; fi
    if ! grep -q 'AST constructor recursion depth mismatch' "$out" || grep -q '= FAILURES =' "$out"; then
      return 1
    fi
    echo "schemathesis tripped on the CPython ast bug (not a finding) in run $attempt of 3"
  done
  return 1
}
run
run -H "Authorization: Bearer $TOKEN"
if grep -qi 'panicked' "$WORK/server.log"; then
  echo "the server panicked during fuzzing:"; grep -i -A5 'panicked' "$WORK/server.log" | head -40
  exit 1
fi
echo "fuzzing: ok"
