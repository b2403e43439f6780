//! The checker's unit tests: hand-built deliveries that break each contrast, and ones
//! that hold.

use super::*;
use crate::sim::checker::breaches_after_step;
use crate::sim::time::SimTime;
use crate::sim::trace::MsgId;

const S1: NodeId = NodeId(0);
const S2: NodeId = NodeId(1);
const S3: NodeId = NodeId(2);
const HUB: NodeId = NodeId(3);

fn checker(systems: usize) -> HubChecker {
    let names: Vec<String> = ["s1", "s2", "s3", "hub"].map(String::from).to_vec();
    HubChecker::new(&names, systems)
}

/// `to` receives data from `from`, written by `writer` in `format`.
fn deliver(
    c: &mut HubChecker,
    index: usize,
    from: NodeId,
    to: NodeId,
    writer: NodeId,
    format: u32,
) {
    let event = TraceEvent {
        time: SimTime(index as u64),
        node: Some(to),
        kind: EventKind::Deliver {
            msg: MsgId(index as u32),
            from,
        },
    };
    let record = MessageRecord {
        from,
        to,
        sent_at: SimTime(0),
        copy_of: None,
        cause: None,
        payload: Msg::Data { to, writer, format },
    };
    c.observe(index, &event, Some(&record));
}

fn only(found: &[Breach], property: usize) -> &Breach {
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].property, property, "{found:?}");
    &found[0]
}

#[test]
fn direct_links_outgrow_the_systems_and_a_new_format_changes_every_reader() {
    let mut c = checker(3);
    deliver(&mut c, 0, S1, S2, S1, 1);
    deliver(&mut c, 1, S2, S3, S2, 1);
    deliver(&mut c, 2, S3, S1, S3, 1);
    deliver(&mut c, 2, S1, S3, S1, 1);
    assert!(
        breaches_after_step(&mut c, 4).is_empty(),
        "3 links for 3 systems"
    );
    // s1 writes v2: s2 changes its adapter (one change holds), then s3 (two).
    deliver(&mut c, 3, S1, S2, S1, 2);
    deliver(&mut c, 4, S1, S2, S1, 2);
    assert!(breaches_after_step(&mut c, 4).is_empty());
    deliver(&mut c, 5, S1, S3, S1, 2);
    let found = breaches_after_step(&mut c, 4);
    let breach = only(&found, ONE_CHANGE);
    assert_eq!(breach.event, Some(5));
    assert!(breach.detail.contains("2 readers"), "{}", breach.detail);
    // With only two systems counted, the third link is one too many.
    let mut c = checker(2);
    deliver(&mut c, 0, S1, S2, S1, 1);
    deliver(&mut c, 1, S2, S1, S2, 1);
    deliver(&mut c, 2, S2, S3, S2, 1);
    assert!(breaches_after_step(&mut c, 4).is_empty(), "2 links");
    deliver(&mut c, 3, S3, S1, S3, 1);
    let found = breaches_after_step(&mut c, 4);
    assert!(only(&found, LINEAR)
        .detail
        .contains("3 links in use; 2 systems need 2"));
}

#[test]
fn through_a_hub_one_link_per_system_and_one_adapter_per_change() {
    let mut c = checker(3);
    for (i, s) in [S1, S2, S3].into_iter().enumerate() {
        deliver(&mut c, 2 * i, s, HUB, s, 1);
        deliver(&mut c, 2 * i + 1, HUB, s, HUB, CANONICAL);
    }
    deliver(&mut c, 6, S1, HUB, S1, 2);
    deliver(&mut c, 7, HUB, S2, HUB, CANONICAL);
    deliver(&mut c, 8, HUB, S3, HUB, CANONICAL);
    assert!(breaches_after_step(&mut c, 4).is_empty());
    let facts = c.facts(&[]);
    assert_eq!(facts[0].1, "3", "{facts:?}");
    assert_eq!(facts[2].1, "6", "three at the hub, one per system");
    assert_eq!(facts[3].1, "1", "{facts:?}");
}
