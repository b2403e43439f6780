//! Every property of the hybrid clock's checker, broken by a hand-built trace.

use super::*;
use crate::sim::clock::WallClock;
use crate::sim::node::NodeStatus;
use crate::sim::time::SimTime;
use crate::sim::trace::Fate;

const CO: u32 = 0;
const S1: u32 = 1;
const S2: u32 = 2;
const S3: u32 = 3;

/// One event of a hand-built trace: on which node, what, and the message for sends.
struct Step {
    node: u32,
    kind: EventKind<HybridNode>,
    msg: Option<MessageRecord<Msg>>,
}

fn at(wall: i64, logical: u32) -> Hlc {
    Hlc::at(wall, logical)
}

fn note(node: u32, note: Note) -> Step {
    Step {
        node,
        kind: EventKind::Note(note),
        msg: None,
    }
}

fn send(id: u32, from: u32, to: u32, payload: Msg) -> Step {
    Step {
        node: from,
        kind: EventKind::Send {
            msg: MsgId(id),
            to: NodeId(to),
            fate: Fate::Arrives(SimTime(1)),
        },
        msg: Some(MessageRecord {
            from: NodeId(from),
            to: NodeId(to),
            sent_at: SimTime(0),
            copy_of: None,
            cause: None,
            payload,
        }),
    }
}

fn deliver(id: u32, from: u32, to: u32) -> Step {
    Step {
        node: to,
        kind: EventKind::Deliver {
            msg: MsgId(id),
            from: NodeId(from),
        },
        msg: None,
    }
}

fn write(tx: u32, hlc: Hlc) -> Msg {
    Msg::Write {
        tx: TxId(tx),
        key: 'k',
        value: tx,
        hlc,
    }
}

fn provisional(tx: u32, key: char, ts: Hlc) -> Note {
    Note::Provisional {
        tx: TxId(tx),
        key,
        value: tx,
        ts,
    }
}

fn committed(tx: u32, key: char, ts: Hlc) -> Note {
    Note::Committed {
        tx: TxId(tx),
        key,
        ts,
    }
}

fn done(tx: u32) -> Note {
    Note::TxDone {
        tx: TxId(tx),
        stored: Vec::new(),
    }
}

/// Feeds `steps` one per step, with the wall clocks `clocks` read at each step's time
/// (its index, in milliseconds); returns every breach.
fn run_with_clocks(steps: Vec<Step>, clocks: &[WallClock]) -> Vec<Breach> {
    let names: Vec<String> = ["co", "s1", "s2", "s3"].map(String::from).to_vec();
    let mut checker = HybridChecker::new(&names);
    let mut out = Vec::new();
    for (i, step) in steps.into_iter().enumerate() {
        let event = TraceEvent {
            time: SimTime::from_millis(i as u64),
            node: Some(NodeId(step.node)),
            kind: step.kind,
        };
        checker.observe(i, &event, step.msg.as_ref());
        let world = World {
            now: event.time,
            status: &[NodeStatus::Up; 4],
            clocks,
        };
        checker.check(&[], &world, &mut out);
    }
    out
}

/// Like [`run_with_clocks`] with four unskewed wall clocks, leaving out the wall-clock
/// property (the stamps these tests use are behind the clocks), which has its own test.
fn run(steps: Vec<Step>) -> Vec<Breach> {
    let clocks = [WallClock::new(0, 0); 4];
    let mut out = run_with_clocks(steps, &clocks);
    out.retain(|b| b.property != CLOSE_TO_WALL);
    out
}

fn of(breaches: &[Breach], property: usize) -> Vec<&Breach> {
    breaches.iter().filter(|b| b.property == property).collect()
}

#[test]
fn a_transaction_committed_at_two_timestamps_is_caught() {
    let breaches = run(vec![
        note(S1, provisional(1, 'x', at(-10, 0))),
        note(S2, provisional(1, 'y', at(-10, 1))),
        note(S1, committed(1, 'x', at(-5, 0))),
        note(S2, committed(1, 'y', at(-4, 0))),
    ]);
    let same = of(&breaches, SAME_TIMESTAMP);
    assert_eq!(same.len(), 1, "{breaches:?}");
    assert_eq!(same[0].event, Some(3));
    assert!(
        same[0].detail.contains("on s1 but at"),
        "{}",
        same[0].detail
    );
    let partial = of(&breaches, ALL_OR_NONE);
    assert_eq!(partial[0].event, Some(3));
    assert!(partial[0]
        .detail
        .contains("sees x=1 on s1 but not y=1 on s2 of T1"));
}

#[test]
fn a_pending_write_stamped_after_the_commit_lets_a_read_see_part_of_it() {
    // One commit timestamp, but s3's pending write is stamped later than it, so a read
    // as of the commit timestamp does not wait at s3 and misses z.
    let breaches = run(vec![
        note(S1, provisional(1, 'x', at(-10, 0))),
        note(S3, provisional(1, 'z', at(-2, 0))),
        note(S1, committed(1, 'x', at(-5, 0))),
    ]);
    assert!(of(&breaches, SAME_TIMESTAMP).is_empty());
    let partial = of(&breaches, ALL_OR_NONE);
    assert_eq!(partial.len(), 1, "{breaches:?}");
    assert_eq!(partial[0].event, Some(2));
    assert!(partial[0].detail.contains("not z=1 on s3"));
}

