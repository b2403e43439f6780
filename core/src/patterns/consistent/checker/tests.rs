//! The checker's properties, each broken by a hand-built trace (and kept by a near miss).

use std::sync::Arc;

use super::*;
use crate::patterns::consistent::meta::ReqId;
use crate::patterns::consistent::msg::{Owned, Peer};
use crate::sim::node::NodeStatus;
use crate::sim::trace::{Fate, MsgId};

// Nodes: c1 (0), m1 (1), m2 (2), d1 (3), d2 (4), s1 (5).
const C1: u32 = 0;
const M1: u32 = 1;
const M2: u32 = 2;
const D1: u32 = 3;
const D2: u32 = 4;
const S1: u32 = 5;
const LEASE: u64 = 300;

fn names() -> Vec<String> {
    ["c1", "m1", "m2", "d1", "d2", "s1"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn peer(id: u32) -> Peer {
    Peer {
        id: NodeId(id),
        name: Arc::from(names()[id as usize].as_str()),
    }
}

/// One step of a hand-built trace: at `time`, on `node`, an event with its message.
struct Step {
    time: u64,
    node: u32,
    kind: EventKind<ConsistentNode>,
    msg: Option<MessageRecord<Msg>>,
}

fn note(time: u64, node: u32, note: Note) -> Step {
    Step {
        time,
        node,
        kind: EventKind::Note(note),
        msg: None,
    }
}

fn send(time: u64, from: u32, to: u32, payload: Msg) -> Step {
    Step {
        time,
        node: from,
        kind: EventKind::Send {
            msg: MsgId(0),
            to: NodeId(to),
            fate: Fate::Arrives(SimTime(time + 1)),
        },
        msg: Some(MessageRecord {
            from: NodeId(from),
            to: NodeId(to),
            sent_at: SimTime(time),
            copy_of: None,
            cause: None,
            payload,
        }),
    }
}

fn applied(time: u64, node: u32, index: usize, term: u64, cmd: Cmd) -> Step {
    note(
        time,
        node,
        Note::Applied {
            index,
            term,
            cmd,
            what: String::new(),
        },
    )
}

fn owned(partition: u8, token: usize) -> Owned {
    Owned { partition, token }
}

/// Feeds the steps to a checker and returns the ids of the properties broken, with
/// the event that broke each.
fn run(steps: Vec<Step>) -> Vec<(&'static str, Option<usize>, String)> {
    let mut checker = ConsistentChecker::new(&names(), LEASE);
    let mut out = Vec::new();
    for (i, step) in steps.into_iter().enumerate() {
        let event = TraceEvent {
            time: SimTime(step.time),
            node: Some(NodeId(step.node)),
            kind: step.kind,
        };
        checker.observe(i, &event, step.msg.as_ref());
        let world = World {
            now: SimTime(step.time),
            status: &[NodeStatus::Up; 6],
            clocks: &[],
        };
        checker.check(&[], &world, &mut out);
    }
    out.into_iter()
        .map(|b| (PROPERTIES[b.property].id, b.event, b.detail))
        .collect()
}

fn put(n: u32, value: u32) -> Cmd {
    Cmd::Put {
        key: 'x',
        value,
        req: ReqId {
            client: NodeId(C1),
            n,
        },
    }
}

#[test]
fn an_acknowledged_put_replaced_by_another_term_is_lost() {
    let acked = Note::Acked {
        index: 2,
        term: 1,
        key: 'x',
        value: 1,
    };
    let broken = run(vec![note(10, M1, acked), applied(20, M2, 2, 2, Cmd::Noop)]);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0].0, "acked-never-lost");
    assert_eq!(broken[0].1, Some(1));
    assert!(broken[0].2.contains("replaced there by an entry of term 2"));
    // The same index applied with the acknowledged term breaks nothing.
    let acked = Note::Acked {
        index: 2,
        term: 1,
        key: 'x',
        value: 1,
    };
    assert!(run(vec![note(10, M1, acked), applied(20, M2, 2, 1, put(1, 1))]).is_empty());
}

