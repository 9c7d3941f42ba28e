#!/usr/bin/env bash
# The browser tests (tests/test_browser.py) drive Debian's Chromium through ChromeDriver.
# Install both when they are missing and this machine can (root, apt-get); otherwise say
# so loudly: the tests then skip, naming what is missing (and fail under CI=true).
set -uo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium and chromium-driver for the browser tests..." >&2
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq >/dev/null && apt-get install -y -qq chromium chromium-driver >/dev/null; then
        exit 0
    fi
    echo "!!! apt-get could not install chromium: the browser tests will be SKIPPED !!!" >&2
    exit 0
fi
echo "!!! chromium/chromedriver missing and not installable here (needs root and apt-get):" >&2
echo "!!! the browser tests will be SKIPPED. Install Debian's chromium and chromium-driver." >&2
exit 0
