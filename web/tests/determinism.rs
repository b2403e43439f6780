//! In headless Chrome: the core produces byte-identical traces to the native build.
//!
//! The native golden tests write `tests/golden/*.txt`; this test runs the same sessions
//! compiled to wasm and compares against the same files.

use playground_core::{Registry, Session};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A scenario id and its native golden trace.
macro_rules! golden {
    ($id:literal) => {
        (
            $id,
            include_str!(concat!("../../tests/golden/", $id, ".txt")),
        )
    };
}

/// Every scenario's golden trace (the native test `every_golden_file_belongs_to_a_scenario`
/// keeps the files and the registry equal; the test below keeps this list equal to both).
const GOLDENS: &[(&str, &str)] = &[
    golden!("lamport-skew"),
    golden!("lamport-concurrent"),
    golden!("generation-pause"),
    golden!("generation-crash"),
    golden!("generation-partition"),
    golden!("generation-split-vote"),
    golden!("hybrid-transaction"),
    golden!("hybrid-lagging"),
    golden!("hybrid-lww"),
    golden!("hybrid-coordinator-crash"),
    golden!("idempotent-lost-response"),
    golden!("idempotent-duplicate"),
    golden!("idempotent-crash"),
    golden!("idempotent-expiry"),
    golden!("consistent-lookup"),
    golden!("consistent-data-failover"),
    golden!("consistent-leader-crash"),
    golden!("consistent-stale-read"),
    golden!("consistent-lease-clock"),
    golden!("mapreduce-straggler"),
    golden!("mapreduce-worker-dies"),
    golden!("mapreduce-dies-mid-map"),
    golden!("rdd-lineage"),
    golden!("scatter-tail"),
    golden!("scatter-hedged"),
    golden!("batch-join"),
    golden!("batch-reduce"),
    golden!("balance-slow-instance"),
    golden!("balance-host-failure"),
    golden!("balance-scale-out"),
    golden!("balance-stale-load"),
    golden!("balance-gray-failure"),
    golden!("resilience-retry-storm"),
    golden!("resilience-breaker"),
    golden!("resilience-volume-trap"),
    golden!("resilience-flapping"),
    golden!("resilience-slow-calls"),
    golden!("discovery-registry-lag"),
    golden!("discovery-self-preservation"),
    golden!("discovery-server-side"),
    golden!("discovery-registration"),
    golden!("discovery-replicated-registry"),
    golden!("gateway-routing"),
    golden!("gateway-spof"),
    golden!("sharding-functions"),
    golden!("sharding-hot-range"),
    golden!("sharding-hot-key"),
    golden!("sharding-salted-key"),
    golden!("sharding-monotonic"),
    golden!("sharding-reshard"),
    golden!("sharding-routers"),
    golden!("sharding-scaling"),
    golden!("pods-readiness"),
    golden!("pods-node-failure"),
    golden!("sidecar-job"),
    golden!("sidecar-hop"),
    golden!("sidecar-ambassador"),
    golden!("sidecar-adapter"),
    golden!("hosts-three-ways"),
    golden!("proxy-reverse"),
    golden!("proxy-client"),
    golden!("broker-prefetch"),
    golden!("broker-slow-consumer"),
    golden!("broker-poison"),
    golden!("broker-crashes"),
    golden!("broker-topics"),
    golden!("bus-routing"),
    golden!("bus-accountability"),
    golden!("bus-bottleneck"),
    golden!("hub-point-to-point"),
    golden!("hub-and-spoke"),
];

fn trace_of(session: &Session) -> String {
    let mut run = Registry::standard().start(session).expect("session starts");
    run.engine_mut().run_to_end(1_000_000);
    run.engine().trace_text()
}

#[wasm_bindgen_test]
fn every_default_scenario_trace_equals_its_native_golden_file() {
    let registry = Registry::standard();
    let ids: Vec<&str> = registry.scenarios().iter().map(|s| s.id()).collect();
    let listed: Vec<&str> = GOLDENS.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        listed, ids,
        "GOLDENS lists every registered scenario, in order"
    );
    for (scenario, golden) in GOLDENS {
        let trace = trace_of(&Session::new(scenario, 1));
        let first_difference = trace.lines().zip(golden.lines()).position(|(a, b)| a != b);
        assert!(
            trace == *golden,
            "{scenario}: the wasm trace differs from tests/golden/{scenario}.txt \
             (first differing line: {first_difference:?}, lengths {} and {})",
            trace.len(),
            golden.len()
        );
    }
}

#[wasm_bindgen_test]
fn faulty_session_hashes_equal_the_native_ones() {
    let table = include_str!("../../tests/golden/session-hashes.txt");
    let mut checked = 0;
    for line in table.lines() {
        let (session, hash) = line.split_once(' ').expect("`session hash` lines");
        let session = Session::decode(session).expect("golden sessions decode");
        let mut run = Registry::standard()
            .start(&session)
            .expect("session starts");
        assert_eq!(
            format!("{:016x}", run.trace_hash(1_000_000)),
            hash,
            "{line}"
        );
        checked += 1;
    }
    assert_eq!(
        checked,
        3 * Registry::standard().scenarios().len(),
        "three sessions per scenario"
    );
}
