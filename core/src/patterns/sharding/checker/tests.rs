//! The checker's unit tests: hand-built traces that break each property, and ones that
//! look alike but hold.

use super::*;
use crate::patterns::sharding::msg::Req;
use crate::patterns::trace_builder::TraceBuilder;
use crate::sim::checker::breaches_after_step;
use crate::sim::trace::MsgId;

const C1: NodeId = NodeId(0);
const R1: NodeId = NodeId(1);
const S1: NodeId = NodeId(2);
const S2: NodeId = NodeId(3);
const S3: NodeId = NodeId(4);

/// The sharding checker over c1, r1 and s1–s3 (s1 and s2 in the run), with a few
/// steps of the pattern.
struct Trace(TraceBuilder<ShardNode, ShardChecker>);

impl std::ops::Deref for Trace {
    type Target = TraceBuilder<ShardNode, ShardChecker>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Trace {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Trace {
    fn new() -> Trace {
        let names: Vec<String> = ["c1", "r1", "s1", "s2", "s3"].map(String::from).to_vec();
        let mut t = Trace(TraceBuilder::new(ShardChecker::new(&names, 1, 2, true)));
        for node in [S1, S2] {
            t.event(node, EventKind::Start, None);
        }
        t
    }

    /// The router sends `key` to `shard`, which answers with `val` (a write if `write`).
    fn request(&mut self, key: u64, shard: NodeId, val: u64, write: bool) {
        let req = Req {
            id: key,
            client: C1,
            key,
            write: write.then_some(val),
        };
        self.send(R1, shard, Msg::Req(req));
        let id = req.id;
        self.send(
            shard,
            C1,
            Msg::Reply {
                id,
                key,
                val,
                write,
            },
        );
    }

    fn change(&mut self) {
        let action = Action::Command {
            node: R1,
            verb: "add-shard".into(),
            arg: 1,
        };
        self.event(R1, EventKind::Action(Box::new(action)), None);
    }

    fn breaches(&mut self) -> Vec<&'static str> {
        breaches_after_step(&mut self.0.checker, 5)
            .into_iter()
            .map(|b| PROPERTIES[b.property].id)
            .collect()
    }
}

#[test]
fn a_read_that_misses_an_acknowledged_write_breaks_readability() {
    let mut t = Trace::new();
    t.request(7, S1, 11, true);
    t.request(7, S1, 11, false);
    assert!(t.breaches().is_empty());
    t.request(7, S2, 0, false);
    assert_eq!(t.breaches(), ["acked-writes-readable"]);
}

#[test]
fn reads_while_a_range_moves_are_not_judged_but_after_the_finish_they_are() {
    let mut t = Trace::new();
    t.request(7, S1, 11, true);
    t.send(
        R1,
        S1,
        Msg::Split {
            lo: 5,
            hi: 10,
            to: 2,
        },
    );
    t.request(7, S3, 0, false);
    assert!(t.breaches().is_empty());
    t.deliver(R1, S1, Msg::Finish);
    t.request(7, S3, 0, false);
    assert_eq!(t.breaches(), ["acked-writes-readable"]);
}

#[test]
fn a_shard_taking_writes_again_after_another_did_breaks_one_writer() {
    let mut t = Trace::new();
    t.request(7, S1, 1, true);
    t.request(7, S2, 2, true);
    t.request(8, S1, 3, true);
    assert!(t.breaches().is_empty(), "a move from s1 to s2 is fine");
    t.request(7, S1, 4, true);
    assert_eq!(t.breaches(), ["one-writer"]);
}

/// c1's read of key 7.
fn read_of_7() -> Req {
    Req {
        id: 1,
        client: C1,
        key: 7,
        write: None,
    }
}

#[test]
fn a_shard_answering_not_mine_breaks_owner_or_redirect_and_moved_does_not() {
    let mut t = Trace::new();
    let req = read_of_7();
    t.send(
        S1,
        R1,
        Msg::Moved {
            req,
            lo: 5,
            hi: 10,
            to: 1,
        },
    );
    assert!(t.breaches().is_empty());
    t.send(S1, R1, Msg::NotMine { req });
    assert_eq!(t.breaches(), ["owner-or-redirect"]);
}

#[test]
fn a_client_routing_by_its_own_table_is_judged_like_a_router() {
    let mut t = Trace::new();
    let req = read_of_7();
    // c1 sends straight to s2: counted as routed there, as a router's request is.
    t.send(C1, S2, Msg::Req(req));
    assert_eq!(t.checker.tally[1].requests[1], 1);
    // s2 no longer holds key 7 and answers MOVED: fine; "not here": a breach.
    let moved = Msg::Moved {
        req,
        lo: 5,
        hi: 10,
        to: 0,
    };
    t.send(S2, C1, moved);
    assert!(t.breaches().is_empty());
    t.send(C1, S1, Msg::Req(req));
    t.send(S2, C1, Msg::NotMine { req });
    assert_eq!(t.breaches(), ["owner-or-redirect"]);
    // A client's request to its router is not routing.
    t.send(C1, R1, Msg::Req(req));
    assert_eq!(t.checker.tally[0].requests[1], 1);
}

#[test]
fn moving_most_keys_at_a_change_breaks_few_keys_move() {
    let keys = JUDGE_AFTER;
    let mut t = Trace::new();
    for k in 0..keys {
        t.request(k, if k % 2 == 0 { S1 } else { S2 }, 0, false);
    }
    t.change();
    t.event(S3, EventKind::Start, None);
    // One key in three moves to s3: within twice a third.
    for k in 0..keys {
        let to = [S1, S2, S3][(k % 3) as usize];
        let stays = if k % 2 == 0 { S1 } else { S2 };
        t.request(k, if k % 3 == 2 { to } else { stays }, 0, false);
    }
    assert!(t.breaches().is_empty());
    t.change();
    // Now every key changes shard.
    for k in 0..keys {
        let was = if k % 3 == 2 {
            S3
        } else if k % 2 == 0 {
            S1
        } else {
            S2
        };
        t.request(k, if was == S1 { S2 } else { S1 }, 0, false);
    }
    assert_eq!(t.breaches(), ["few-keys-move"]);
    let facts = t.checker.facts(&[]);
    assert!(
        facts[1].1.starts_with(&format!("{keys} of {keys} keys")),
        "{facts:?}"
    );
}

#[test]
fn a_drop_at_a_full_queue_breaks_no_drops_and_is_counted() {
    let mut t = Trace::new();
    let kind = EventKind::Dropped {
        msg: MsgId(0),
        reason: DropReason::QueueFull,
    };
    t.event(S2, kind, None);
    assert_eq!(t.breaches(), ["no-drops"]);
    let table = &t.checker.tables(&[])[0];
    assert_eq!(table.rows[1].cells[5], "1");
}

#[test]
fn the_spread_is_over_the_shards_in_the_run() {
    let mut t = Trace::new();
    for k in 0..30 {
        t.request(k, S1, 0, false);
    }
    // s2 is in the run and idle: the spread is 100 %, not 0 %.
    assert_eq!(t.checker.spread(1).map(|s| s.round()), Some(100.0));
}
