#!/usr/bin/env bash
# The PostgreSQL contract tests start a throwaway server from Debian's postgresql
# package (tests/pg.py), unless KETNAP_TEST_POSTGRES_URL names one. Install the package
# when it is missing and this machine can (root, apt-get); otherwise say so loudly: the
# tests then skip, naming what is missing (and fail under CI=true).
set -uo pipefail
if [ -n "${KETNAP_TEST_POSTGRES_URL:-}" ] || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's postgresql for the store's contract tests..." >&2
    export DEBIAN_FRONTEND=noninteractive
    if { apt-get install -y -qq postgresql >/dev/null 2>&1 ||
         { apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null; }; }; then
        exit 0
    fi
    echo "!!! apt-get could not install postgresql: the PostgreSQL tests will be SKIPPED !!!" >&2
    exit 0
fi
echo "!!! no PostgreSQL server binaries and none installable here (needs root and apt-get):" >&2
echo "!!! the PostgreSQL tests will be SKIPPED. Set KETNAP_TEST_POSTGRES_URL to use a server." >&2
exit 0
