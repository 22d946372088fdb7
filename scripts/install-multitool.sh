#!/bin/sh
# Install Microsoft's SARIF Multitool (Linux build, pinned) and print the path of its binary.
#   scripts/install-multitool.sh [DIR]     (default: $XDG_CACHE_HOME/tiktok-scan/sarif-multitool-VERSION)
# Nothing is installed when DIR already holds it. `--ignore-scripts` skips the package's
# postinstall, which only makes the binary executable: done here instead.
# Used by tests/integration/test_multitool_github.py and .ci/run.
set -eu
VERSION=5.7.0
DIR=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/tiktok-scan/sarif-multitool-$VERSION}
BIN="$DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -f "$BIN" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "install-multitool.sh: npm is needed to install @microsoft/sarif-multitool-linux@$VERSION" >&2
        exit 1
    fi
    mkdir -p "$DIR"
    npm install --prefix "$DIR" --ignore-scripts --no-audit --no-fund --loglevel=error \
        "@microsoft/sarif-multitool-linux@$VERSION" >&2
fi
chmod u+x "$BIN"
echo "$BIN"
