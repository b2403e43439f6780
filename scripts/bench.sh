#!/usr/bin/env bash
# Measures the playground against its budgets (see BENCHMARKS.md): simulation throughput
# and seek latency natively and in wasm (headless Chrome), trace memory, peak memory,
# bundle size, first render and frame times of the built page. Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-900}
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT=${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-300}
mkdir -p tests/artifacts
out=tests/artifacts/bench.txt
: > "$out"

step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }

step "release build of the page"
(cd web && trunk build --offline --release)
wasm=$(ls dist/*.wasm)
echo "BENCH wasm-bytes $(stat -c %s "$wasm")" | tee -a "$out"
echo "BENCH wasm-gzip-bytes $(gzip -9 -c "$wasm" | wc -c)" | tee -a "$out"
echo "BENCH page-gzip-bytes $(cat dist/*.wasm dist/*.js dist/*.css dist/index.html | gzip -9 -c | wc -c)" | tee -a "$out"

step "engine, native (throughput, seek, memory)"
cargo bench -p playground-tests --bench engine 2>/dev/null | grep '^BENCH' | tee -a "$out"

step "every story at its largest parameters, 10^5 and 10^6 events (time, memory, seek)"
cargo bench -p playground-tests --bench stories 2>/dev/null | grep '^BENCH' | tee -a "$out"

step "engine, wasm in headless Chrome (same workload, same measurements; the page opening the longest story)"
cargo test -p playground-web --target wasm32-unknown-unknown --release --features bench \
  --test bench -- --nocapture 2>/dev/null | grep -o 'BENCH.*' | tee -a "$out"

step "page in headless Chromium (first render, frame times)"
cargo bench -p playground-tests --bench page 2>/dev/null | grep '^BENCH' | tee -a "$out"

step "ratios"
native=$(awk '/native-throughput-events-per-s/ {print $3}' "$out")
wasm_rate=$(awk '/wasm-throughput-events-per-s/ {print $3}' "$out")
awk -v n="$native" -v w="$wasm_rate" 'BEGIN { printf "BENCH wasm-over-native-percent %.0f\n", 100 * w / n }' | tee -a "$out"

printf '\nmachine: %s, %s cores, %s\n' "$(uname -m)" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf 'all figures: %s\n' "$out"
