//! The same session always produces the same trace.

use playground_core::sim::action::Action;
use playground_core::sim::time::SimTime;
use playground_core::{Registry, Session};
use playground_tests::faulty_session;

fn trace(session: &Session) -> String {
    let mut run = Registry::standard().start(session).expect("session starts");
    run.engine_mut().run_to_end(1_000_000);
    run.engine().trace_text()
}

#[test]
fn the_same_session_twice_gives_identical_trace_text() {
    let registry = Registry::standard();
    for scenario in registry.scenarios() {
        for seed in [1, 7, 99] {
            let session = faulty_session(&registry, scenario.id(), seed);
            let first = trace(&session);
            assert!(
                first.lines().count() > 10,
                "{} ran too little",
                scenario.id()
            );
            assert_eq!(first, trace(&session), "{} seed {seed}", scenario.id());
        }
    }
}

#[test]
fn another_seed_gives_another_trace() {
    let a = trace(&Session::new("lamport-skew", 1));
    let b = trace(&Session::new("lamport-skew", 2));
    assert_ne!(a, b);
}

#[test]
fn a_session_decoded_from_its_url_text_replays_identically() {
    let registry = Registry::standard();
    let session = faulty_session(&registry, "lamport-skew", 5);
    let decoded = Session::decode(&session.encode()).expect("round trip");
    assert_eq!(trace(&session), trace(&decoded));
}

#[test]
fn acting_live_equals_replaying_the_recorded_session() {
    let registry = Registry::standard();
    let mut live = registry.start(&Session::new("lamport-skew", 3)).unwrap();
    live.engine_mut().run_until(SimTime::from_millis(9));
    live.act(SimTime::from_millis(9), Action::Crash("s1".into()))
        .unwrap();
    live.engine_mut().run_until(SimTime::from_millis(20));
    live.act(SimTime::from_millis(20), Action::Restart("s1".into()))
        .unwrap();
    live.engine_mut().run_to_end(1_000_000);
    assert_eq!(live.session().actions.len(), 2);
    assert!(live.engine().trace_text().contains("CRASH s1"));
    assert_eq!(live.engine().trace_text(), trace(live.session()));
}

#[test]
fn acting_in_the_past_discards_the_future_and_later_actions() {
    let registry = Registry::standard();
    let mut run = registry.start(&Session::new("lamport-skew", 3)).unwrap();
    run.act(SimTime::from_millis(20), Action::Crash("s2".into()))
        .unwrap();
    run.engine_mut().run_to_end(1_000_000);
    let crashed_late = run.engine().trace_text();
    run.act(SimTime::from_millis(5), Action::Pause("s1".into()))
        .unwrap();
    run.engine_mut().run_to_end(1_000_000);
    let text = run.engine().trace_text();
    assert_eq!(
        run.session().actions.len(),
        1,
        "the later crash is discarded"
    );
    assert!(text.contains("PAUSE s1") && !text.contains("CRASH s2"));
    assert_ne!(text, crashed_late);
    assert_eq!(text, trace(run.session()));
}