#[test]
fn a_pending_write_stamped_before_the_commit_makes_the_read_wait() {
    let breaches = run(vec![
        note(S1, provisional(1, 'x', at(-10, 0))),
        note(S3, provisional(1, 'z', at(-8, 0))),
        note(S1, committed(1, 'x', at(-5, 0))),
        note(S3, committed(1, 'z', at(-5, 0))),
    ]);
    assert!(breaches.is_empty(), "{breaches:?}");
}

#[test]
fn a_node_stamping_backwards_is_caught() {
    let breaches = run(vec![
        send(0, CO, S1, write(1, at(-100, 0))),
        send(1, CO, S2, write(2, at(-100, 0))),
        send(2, CO, S3, write(3, at(-200, 0))),
    ]);
    let backwards = of(&breaches, NEVER_BACKWARDS);
    assert_eq!(backwards.len(), 1, "equal stamps are not backwards");
    assert_eq!(backwards[0].event, Some(2));
    assert!(backwards[0].detail.starts_with("co sent a message stamped"));
    let unordered: Vec<_> = of(&breaches, HB_IMPLIES_HLC)
        .iter()
        .map(|b| b.event)
        .collect();
    assert_eq!(
        unordered,
        vec![Some(1), Some(2)],
        "equal stamps are not ordered"
    );
}

#[test]
fn a_receive_stamped_before_its_message_is_caught() {
    let breaches = run(vec![
        send(0, CO, S1, write(1, at(-100, 0))),
        deliver(0, CO, S1),
        note(S1, Note::Clock { hlc: at(-150, 0) }),
    ]);
    let unordered = of(&breaches, HB_IMPLIES_HLC);
    assert_eq!(unordered.len(), 1, "{breaches:?}");
    assert_eq!(unordered[0].event, Some(2));
    assert!(unordered[0].detail.contains("s1 received #0 stamped"));
    assert!(of(&breaches, NEVER_BACKWARDS).is_empty());
}

#[test]
fn a_receive_stamped_past_its_message_is_in_order() {
    let breaches = run(vec![
        send(0, CO, S1, write(1, at(-100, 0))),
        deliver(0, CO, S1),
        note(S1, Note::Clock { hlc: at(-100, 1) }),
    ]);
    assert!(breaches.is_empty(), "{breaches:?}");
}

#[test]
fn timestamps_that_do_not_tell_the_time_are_caught() {
    // Wall clocks read 0, 1 000 and 2 000 µs at the first step, then a millisecond more
    // each step; the slowest reads `step` ms, the fastest `step` ms + 2 ms.
    let clocks = [
        WallClock::new(0, 0),
        WallClock::new(1_000, 0),
        WallClock::new(2_000, 0),
        WallClock::new(1_000, 0),
    ];
    let breaches = run_with_clocks(
        vec![
            send(0, CO, S1, write(1, at(1_500, 0))),
            send(1, CO, S1, write(1, at(9_000, 0))),
            send(2, S1, CO, write(1, Hlc::counter(3))),
            send(3, S2, CO, write(1, at(-5_000, 0))),
        ],
        &clocks,
    );
    let off: Vec<_> = of(&breaches, CLOSE_TO_WALL)
        .iter()
        .map(|b| (b.event, b.detail.clone()))
        .collect();
    assert_eq!(off.len(), 3, "{off:?}");
    assert_eq!(off[0].0, Some(1));
    assert!(off[0].1.contains("ahead of every wall clock"));
    assert_eq!(off[1].0, Some(2));
    assert!(off[1].1.contains("tells no time of day"));
    assert_eq!(off[2].0, Some(3));
    assert!(off[2].1.contains("behind every wall clock"));
}

#[test]
fn an_acknowledged_write_hidden_by_an_earlier_one_is_a_lost_update() {
    let breaches = run(vec![
        send(0, CO, S1, write(1, at(-300, 0))),
        note(S1, provisional(1, 'k', at(-290, 0))),
        note(S1, committed(1, 'k', at(-100, 0))),
        note(CO, done(1)),
        note(
            S2,
            Note::Replicated {
                version: Version {
                    tx: TxId(1),
                    key: 'k',
                    value: 1,
                    ts: at(-100, 0),
                    committed: true,
                },
            },
        ),
        send(1, CO, S2, write(2, at(-90, 0))),
        note(S2, provisional(2, 'k', at(-200, 0))),
        note(S2, committed(2, 'k', at(-150, 0))),
        note(CO, done(2)),
    ]);
    let lost = of(&breaches, NO_LOST_UPDATE);
    assert_eq!(lost.len(), 1, "{breaches:?}");
    assert_eq!(lost[0].event, Some(8));
    assert!(lost[0].detail.contains("k=2 of T2"));
}

#[test]
fn concurrent_writes_may_land_in_either_order() {
    // T1 is not acknowledged before T2 begins (a coordinator crash), so neither
    // happened before the other and either may win.
    let breaches = run(vec![
        send(0, CO, S1, write(1, at(-300, 0))),
        note(S1, provisional(1, 'k', at(-290, 0))),
        send(1, CO, S1, write(2, at(-280, 0))),
        note(S1, committed(1, 'k', at(-100, 0))),
        note(CO, done(1)),
        note(S1, provisional(2, 'k', at(-200, 0))),
        note(S1, committed(2, 'k', at(-150, 0))),
        note(CO, done(2)),
    ]);
    assert!(of(&breaches, NO_LOST_UPDATE).is_empty(), "{breaches:?}");
}
