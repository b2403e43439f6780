//! Hand-built traces: two processes exchanging messages, and a third that stays apart.

use super::{Cone, Relation};
use crate::sim::node::NodeId;
use crate::sim::time::SimTime;
use crate::sim::trace::{DropReason, EventKind, Fate, MsgId, Slots, TraceEvent};

fn at(node: u32, kind: EventKind<Slots>) -> TraceEvent<Slots> {
    TraceEvent {
        time: SimTime::ZERO,
        node: Some(NodeId(node)),
        kind,
    }
}

fn send(node: u32, msg: u32, to: u32) -> TraceEvent<Slots> {
    at(
        node,
        EventKind::Send {
            msg: MsgId(msg),
            to: NodeId(to),
            fate: Fate::Arrives(SimTime::ZERO),
        },
    )
}

fn deliver(node: u32, msg: u32, from: u32) -> TraceEvent<Slots> {
    at(
        node,
        EventKind::Deliver {
            msg: MsgId(msg),
            from: NodeId(from),
        },
    )
}

/// 0: a starts · 1: b starts · 2: c starts · 3: a sends #0 to b · 4: c timer
/// 5: b gets #0 · 6: b sends #1 to c · 7: a timer · 8: c gets #1 · 9: a sends #2 to b
/// 10: #2 dropped at b · 11: b timer
fn trace() -> Vec<TraceEvent<Slots>> {
    vec![
        at(0, EventKind::Start),
        at(1, EventKind::Start),
        at(2, EventKind::Start),
        send(0, 0, 1),
        at(2, EventKind::Timer(0)),
        deliver(1, 0, 0),
        send(1, 1, 2),
        at(0, EventKind::Timer(1)),
        deliver(2, 1, 1),
        send(0, 2, 1),
        at(
            1,
            EventKind::Dropped {
                msg: MsgId(2),
                reason: DropReason::ReceiverDown,
            },
        ),
        at(1, EventKind::Timer(2)),
    ]
}

fn relations(cone: &Cone, len: usize) -> String {
    (0..len)
        .map(|i| match cone.event(i) {
            Relation::Concurrent => '.',
            Relation::Before => '<',
            Relation::Chosen => '*',
            Relation::After => '>',
        })
        .collect()
}

#[test]
fn a_delivery_follows_its_send_and_its_own_node() {
    let t = trace();
    // b gets #0 (5): before it, a's start and send, b's start; after it, b's send, c's
    // delivery of #1 (and c's later events: none), b's later drop and timer.
    let cone = Cone::of(&t, 3, 5);
    assert_eq!(relations(&cone, t.len()), "<<.<.*>.>.>>");
    assert_eq!(cone.message(MsgId(0)), Relation::Before);
    assert_eq!(cone.message(MsgId(1)), Relation::After);
    assert_eq!(cone.message(MsgId(2)), Relation::Concurrent);
    assert_eq!(cone.counts(), (3, 4));
}

#[test]
fn events_on_nodes_that_never_heard_are_concurrent() {
    let t = trace();
    // c's timer (4) came before any message reached c: only c's start precedes it, and
    // only c's later delivery follows it; everything on a and b is concurrent.
    let cone = Cone::of(&t, 3, 4);
    assert_eq!(relations(&cone, t.len()), "..<.*...>...");
    // a's timer (7) and b's delivery (5) are concurrent: neither chain reaches the other.
    let cone = Cone::of(&t, 3, 7);
    assert_eq!(cone.event(5), Relation::Concurrent);
    assert_eq!(relations(&cone, t.len()), "<..<...*.>..");
}

#[test]
fn a_dropped_message_carries_nothing() {
    let t = trace();
    // a's send of #2 (9) reaches b's lane only as a drop: b's drop and later timer are on
    // b's lane after the drop, which the send did not cause.
    let cone = Cone::of(&t, 3, 9);
    assert_eq!(cone.event(10), Relation::Concurrent);
    assert_eq!(cone.event(11), Relation::Concurrent);
    assert_eq!(cone.message(MsgId(2)), Relation::After);
}

#[test]
fn an_event_on_no_node_or_out_of_range_relates_to_nothing() {
    let mut t = trace();
    t.push(TraceEvent {
        time: SimTime::ZERO,
        node: None,
        kind: EventKind::Start,
    });
    let cone = Cone::of(&t, 3, t.len() - 1);
    assert_eq!(cone.counts(), (0, 0));
    let cone = Cone::of(&t, 3, 99);
    assert_eq!(cone.counts(), (0, 0));
    assert_eq!(cone.event(99), Relation::Concurrent);
}

/// Happened-before by its definition: the transitive closure of "same node, earlier" and
/// "send, then that message's arrival or delivery", over every pair of events.
#[allow(clippy::needless_range_loop)] // a closure over index pairs reads best with indices
fn naive(events: &[TraceEvent<Slots>]) -> Vec<Vec<bool>> {
    let n = events.len();
    let mut hb = vec![vec![false; n]; n];
    for j in 0..n {
        for i in 0..j {
            let (a, b) = (&events[i], &events[j]);
            let same_node = a.node.is_some() && a.node == b.node;
            let message = matches!(
                (&a.kind, super::received(&b.kind)),
                (EventKind::Send { msg, .. }, Some(m)) if *msg == m
            );
            hb[i][j] = same_node || message;
        }
    }
    for k in 0..n {
        for i in 0..n {
            if hb[i][k] {
                for j in 0..n {
                    if hb[k][j] {
                        hb[i][j] = true;
                    }
                }
            }
        }
    }
    hb
}

#[test]
#[allow(clippy::needless_range_loop)] // every pair of events, by index
fn the_scans_agree_with_the_definition_on_a_busy_trace() {
    // Four nodes; a small linear congruential sequence picks who sends to whom, and
    // messages are delivered (or dropped) a few events later, out of order.
    let mut x: u64 = 7;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    let mut events = Vec::new();
    let mut in_flight: Vec<(u32, u32, u32)> = Vec::new();
    let mut msgs = 0;
    for _ in 0..160 {
        match next(4) {
            0 | 1 => {
                let (from, to) = (next(4) as u32, next(4) as u32);
                events.push(send(from, msgs, to));
                in_flight.push((msgs, from, to));
                msgs += 1;
            }
            2 if !in_flight.is_empty() => {
                let (msg, from, to) = in_flight.remove(next(in_flight.len() as u64) as usize);
                events.push(if next(5) == 0 {
                    at(
                        to,
                        EventKind::Dropped {
                            msg: MsgId(msg),
                            reason: DropReason::QueueFull,
                        },
                    )
                } else {
                    deliver(to, msg, from)
                });
            }
            _ => events.push(at(next(4) as u32, EventKind::Timer(0))),
        }
    }
    let hb = naive(&events);
    for chosen in 0..events.len() {
        let cone = Cone::of(&events, msgs as usize, chosen);
        for other in 0..events.len() {
            let expected = if other == chosen {
                Relation::Chosen
            } else if hb[other][chosen] {
                Relation::Before
            } else if hb[chosen][other] {
                Relation::After
            } else {
                Relation::Concurrent
            };
            assert_eq!(
                cone.event(other),
                expected,
                "event {other} against {chosen}"
            );
        }
    }
}
