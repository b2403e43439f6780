//! The engine benchmark compiled to wasm and run in headless Chrome: the same workload
//! and the same measurements as `tests/benches/engine.rs`. Only built with the `bench`
//! feature; `scripts/bench.sh` runs it and reads the `BENCH` lines it logs.

#![cfg(all(target_arch = "wasm32", feature = "bench"))]

use playground_tests::bench::{
    loaded_throughput, percentile, seek_latencies, throughput, workload_run,
};
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
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        off.push(loaded_throughput(3_000_000, false, &now_ms));
        on.push(loaded_throughput(3_000_000, true, &now_ms));
    }
    let (on, off) = (percentile(&on, 50.0), percentile(&off, 50.0));
    console_log!("BENCH wasm-loaded-metrics-off-events-per-s {off:.0}");
    console_log!("BENCH wasm-loaded-metrics-on-events-per-s {on:.0}");
    console_log!(
        "BENCH wasm-loaded-metrics-cost-percent {:.1}",
        (1.0 - on / off) * 100.0
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

/// The page opening the longest run a person can ask for: the Lamport story at its
/// largest parameters, explored to the page's limit and fingerprinted, as `Playground::open`
/// does when a link is opened.
#[wasm_bindgen_test]
fn page_opens_the_longest_story_in_wasm() {
    use playground_core::sim::rng::Rng;
    use playground_core::Registry;
    use playground_tests::stories::largest_session;
    use playground_web::model::Playground;
    use playground_web::url::parse_query;

    let registry = Registry::standard();
    for id in ["lamport-skew", "consistent-lookup"] {
        let session = largest_session(&registry, id);
        let start = now_ms();
        let page = Playground::open(parse_query(&format!("?s={}", session.encode())), true);
        let took = now_ms() - start;
        let engine = page.run().engine();
        console_log!(
            "BENCH wasm-open-{id}-ms {took:.0} ({} events)",
            engine.trace_len()
        );
        let start = now_ms();
        let fingerprint = engine.trace_fingerprint();
        console_log!(
            "BENCH wasm-fingerprint-{id}-ms {:.0} ({fingerprint:016x})",
            now_ms() - start
        );
        let steps = engine.steps() as u64;
        let mut rng = Rng::seeded(11);
        let seeks: Vec<f64> = (0..100)
            .map(|_| {
                let step = rng.below(steps + 1) as usize;
                let start = now_ms();
                let snapshot = engine.snapshot_after_step(step);
                assert_eq!(snapshot.steps, step);
                now_ms() - start
            })
            .collect();
        console_log!(
            "BENCH wasm-seek-{id}-p95-ms {:.3}",
            percentile(&seeks, 95.0)
        );
    }
}

/// The compare view in wasm: opening a compare link of two runs of about 100,000 events,
/// the fingerprints, the divergence (scanned and from the chunks), the outcome and
/// seeking both runs (see `playground_web::model::compare_bench`).
#[wasm_bindgen_test]
fn compare_view_in_wasm() {
    playground_web::model::compare_bench::compare_bench(&now_ms, &|line| {
        console_log!("{line}");
    });
}
