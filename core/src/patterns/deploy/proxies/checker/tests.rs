//! The checker's unit tests: hand-built traces that break each property, and ones that
//! look alike but hold.

use super::*;
use crate::patterns::deploy::checker::message_event;
use crate::patterns::findings::breaches_with;

/// c1, its proxy p1, servers s1 and s2.
fn checker() -> ProxiesChecker {
    let names: Vec<String> = ["c1", "p1", "s1", "s2"].map(String::from).to_vec();
    let n = |i| vec![NodeId(i)];
    ProxiesChecker::new(&names, n(0), n(1), vec![NodeId(2), NodeId(3)])
}

/// Message `payload` from `from` to `to` at `at` µs, as event `index`: sent (caused by
/// event `cause`), or delivered if `cause` is `None` and it goes to the proxy.
fn message(
    c: &mut ProxiesChecker,
    index: usize,
    at: u64,
    ends: (u32, u32),
    payload: Msg,
    cause: Option<u32>,
) {
    let deliver = cause.is_none() && ends.1 == 1;
    let (event, mut record) = message_event(index, at, ends, payload, deliver);
    record.cause = cause;
    c.observe(index, &event, Some(&record));
}

/// Ends a step at `at` µs with s1's status `s1`.
fn step(c: &mut ProxiesChecker, at: u64, s1: NodeStatus) -> Vec<Breach> {
    step_with(c, at, NodeStatus::Up, s1)
}

/// Ends a step at `at` µs with p1's status `p1` and s1's `s1`.
fn step_with(c: &mut ProxiesChecker, at: u64, p1: NodeStatus, s1: NodeStatus) -> Vec<Breach> {
    breaches_with(c, at, &[NodeStatus::Up, p1, s1, NodeStatus::Up])
}

#[test]
fn forwarding_to_a_server_down_past_the_bound_breaks_no_dead_server() {
    let mut c = checker();
    let get = |id| Msg::Get { id, key: 7 };
    assert!(step(&mut c, 100_000, NodeStatus::Crashed).is_empty());
    // 60 ms after the crash: still within the bound.
    message(&mut c, 1, 160_000, (1, 2), get(1), None);
    assert!(step(&mut c, 160_000, NodeStatus::Crashed).is_empty());
    // To s2, which is up: fine whenever.
    message(&mut c, 2, 300_000, (1, 3), get(2), None);
    assert!(step(&mut c, 300_000, NodeStatus::Crashed).is_empty());
    message(&mut c, 3, 160_001, (1, 2), get(3), None);
    let found = step(&mut c, 300_000, NodeStatus::Crashed);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].property, found[0].event), (NO_DEAD, Some(3)));
    assert!(
        found[0].detail.contains("p1 sent a request for k7 to s1"),
        "{}",
        found[0].detail
    );
    assert_eq!(c.facts()[0].1, "3");
}

#[test]
fn an_answer_sent_while_handling_the_request_is_a_cache_hit() {
    let mut c = checker();
    let value = None;
    // c1 asks (event 1); p1 answers at once (a hit).
    message(&mut c, 1, 0, (0, 1), Msg::Get { id: 1, key: 7 }, None);
    message(&mut c, 2, 0, (1, 0), Msg::Got { id: 1, value }, Some(1));
    // c1 asks again (event 3); p1 forwards it, and answers when s2's answer (event 5)
    // arrives: a miss.
    message(&mut c, 3, 10, (0, 1), Msg::Get { id: 2, key: 8 }, None);
    message(&mut c, 4, 10, (1, 3), Msg::Get { id: 1, key: 8 }, Some(3));
    message(&mut c, 6, 900, (1, 0), Msg::Got { id: 2, value }, Some(5));
    assert!(step(&mut c, 900, NodeStatus::Up).is_empty());
    let facts = c.facts();
    assert_eq!(facts[0].1, "1");
    assert_eq!(facts[1].1, "1 (50 %)");
    let mut measures = Vec::new();
    c.measure(&mut measures);
    let metrics: Vec<usize> = measures.iter().map(|m| m.metric).collect();
    assert_eq!(metrics, [HITS, BACKEND]);
}

#[test]
fn a_client_giving_up_breaks_the_contrast_and_counts_against_that_client() {
    let mut c = checker();
    let event = TraceEvent {
        time: SimTime(50_000),
        node: Some(NodeId(0)),
        kind: EventKind::Note(Note::TimedOut { id: 4 }),
    };
    c.observe(7, &event, None);
    let found = step(&mut c, 50_000, NodeStatus::Up);
    assert_eq!((found[0].property, found[0].event), (ANSWERED, Some(7)));
    assert!(found[0].detail.contains("c1 gave up on r4"));
    assert_eq!(c.facts()[2].1, "c1 1");
}

#[test]
fn a_proxy_just_back_from_a_pause_is_given_the_bound_to_catch_up() {
    let mut c = checker();
    let get = |id| Msg::Get { id, key: 7 };
    let (down, paused) = (NodeStatus::Crashed, NodeStatus::Paused);
    assert!(step_with(&mut c, 100_000, paused, down).is_empty());
    assert!(step_with(&mut c, 300_000, NodeStatus::Up, down).is_empty());
    // Its view is stale for 60 ms after it is back; then it must know.
    message(&mut c, 1, 359_999, (1, 2), get(1), None);
    assert!(step(&mut c, 359_999, down).is_empty());
    message(&mut c, 2, 360_000, (1, 2), get(2), None);
    let found = step(&mut c, 360_000, down);
    assert_eq!((found[0].property, found[0].event), (NO_DEAD, Some(2)));
}
