//! Replaying a run exported from the page as a test (the page's "As a test" button, see
//! `playground_core::export::rust_test`): the same session, explored as the page explores
//! it, must give the same fingerprint and break exactly the properties it broke there.

use playground_core::{Registry, Session};

/// The most trace events the page explores of one run (`MAX_UI_EVENTS` in the web crate).
pub const PAGE_EVENTS: usize = 1_000_000;

/// Replays `session` (its text form) as the page does and checks its trace's fingerprint
/// and that exactly the properties `broken` (by id) break; panics saying what differs.
pub fn check(session: &str, fingerprint: u64, broken: &[&str]) {
    let session = Session::decode(session).unwrap_or_else(|e| panic!("the session: {e}"));
    let mut run = Registry::standard()
        .start(&session)
        .unwrap_or_else(|e| panic!("the session does not start: {e}"));
    let engine = run.engine_mut();
    while engine.trace_len() < PAGE_EVENTS && engine.step() {}
    let engine = run.engine();
    let got = engine.trace_fingerprint();
    assert_eq!(
        got, fingerprint,
        "the replay's fingerprint {got:016x} is not the exported {fingerprint:016x}"
    );
    let ids: Vec<&str> = engine
        .properties()
        .iter()
        .zip(engine.violations())
        .filter(|(_, v)| v.is_some())
        .map(|(p, _)| p.id)
        .collect();
    assert_eq!(ids, broken, "the properties that break");
}
