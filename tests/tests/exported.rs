//! A run exported from the page with "As a test" (a person switched the balancer's
//! health checks off and crashed instance i2 at 300 ms), pasted as it came: it replays
//! natively with the same fingerprint and the same properties broken.
//! `tests/tests/export.rs` checks that this is what the export writes for that run.

#[test]
fn replays_balance_host_failure_seed_1() {
    playground_tests::replay::check(
        "v1~balance-host-failure~seed.1~off.health-checks~300000.crash.i2",
        0xff1bd9bbf87bfd27,
        &["dead-skipped-in-time", "answered-in-time"],
    );
}
