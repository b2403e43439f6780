//! Golden traces: each named scenario's default run, compared line for line.
//!
//! After an intended change of behaviour, regenerate with `UPDATE_EXPECT=1 cargo test`
//! and review the diff of `tests/golden/`.

use expect_test::expect_file;
use playground_core::{Registry, Session};

fn trace_of(scenario: &str) -> String {
    let registry = Registry::standard();
    let mut run = registry
        .start(&Session::new(scenario, 1))
        .expect("scenario starts");
    run.engine_mut().run_to_end(1_000_000);
    assert!(
        run.engine().is_finished(),
        "{scenario} ends before its horizon"
    );
    run.engine().trace_text()
}

#[test]
fn every_scenario_has_a_golden_trace() {
    let registry = Registry::standard();
    for scenario in registry.scenarios() {
        let path = format!(
            "{}/golden/{}.txt",
            env!("CARGO_MANIFEST_DIR"),
            scenario.id()
        );
        assert!(
            std::path::Path::new(&path).exists(),
            "no golden trace for {}: add a test below and run with UPDATE_EXPECT=1",
            scenario.id()
        );
    }
}

#[test]
fn lamport_skew() {
    expect_file!["../golden/lamport-skew.txt"].assert_eq(&trace_of("lamport-skew"));
}

#[test]
fn lamport_concurrent() {
    expect_file!["../golden/lamport-concurrent.txt"].assert_eq(&trace_of("lamport-concurrent"));
}

#[test]
fn generation_pause() {
    expect_file!["../golden/generation-pause.txt"].assert_eq(&trace_of("generation-pause"));
}

#[test]
fn generation_crash() {
    expect_file!["../golden/generation-crash.txt"].assert_eq(&trace_of("generation-crash"));
}

#[test]
fn generation_partition() {
    expect_file!["../golden/generation-partition.txt"].assert_eq(&trace_of("generation-partition"));
}

#[test]
fn generation_split_vote() {
    expect_file!["../golden/generation-split-vote.txt"]
        .assert_eq(&trace_of("generation-split-vote"));
}

#[test]
fn hybrid_transaction() {
    expect_file!["../golden/hybrid-transaction.txt"].assert_eq(&trace_of("hybrid-transaction"));
}

#[test]
fn hybrid_lagging() {
    expect_file!["../golden/hybrid-lagging.txt"].assert_eq(&trace_of("hybrid-lagging"));
}

#[test]
fn hybrid_lww() {
    expect_file!["../golden/hybrid-lww.txt"].assert_eq(&trace_of("hybrid-lww"));
}

#[test]
fn hybrid_coordinator_crash() {
    expect_file!["../golden/hybrid-coordinator-crash.txt"]
        .assert_eq(&trace_of("hybrid-coordinator-crash"));
}

#[test]
fn idempotent_lost_response() {
    expect_file!["../golden/idempotent-lost-response.txt"]
        .assert_eq(&trace_of("idempotent-lost-response"));
}

#[test]
fn idempotent_duplicate() {
    expect_file!["../golden/idempotent-duplicate.txt"].assert_eq(&trace_of("idempotent-duplicate"));
}

#[test]
fn idempotent_crash() {
    expect_file!["../golden/idempotent-crash.txt"].assert_eq(&trace_of("idempotent-crash"));
}

#[test]
fn idempotent_expiry() {
    expect_file!["../golden/idempotent-expiry.txt"].assert_eq(&trace_of("idempotent-expiry"));
}

#[test]
fn consistent_lookup() {
    expect_file!["../golden/consistent-lookup.txt"].assert_eq(&trace_of("consistent-lookup"));
}

#[test]
fn consistent_data_failover() {
    expect_file!["../golden/consistent-data-failover.txt"]
        .assert_eq(&trace_of("consistent-data-failover"));
}

#[test]
fn consistent_leader_crash() {
    expect_file!["../golden/consistent-leader-crash.txt"]
        .assert_eq(&trace_of("consistent-leader-crash"));
}

#[test]
fn consistent_stale_read() {
    expect_file!["../golden/consistent-stale-read.txt"]
        .assert_eq(&trace_of("consistent-stale-read"));
}

#[test]
fn consistent_lease_clock() {
    expect_file!["../golden/consistent-lease-clock.txt"]
        .assert_eq(&trace_of("consistent-lease-clock"));
}

/// Fingerprints of faulty sessions; the wasm test in `web/tests/determinism.rs` replays the
/// same sessions in headless Chrome and must get the same fingerprints.
#[test]
fn session_hashes() {
    use playground_core::sim::trace::fingerprint;
    let registry = Registry::standard();
    let mut table = String::new();
    for scenario in registry.scenarios() {
        for seed in 1..=3 {
            let session = playground_tests::faulty_session(&registry, scenario.id(), seed);
            let mut run = registry.start(&session).expect("session starts");
            run.engine_mut().run_to_end(1_000_000);
            let hash = fingerprint(&run.engine().trace_text());
            table.push_str(&format!("{} {hash:016x}\n", session.encode()));
        }
    }
    expect_file!["../golden/session-hashes.txt"].assert_eq(&table);
}
