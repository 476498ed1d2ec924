#!/usr/bin/env bash
# The container's entrypoint: wait for the database, then run one feedsvc role.
#
#   entrypoint.sh web|worker|all [ARGS...]   feedsvc serve --role ROLE ARGS
#   entrypoint.sh migrate [ARGS...]          feedsvc migrate ARGS (exits when done)
#   entrypoint.sh COMMAND [ARGS...]          any other feedsvc command (refresh, sources ...)
#
# Settings come from FEEDSVC_* variables; FEEDSVC_CONFIG names the sources file (passed as
# --config). The database named by FEEDSVC_DATABASE_URL (PostgreSQL: its host and port) is
# waited for up to DB_WAIT_SECONDS (default 60), retrying every second; then it gives up
# with one line and status 69 (EX_UNAVAILABLE), so the orchestrator restarts it.
set -euo pipefail

role=${1:-web}
if [ $# -gt 0 ]; then shift; fi

config=()
if [ -n "${FEEDSVC_CONFIG:-}" ]; then
    config=(--config "$FEEDSVC_CONFIG")
fi

# host and port of a network database URL; nothing for SQLite (a file needs no waiting).
database_address() {
    python3 - "${FEEDSVC_DATABASE_URL:-}" <<'PY'
import sys
from urllib.parse import urlsplit

url = urlsplit(sys.argv[1])
if url.scheme.startswith("postgresql"):
    print(url.hostname or "localhost", url.port or 5432)
PY
}

wait_for_database() {
    local address host port deadline
    address=$(database_address)
    [ -n "$address" ] || return 0
    read -r host port <<<"$address"
    deadline=$((SECONDS + ${DB_WAIT_SECONDS:-60}))
    # bash's /dev/tcp: a TCP connect, no client tools needed in the image.
    until (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "entrypoint: database $host:$port not reachable after ${DB_WAIT_SECONDS:-60}s" >&2
            exit 69
        fi
        sleep 1
    done
}

wait_for_database
case "$role" in
    web | worker | all) exec feedsvc serve --role "$role" "${config[@]}" "$@" ;;
    migrate) exec feedsvc migrate "${config[@]}" "$@" ;;
    *) exec feedsvc "$role" "$@" ;;
esac
