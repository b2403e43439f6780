//! Hand-built traces that break each of the checker's properties.

use super::*;
use crate::sim::node::NodeStatus;
use crate::sim::time::SimTime;
use crate::sim::trace::{Fate, MsgId};

const C1: u32 = 0;
const S1: u32 = 2;

fn names() -> Vec<String> {
    ["c1", "c2", "s1"].iter().map(|s| s.to_string()).collect()
}

/// One step of a hand-built trace: the event, and the message it carries, if any.
struct Step {
    node: u32,
    kind: EventKind<IdempotentNode>,
    msg: Option<MessageRecord<Msg>>,
}

fn record(from: u32, to: u32, payload: Msg) -> MessageRecord<Msg> {
    MessageRecord {
        from: NodeId(from),
        to: NodeId(to),
        sent_at: SimTime(0),
        copy_of: None,
        cause: None,
        payload,
    }
}

fn request(client: u32, req: u32, op: u32) -> Msg {
    Msg::Request {
        client,
        req,
        op,
        amount: 1,
        acked: 0,
    }
}

/// `from` sends `op` as (client, req) and the server receives it.
fn deliver_request(from: u32, client: u32, req: u32, op: u32) -> Step {
    Step {
        node: S1,
        kind: EventKind::Deliver {
            msg: MsgId(0),
            from: NodeId(from),
        },
        msg: Some(record(from, S1, request(client, req, op))),
    }
}

fn applied(client: u32, req: u32, counter: u64) -> Step {
    Step {
        node: S1,
        kind: EventKind::Note(Note::Applied {
            client,
            req,
            counter,
        }),
        msg: None,
    }
}

fn answer(client: u32, req: u32, counter: u64) -> Msg {
    Msg::Response {
        client,
        req,
        outcome: Outcome::Applied(counter),
    }
}

fn send_answer(to: u32, client: u32, req: u32, counter: u64) -> Step {
    Step {
        node: S1,
        kind: EventKind::Send {
            msg: MsgId(1),
            to: NodeId(to),
            fate: Fate::Arrives(SimTime(1)),
        },
        msg: Some(record(S1, to, answer(client, req, counter))),
    }
}

fn deliver_answer(to: u32, client: u32, req: u32, counter: u64) -> Step {
    Step {
        node: to,
        kind: EventKind::Deliver {
            msg: MsgId(1),
            from: NodeId(S1),
        },
        msg: Some(record(S1, to, answer(client, req, counter))),
    }
}

fn note(node: u32, note: Note) -> Step {
    Step {
        node,
        kind: EventKind::Note(note),
        msg: None,
    }
}

fn run_with_limit(steps: Vec<Step>, max_sessions: usize) -> (Vec<Breach>, IdempotentChecker) {
    let mut checker = IdempotentChecker::new(&names(), max_sessions);
    let mut out = Vec::new();
    for (i, step) in steps.into_iter().enumerate() {
        let event = TraceEvent {
            time: SimTime(i as u64),
            node: Some(NodeId(step.node)),
            kind: step.kind,
        };
        checker.observe(i, &event, step.msg.as_ref());
        let world = World {
            now: SimTime(i as u64),
            status: &[NodeStatus::Up; 3],
            clocks: &[],
        };
        checker.check(&[], &world, &mut out);
    }
    (out, checker)
}

fn run(steps: Vec<Step>) -> (Vec<Breach>, IdempotentChecker) {
    run_with_limit(steps, 8)
}

fn broken(breaches: &[Breach], property: usize) -> Vec<&Breach> {
    breaches.iter().filter(|b| b.property == property).collect()
}

#[test]
fn an_operation_resent_under_a_new_client_id_is_caught_applied_twice() {
    // c1's op 3 is applied as client 1 r3; its answer is lost, the session expires,
    // and c1 resends op 3 blindly as client 2 r1: the server applies it again.
    // (Its first two operations are left out: the counter starts at 0 here.)
    let steps = vec![
        deliver_request(C1, 1, 3, 3),
        applied(1, 3, 1),
        send_answer(C1, 1, 3, 1),
        deliver_request(C1, 2, 1, 3),
        applied(2, 1, 2),
        send_answer(C1, 2, 1, 2),
    ];
    let (breaches, checker) = run(steps);
    let twice = broken(&breaches, AT_MOST_ONCE);
    assert_eq!(twice.len(), 1);
    assert_eq!(twice[0].event, Some(4));
    assert_eq!(
        twice[0].detail,
        "c1's op 3 was applied 2 times (as client 1 r3, then client 2 r1)"
    );
    let counter = broken(&breaches, COUNTER);
    assert_eq!(counter.len(), 1);
    assert_eq!(counter[0].event, Some(4));
    assert_eq!(
        counter[0].detail,
        "after c1's op 3 the counter is 2, but the distinct operations applied add up to 1"
    );
    let same = broken(&breaches, SAME_RESPONSE);
    assert_eq!(same.len(), 1);
    assert_eq!(same[0].event, Some(5));
    assert_eq!(
        same[0].detail,
        "c1's op 3 was first answered “ok counter=1”, now “ok counter=2”"
    );
    let facts = checker.facts(&[]);
    assert_eq!(facts[2].1, "c1's op 3 ×2");
}