#[test]
fn two_data_nodes_holding_one_partition_at_once_are_caught() {
    let lease = |n| Msg::Lease {
        n,
        partitions: vec![owned(1, 2)],
    };
    let holds = |n| Note::Holds {
        n,
        partitions: vec![owned(1, 2)],
    };
    let steps = |d2_asks: u64| {
        vec![
            send(0, D1, M1, Msg::Renew { n: 1 }),
            send(5, M1, D1, lease(1)),
            note(6, D1, holds(1)),
            send(d2_asks, D2, M1, Msg::Renew { n: 1 }),
            send(d2_asks + 5, M1, D2, lease(1)),
            note(d2_asks + 6, D2, holds(1)),
        ]
    };
    // d1 holds p1 from 5 until 0 + 300; d2 is granted p1 at 105: they overlap.
    let broken = run(steps(100));
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0].0, "one-lease-holder");
    assert_eq!(broken[0].1, Some(5));
    // d2 granted after d1's lease ended: no overlap.
    assert!(run(steps(400)).is_empty());
}

#[test]
fn a_write_applied_after_the_core_expired_the_writer_is_caught() {
    let write = |time, writer: u32, value| {
        let persist = Msg::Persist {
            req: ReqId {
                client: NodeId(C1),
                n: value,
            },
            owned: owned(1, 2),
            value,
        };
        let stored = Note::Stored {
            writer: peer(writer),
            owned: owned(1, 2),
            value,
        };
        [send(time, writer, S1, persist), note(time + 2, S1, stored)]
    };
    let grant = |time, partitions| send(time, M1, D1, Msg::Lease { n: 1, partitions });
    let to_d2 = || {
        send(
            400,
            M1,
            D2,
            Msg::Lease {
                n: 1,
                partitions: vec![owned(1, 9)],
            },
        )
    };
    let mut steps = vec![grant(5, vec![owned(1, 2)])];
    steps.extend(write(50, D1, 1));
    steps.push(to_d2());
    // d2's renewal at 450 does not move the time its holding began.
    steps.push(send(
        450,
        M1,
        D2,
        Msg::Lease {
            n: 2,
            partitions: vec![owned(1, 9)],
        },
    ));
    steps.extend(write(500, D1, 2));
    let broken = run(steps);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0].0, "writes-inside-lease");
    assert_eq!(broken[0].1, Some(6), "at the store's take");
    assert!(
        broken[0]
            .2
            .contains("the core had granted p1 to d2 at 0.400ms"),
        "{}",
        broken[0].2
    );
    // Applied inside the lease, taken by the store after the new grant: fine.
    let [persist, stored] = write(390, D1, 3);
    let steps = vec![grant(5, vec![owned(1, 2)]), persist, to_d2(), stored];
    assert!(run(steps).is_empty());
    // A node never granted the partition cannot write it either.
    let broken = run(write(50, D2, 1).into());
    assert_eq!(broken.len(), 1);
    assert!(
        broken[0].2.contains("d2 held no lease on p1"),
        "{}",
        broken[0].2
    );
    // A renewal that no longer lists the partition ends the lease on it.
    let mut steps = vec![grant(5, vec![owned(1, 2)]), grant(60, vec![])];
    steps.extend(write(70, D1, 1));
    let broken = run(steps);
    assert_eq!(broken.len(), 1, "{broken:?}");
}

#[test]
fn a_put_applied_twice_is_caught_whatever_its_request_number() {
    // The same client's put x=1, applied at #2 and again at #3 by m1: a retry that the
    // core did not recognise (here even sent under a new request number).
    let broken = run(vec![
        applied(10, M1, 2, 1, put(1, 1)),
        applied(12, M2, 2, 1, put(1, 1)),
        applied(20, M1, 3, 1, put(2, 1)),
    ]);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0].0, "put-applied-once");
    assert_eq!(broken[0].1, Some(2));
    assert_eq!(broken[0].2, "m1 applied c1's put x=1 at #2 and again at #3");
    // A different value is a different put.
    assert!(run(vec![
        applied(10, M1, 2, 1, put(1, 1)),
        applied(20, M1, 3, 1, put(2, 2)),
    ])
    .is_empty());
}

#[test]
fn a_read_through_the_leader_older_than_an_acknowledged_put_is_caught() {
    let acked = |index| Note::Acked {
        index,
        term: 1,
        key: 'x',
        value: 2,
    };
    let read = |from_index| Note::ReadServed {
        key: 'x',
        from_index,
    };
    let broken = run(vec![note(10, M1, acked(3)), note(20, M1, read(Some(2)))]);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0].0, "leader-reads-latest");
    assert_eq!(broken[0].1, Some(1));
    let broken = run(vec![note(10, M1, acked(3)), note(20, M1, read(None))]);
    assert_eq!(broken.len(), 1, "a read that finds nothing is stale too");
    assert!(run(vec![note(10, M1, acked(3)), note(20, M1, read(Some(3)))]).is_empty());
}
