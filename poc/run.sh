#!/bin/sh
# Builds and packs the library, installs the tarball into a scratch folder, and runs every PoC
# (or those named) against the installed package. Usage: sh poc/run.sh [poc/NN-name.mjs ...]
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SCRATCH:-/tmp/sealed-session-poc}
if [ -z "$NO_BUILD" ]; then
  (cd "$ROOT" && npm run build >/dev/null && rm -f sealed-session-*.tgz && npm pack --silent >/dev/null)
  mkdir -p "$SCRATCH" && cd "$SCRATCH"
  [ -f package.json ] || npm init -y >/dev/null
  npm install --no-audit --no-fund --silent "$ROOT"/sealed-session-*.tgz iron-webcrypto@2.0.0 hono@4.13.19 @edge-runtime/cookies >/dev/null
fi
cd "$SCRATCH"
[ $# -eq 0 ] && set -- "$ROOT"/poc/[0-9]*.mjs
for f in "$@"; do
  cp "$ROOT/poc/common.mjs" "$SCRATCH/common.mjs"; cp "$ROOT/poc/$(basename "$f")" "$SCRATCH/"
  echo "=== $(basename "$f")"
  node "$SCRATCH/$(basename "$f")" || echo "(exit $?)"
done
