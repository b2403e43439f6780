#!/usr/bin/env bash
# Builds the playground and serves it on http://127.0.0.1:8080, rebuilding on change.
# Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
cd web
exec trunk serve --offline --release "$@"
