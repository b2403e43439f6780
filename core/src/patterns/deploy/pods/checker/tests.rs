use super::*;
use crate::patterns::deploy::checker::message_event;
use crate::sim::clock::WallClock;

/// c1, svc, app1, app2: app1 runs from the start, app2 joins later.
fn checker() -> PodsChecker {
    let names: Vec<String> = ["c1", "svc", "app1", "app2"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    PodsChecker::new(&names, vec![NodeId(2), NodeId(3)], 40_000)
}

fn after_step(checker: &mut PodsChecker, at: u64, status: &[NodeStatus]) -> Vec<Breach> {
    let clocks = vec![WallClock::new(0, 0); status.len()];
    let world = World {
        now: SimTime(at),
        status,
        clocks: &clocks,
    };
    let mut out = Vec::new();
    checker.check(&[], &world, &mut out);
    out
}

fn send(checker: &mut PodsChecker, index: usize, at: u64, from: u32, to: u32, payload: Msg) {
    let (event, record) = message_event(index, at, (from, to), payload, false);
    checker.observe(index, &event, Some(&record));
}

const DONE: Msg = Msg::Done {
    client: 0,
    id: 7,
    ok: true,
};

const UP: NodeStatus = NodeStatus::Up;

#[test]
fn an_answer_from_a_container_before_its_start_up_time_breaks_the_guarantee() {
    let mut c = checker();
    // app2 starts outside the run; app1 was running (and ready) before it began.
    assert!(after_step(&mut c, 0, &[UP, UP, UP, NodeStatus::Absent]).is_empty());
    send(&mut c, 1, 5_000, 2, 1, DONE);
    assert!(after_step(&mut c, 5_000, &[UP; 4]).is_empty());
    // app2 joined at 5 ms: ready from 45 ms. Its answer at 44.999 ms breaks it.
    send(&mut c, 2, 44_999, 3, 1, DONE);
    let found = after_step(&mut c, 44_999, &[UP; 4]);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].property, found[0].event), (READY_ONLY, Some(2)));
    assert!(
        found[0].detail.contains("app2 answered"),
        "{}",
        found[0].detail
    );
    assert!(
        found[0].detail.contains("started 5.000ms"),
        "{}",
        found[0].detail
    );
}

#[test]
fn a_restart_makes_a_container_not_ready_again_and_a_pause_does_not() {
    let mut c = checker();
    assert!(after_step(&mut c, 0, &[UP; 4]).is_empty());
    // Paused and resumed: still the same process, still ready.
    assert!(after_step(&mut c, 1_000, &[UP, UP, NodeStatus::Paused, UP]).is_empty());
    assert!(after_step(&mut c, 2_000, &[UP; 4]).is_empty());
    send(&mut c, 3, 2_500, 2, 1, DONE);
    assert!(after_step(&mut c, 2_500, &[UP; 4]).is_empty());
    // Crashed and restarted at 10 ms: an answer at 30 ms is too early, at 50 ms fine.
    assert!(after_step(&mut c, 3_000, &[UP, UP, NodeStatus::Crashed, UP]).is_empty());
    assert!(after_step(&mut c, 10_000, &[UP; 4]).is_empty());
    send(&mut c, 4, 50_000, 2, 1, DONE);
    assert!(after_step(&mut c, 50_000, &[UP; 4]).is_empty());
    send(&mut c, 5, 30_000, 2, 1, DONE);
    let found = after_step(&mut c, 50_001, &[UP; 4]);
    assert_eq!((found[0].property, found[0].event), (READY_ONLY, Some(5)));
}

#[test]
fn an_error_or_a_timeout_breaks_the_contrast() {
    let mut c = checker();
    send(&mut c, 1, 5, 1, 0, Msg::Response { id: 3, ok: true });
    assert!(after_step(&mut c, 5, &[UP; 4]).is_empty());
    send(&mut c, 2, 6, 1, 0, Msg::Response { id: 4, ok: false });
    let found = after_step(&mut c, 6, &[UP; 4]);
    assert_eq!((found[0].property, found[0].event), (NO_ERRORS, Some(2)));
    let mut c = checker();
    let event = TraceEvent {
        time: SimTime(5),
        node: Some(NodeId(0)),
        kind: EventKind::Note(Note::TimedOut { id: 3 }),
    };
    c.observe(4, &event, None);
    let found = after_step(&mut c, 5, &[UP; 4]);
    assert_eq!((found[0].property, found[0].event), (NO_ERRORS, Some(4)));
}

#[test]
fn ready_pods_and_the_window_of_lost_capacity_come_from_the_statuses() {
    let mut c = checker();
    let mut measured = Vec::new();
    after_step(&mut c, 0, &[UP; 4]);
    after_step(&mut c, 10_000, &[UP, UP, NodeStatus::Crashed, UP]);
    after_step(&mut c, 20_000, &[UP; 4]);
    // Restarted at 20 ms, ready at 60 ms: the first step at or after then counts it.
    after_step(&mut c, 59_000, &[UP; 4]);
    after_step(&mut c, 60_000, &[UP; 4]);
    c.measure(&mut measured);
    let values: Vec<i64> = measured.iter().map(|m| m.value).collect();
    assert_eq!(values, [2, 1, 2]);
    let facts = c.facts(&[]);
    assert_eq!(facts[1].1, "10.000ms to 60.000ms (50.000ms)");
}
