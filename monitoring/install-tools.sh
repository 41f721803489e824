#!/usr/bin/env bash
# System tools the report and monitoring tests need, from Debian's packages:
#   chromium   headless screenshots of the HTML report (tests/test_report.py)
#   prometheus a real Prometheus server and promtool (tests/test_monitoring.py)
#   fonts-dejavu-core  a font for chromium's text (usually there already)
# Idempotent and quiet: does nothing when both are on PATH. Installs only when running as root
# (CI and the project's machines); otherwise it says what is missing and exits 0, and the tests
# then skip (or fail, under CI=true) with the same reason.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || missing+=(prometheus)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)  # text in the screenshots
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "monitoring/install-tools.sh: not root, not installing: ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 0
fi

# Installing must not start Debian's prometheus service (it would listen on :9090 and keep running):
# a policy-rc.d that refuses every service start, removed again afterwards unless one was already there.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "monitoring/install-tools.sh: apt-get install ${missing[*]} failed" >&2
    exit 1
fi
rm -f "$log"
echo "monitoring/install-tools.sh: installed ${missing[*]}"
