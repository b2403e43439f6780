//! The checker's unit tests: hand-built traces that break each property.

use super::*;
use crate::patterns::findings::breaches_with;
use crate::sim::trace::{Fate, MsgId};

const C1: NodeId = NodeId(0);
const REGISTRY: NodeId = NodeId(1);
/// i1, the first instance.
const I1: NodeId = NodeId(2);
const BOUND_US: u64 = 100_000;

fn checker() -> DiscoveryChecker {
    let names: Vec<String> = ["c1", "registry", "i1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    DiscoveryChecker::new(&names, I1.0, BOUND_US)
}

fn record(from: NodeId, to: NodeId, at_us: u64, payload: Msg) -> MessageRecord<Msg> {
    MessageRecord {
        from,
        to,
        sent_at: SimTime(at_us),
        copy_of: None,
        cause: None,
        payload,
    }
}

/// c1 sends a request to i1 at `at_us`, as trace event `index`.
fn send_work(c: &mut DiscoveryChecker, index: usize, at_us: u64) {
    let event = TraceEvent {
        time: SimTime(at_us),
        node: Some(C1),
        kind: EventKind::Send {
            msg: MsgId(index as u32),
            to: I1,
            fate: Fate::Arrives(SimTime(at_us + 1_000)),
        },
    };
    c.observe(
        index,
        &event,
        Some(&record(C1, I1, at_us, Msg::Work { client: 0, id: 7 })),
    );
}

/// A renewal for i1 from `from` (i1's heartbeat, or a registrar's) reaches the registry
/// at `at_us`.
fn renewal_in(c: &mut DiscoveryChecker, index: usize, at_us: u64, from: NodeId, payload: Msg) {
    let event = TraceEvent {
        time: SimTime(at_us),
        node: Some(REGISTRY),
        kind: EventKind::Deliver {
            msg: MsgId(index as u32),
            from,
        },
    };
    c.observe(
        index,
        &event,
        Some(&record(from, REGISTRY, at_us - 1_000, payload)),
    );
}

fn after_step(c: &mut DiscoveryChecker, at_us: u64, i1: NodeStatus) -> Vec<Breach> {
    breaches_with(c, at_us, &[NodeStatus::Up, NodeStatus::Up, i1])
}

#[test]
fn sending_to_an_instance_dead_past_the_bound_breaks_the_guarantee() {
    let mut c = checker();
    assert!(after_step(&mut c, 0, NodeStatus::Up).is_empty());
    assert!(after_step(&mut c, 10_000, NodeStatus::Crashed).is_empty());
    // Within the bound: the registry and the caches cannot know yet. Each request to
    // the dead instance is counted.
    send_work(&mut c, 5, 110_000);
    assert!(after_step(&mut c, 110_000, NodeStatus::Crashed).is_empty());
    let mut measured = Vec::new();
    c.measure(&mut measured);
    assert_eq!(measured.len(), 1);
    assert_eq!((measured[0].metric, measured[0].node), (TO_DEAD, Some(I1)));
    send_work(&mut c, 6, 110_001);
    let found = after_step(&mut c, 110_001, NodeStatus::Crashed);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].property, found[0].event), (NO_DEAD, Some(6)));
    assert!(found[0].detail.contains("to i1"), "{}", found[0].detail);
    // Back up: sending to it is fine, and not counted.
    assert!(after_step(&mut c, 200_000, NodeStatus::Up).is_empty());
    send_work(&mut c, 7, 900_000);
    assert!(after_step(&mut c, 900_000, NodeStatus::Up).is_empty());
    measured.clear();
    c.measure(&mut measured);
    assert_eq!(measured.len(), 1, "the request at 110.001 ms only");
}

#[test]
fn a_renewal_that_arrives_after_the_crash_restarts_the_count() {
    // A registrar's node (not in the names: the checker only needs its id).
    let registrar = NodeId(9);
    for (from, payload) in [
        (I1, Msg::Heartbeat),
        (registrar, Msg::Renew { instance: 0 }),
    ] {
        let mut c = checker();
        assert!(after_step(&mut c, 10_000, NodeStatus::Crashed).is_empty());
        // A renewal sent before the crash, delayed in the network: the registry renews
        // the lease of a dead instance, and cannot know better.
        renewal_in(&mut c, 3, 60_000, from, payload);
        send_work(&mut c, 5, 160_000);
        assert!(after_step(&mut c, 160_000, NodeStatus::Crashed).is_empty());
        send_work(&mut c, 6, 160_001);
        let found = after_step(&mut c, 160_001, NodeStatus::Crashed);
        assert_eq!((found[0].property, found[0].event), (NO_DEAD, Some(6)));
    }
}

#[test]
fn evicting_an_instance_that_is_up_breaks_the_contrast() {
    let mut c = checker();
    let evicted = |c: &mut DiscoveryChecker, index: usize, at_us: u64| {
        let event = TraceEvent {
            time: SimTime(at_us),
            node: Some(REGISTRY),
            kind: EventKind::Note(Note::Evicted {
                instance: 0,
                silent_ms: 95,
            }),
        };
        c.observe(index, &event, None);
    };
    // A dead instance evicted: as it should be.
    assert!(after_step(&mut c, 1_000, NodeStatus::Crashed).is_empty());
    evicted(&mut c, 4, 100_000);
    assert!(after_step(&mut c, 100_000, NodeStatus::Crashed).is_empty());
    // Up again, and evicted (its heartbeats cannot reach the registry).
    assert!(after_step(&mut c, 150_000, NodeStatus::Up).is_empty());
    evicted(&mut c, 9, 300_000);
    let found = after_step(&mut c, 300_000, NodeStatus::Up);
    assert_eq!((found[0].property, found[0].event), (LIVE_EVICTED, Some(9)));
    assert_eq!(found[0].detail, "registry evicted i1, which is up");
}