#[test]
fn distinct_operations_under_the_same_client_id_are_not_confused() {
    // c1 and c2 each do one operation; c1's first under two ids would be a breach,
    // but these are different operations.
    let steps = vec![
        deliver_request(C1, 1, 1, 1),
        applied(1, 1, 1),
        deliver_request(1, 2, 1, 1),
        applied(2, 1, 2),
        deliver_request(C1, 1, 2, 2),
        applied(1, 2, 3),
        deliver_answer(C1, 1, 2, 3),
    ];
    let (breaches, checker) = run(steps);
    assert!(breaches.is_empty(), "{breaches:?}");
    assert_eq!(checker.facts(&[])[1].1, "3 distinct, 3 applications");
}

#[test]
fn a_counter_that_moves_without_an_operation_breaks_the_state_check() {
    // Two distinct operations, but the second application reports counter=3.
    let steps = vec![
        deliver_request(C1, 1, 1, 1),
        applied(1, 1, 1),
        deliver_request(C1, 1, 2, 2),
        applied(1, 2, 3),
    ];
    let (breaches, _) = run(steps);
    assert_eq!(breaches.len(), 1);
    assert_eq!(breaches[0].property, COUNTER);
    assert_eq!(breaches[0].event, Some(3));
    assert_eq!(
        breaches[0].detail,
        "after c1's op 2 the counter is 3, but the distinct operations applied add up to 2"
    );
}

#[test]
fn a_retry_answered_differently_breaks_retry_same_response() {
    // The server answers c1's op 1 twice (the first answer and a retry) with
    // different values, though it applied the operation once.
    let steps = vec![
        deliver_request(C1, 1, 1, 1),
        applied(1, 1, 1),
        send_answer(C1, 1, 1, 1),
        deliver_request(C1, 1, 1, 1),
        send_answer(C1, 1, 1, 7),
    ];
    let (breaches, _) = run(steps);
    assert_eq!(breaches.len(), 1);
    assert_eq!(breaches[0].property, SAME_RESPONSE);
    assert_eq!(breaches[0].event, Some(4));
}

#[test]
fn an_answer_for_an_operation_applied_twice_breaks_answered_means_applied_once() {
    // A duplicate is applied twice before the client hears the first answer.
    let steps = vec![
        deliver_request(C1, 1, 1, 1),
        applied(1, 1, 1),
        deliver_request(C1, 1, 1, 1),
        applied(1, 1, 2),
        deliver_answer(C1, 1, 1, 1),
    ];
    let (breaches, _) = run(steps);
    let answered = broken(&breaches, ANSWERED_ONCE);
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].event, Some(4));
    assert_eq!(
        answered[0].detail,
        "c1's op 1 reached its client as applied, but was applied 2 times"
    );
}

#[test]
fn applying_an_operation_after_its_answer_arrived_breaks_answered_means_applied_once() {
    let steps = vec![
        deliver_request(C1, 1, 1, 1),
        applied(1, 1, 1),
        deliver_answer(C1, 1, 1, 1),
        deliver_request(C1, 1, 1, 1),
        applied(1, 1, 2),
    ];
    let (breaches, _) = run(steps);
    let answered = broken(&breaches, ANSWERED_ONCE);
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].event, Some(4));
}

#[test]
fn more_open_sessions_than_the_limit_break_sessions_bounded() {
    let steps = vec![
        note(S1, Note::SessionOpened { client: 1 }),
        note(S1, Note::SessionOpened { client: 2 }),
        note(S1, Note::SessionExpired { client: 1 }),
        note(S1, Note::SessionOpened { client: 3 }),
        note(S1, Note::SessionOpened { client: 4 }),
    ];
    let (breaches, _) = run_with_limit(steps, 2);
    assert_eq!(breaches.len(), 1);
    assert_eq!(breaches[0].property, BOUNDED);
    assert_eq!(breaches[0].event, Some(4));
    assert_eq!(
        breaches[0].detail,
        "session of client 4 opened: 3 sessions open (limit 2)"
    );
}

#[test]
fn an_unknown_outcome_is_listed_with_what_really_happened() {
    let steps = vec![
        deliver_request(C1, 1, 3, 3),
        applied(1, 3, 1),
        note(C1, Note::OutcomeUnknown { op: 3 }),
    ];
    let (breaches, checker) = run(steps);
    assert!(breaches.is_empty());
    assert_eq!(checker.facts(&[])[3].1, "c1's op 3 (applied 1×)");
}
