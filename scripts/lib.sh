# Shared by the load, fault and fuzz scripts: find or build the binary, start
# a demo server on a free loopback port, read its address, stop it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The binary: $FRONTDESK_BIN, or the crate's build (`PROFILE=release` for the
# release build; the default is the debug build, whose dependencies are
# optimised, see Cargo.toml).
frontdesk_bin() {
    if [[ -n "${FRONTDESK_BIN:-}" ]]; then
        echo "$FRONTDESK_BIN"
        return
    fi
    local profile="${PROFILE:-debug}"
    if [[ "$profile" == release ]]; then
        (cd "$ROOT" && cargo build --quiet --release --bin frontdesk) >&2
    else
        (cd "$ROOT" && cargo build --quiet --bin frontdesk) >&2
    fi
    echo "$ROOT/target/$profile/frontdesk"
}

# start_demo CUSTOMERS [extra args]: starts `frontdesk demo --no-app`, sets
# DEMO_PID, DEMO_URL (http://127.0.0.1:PORT) and DEMO_LOG.
start_demo() {
    local customers="$1"
    shift
    local bin
    bin="$(frontdesk_bin)"
    DEMO_LOG="$(mktemp -t frontdesk-demo-log.XXXXXX)"
    "$bin" demo --no-app --customers "$customers" "$@" >"$DEMO_LOG" 2>&1 &
    DEMO_PID=$!
    for _ in $(seq 1 600); do
        DEMO_URL="$(sed -n 's|.*API: *\(http://[0-9.:]*\)/api/.*|\1|p' "$DEMO_LOG" | head -1)"
        [[ -n "$DEMO_URL" ]] && return 0
        if ! kill -0 "$DEMO_PID" 2>/dev/null; then
            echo "the demo server did not start:" >&2
            cat "$DEMO_LOG" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "the demo server did not print its address in 60 s" >&2
    return 1
}

stop_demo() {
    if [[ -n "${DEMO_PID:-}" ]] && kill -0 "$DEMO_PID" 2>/dev/null; then
        kill -TERM "$DEMO_PID"
        wait "$DEMO_PID" 2>/dev/null || true
    fi
    DEMO_PID=""
}

demo_token() {
    curl -fsS -X POST -H 'Content-Type: application/json' \
        -d '{"username": "demo", "password": "demo"}' "$DEMO_URL/api/get-token/" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
