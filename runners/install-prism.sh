#!/usr/bin/env bash
# Prism, Beam's Go runner, for the Prism preset and the portable-path test (runners/prism.py, tests/test_runners.py):
# built from Beam's Go SDK through the Go module proxy into .tools/go/bin/prism, at the version of the Python
# SDK (the apache-beam pin of requirements.txt). About two minutes on two cores, a 64 MB binary.
# Idempotent and quiet: does nothing when the binary there is already that version. Without Go it says so and
# exits 0; the tests then skip (or fail, under CI=true) with the same reason.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -nE 's/^apache-beam(\[[^]]*\])?==([0-9.]+).*/\2/p' requirements.txt)
[ -n "$version" ] || { echo "runners/install-prism.sh: no apache-beam pin in requirements.txt" >&2; exit 1; }
bin="$PWD/.tools/go/bin"
module=github.com/apache/beam/sdks/v2

if ! command -v go >/dev/null 2>&1; then
    echo "runners/install-prism.sh: no go on PATH, not building Prism $version" >&2
    exit 0
fi
if [ -x "$bin/prism" ] && go version -m "$bin/prism" 2>/dev/null | grep -qE "^\s+mod\s+$module\s+v$version\s"; then
    exit 0
fi

mkdir -p "$bin"
log=$(mktemp)
if ! GOBIN="$bin" go install "$module/go/cmd/prism@v$version" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "runners/install-prism.sh: go install prism@v$version failed" >&2
    exit 1
fi
rm -f "$log"
echo "runners/install-prism.sh: built $bin/prism (Beam $version)"
