#!/usr/bin/env bash
# Runs every check and test of the playground. Installs what is missing first.
#   formatting, clippy (native and wasm32), the core's platform-neutral dependency tree,
#   native tests of the whole workspace, wasm tests in headless Chrome, the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-300}
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT=${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-120}

step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step "formatting"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (wasm32)"
cargo clippy -p playground-core -p playground-web --all-targets \
  --target wasm32-unknown-unknown -- -D warnings

step "the core builds for wasm32 with no web, OS-randomness or OS-clock crate"
cargo build -p playground-core --target wasm32-unknown-unknown
tree=$(cargo tree -p playground-core -e normal --target wasm32-unknown-unknown --prefix none)
forbidden=$(printf '%s\n' "$tree" \
  | grep -oE '^(wasm-bindgen|web-sys|js-sys|getrandom|gloo[a-z-]*|yew)[^ ]*' | sort -u || true)
if [ -n "$forbidden" ]; then
  echo "playground-core depends on: $forbidden" >&2
  exit 1
fi
if grep -rnE '\b(Instant|SystemTime|UNIX_EPOCH|thread_rng|from_entropy|OsRng|HashMap|HashSet)\b' core/src; then
  echo "playground-core reads the OS clock or randomness, or uses a HashMap/HashSet" >&2
  exit 1
fi
echo "ok: $(printf '%s\n' "$tree" | wc -l) crates in the tree, none forbidden; no OS clock, randomness or hash maps"

step "release build of the page (the end-to-end test serves it)"
(cd web && trunk build --offline --release)

step "native tests, including end to end in headless Chromium"
cargo test --workspace 2>&1 | tee -a "$log"

step "wasm tests in headless Chrome"
cargo test -p playground-web --target wasm32-unknown-unknown 2>&1 | tee -a "$log"

printf '\n\033[1mall checks passed\033[0m\n'
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
