//! In headless Chrome: the core produces byte-identical traces to the native build.
//!
//! The native golden tests write `tests/golden/*.txt`; this test runs the same sessions
//! compiled to wasm and compares against the same files.

use playground_core::sim::trace::fingerprint;
use playground_core::{Registry, Session};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn trace_of(session: &Session) -> String {
    let mut run = Registry::standard().start(session).expect("session starts");
    run.engine_mut().run_to_end(1_000_000);
    run.engine().trace_text()
}

#[wasm_bindgen_test]
fn default_scenario_traces_equal_the_native_golden_files() {
    let goldens = [
        (
            "lamport-skew",
            include_str!("../../tests/golden/lamport-skew.txt"),
        ),
        (
            "lamport-concurrent",
            include_str!("../../tests/golden/lamport-concurrent.txt"),
        ),
    ];
    for (scenario, golden) in goldens {
        assert_eq!(trace_of(&Session::new(scenario, 1)), golden, "{scenario}");
    }
}

#[wasm_bindgen_test]
fn faulty_session_hashes_equal_the_native_ones() {
    let table = include_str!("../../tests/golden/session-hashes.txt");
    let mut checked = 0;
    for line in table.lines() {
        let (session, hash) = line.split_once(' ').expect("`session hash` lines");
        let session = Session::decode(session).expect("golden sessions decode");
        assert_eq!(
            format!("{:016x}", fingerprint(&trace_of(&session))),
            hash,
            "{line}"
        );
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} sessions checked");
}
