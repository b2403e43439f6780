//! The engine benchmark compiled to wasm and run in headless Chrome: the same workload
//! and the same measurements as `tests/benches/engine.rs`. Only built with the `bench`
//! feature; `scripts/bench.sh` runs it and reads the `BENCH` lines it logs.

#![cfg(all(target_arch = "wasm32", feature = "bench"))]

use playground_tests::bench::{percentile, seek_latencies, throughput, workload_run};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[wasm_bindgen_test]
fn engine_benchmark_in_wasm() {
    let runs: Vec<f64> = (0..3).map(|_| throughput(10_000_000, &now_ms)).collect();
    console_log!(
        "BENCH wasm-throughput-events-per-s {:.0}",
        percentile(&runs, 50.0)
    );
    for events in [100_000, 1_000_000] {
        let sim = workload_run(events);
        let times = seek_latencies(&sim, 200, &now_ms);
        console_log!(
            "BENCH wasm-seek-{events}-median-ms {:.3}",
            percentile(&times, 50.0)
        );
        console_log!(
            "BENCH wasm-seek-{events}-p95-ms {:.3}",
            percentile(&times, 95.0)
        );
    }
}
