//! The checker's unit tests: hand-built traces that break each property, and ones that
//! look alike but hold.

use super::*;
use crate::sim::checker::breaches_after_step;
use crate::sim::trace::{Fate, MsgId};

const C1: NodeId = NodeId(0);
const ROOT: NodeId = NodeId(1);
const A1: NodeId = NodeId(2);
const A2: NodeId = NodeId(3);

fn checker() -> ScatterChecker {
    let names: Vec<String> = ["c1", "root", "a1", "a2"].map(String::from).to_vec();
    ScatterChecker::new(&names, ROOT)
}

/// A trace builder: every call appends one event.
struct Trace {
    c: ScatterChecker,
    index: usize,
}

impl Trace {
    fn new() -> Trace {
        Trace {
            c: checker(),
            index: 0,
        }
    }

    fn record(&mut self, at_us: u64, node: NodeId, kind: EventKind<ScatterNode>, msg: Msg) {
        let (from, to) = match kind {
            EventKind::Send { to, .. } => (node, to),
            _ => (C1, node),
        };
        let event = TraceEvent {
            time: SimTime(at_us),
            node: Some(node),
            kind,
        };
        let record = MessageRecord {
            from,
            to,
            sent_at: SimTime(at_us),
            copy_of: None,
            cause: None,
            payload: msg,
        };
        self.c.observe(self.index, &event, Some(&record));
        self.index += 1;
    }

    fn send(&mut self, at_us: u64, from: NodeId, to: NodeId, msg: Msg) {
        let kind = EventKind::Send {
            msg: MsgId(self.index as u32),
            to,
            fate: Fate::Arrives(SimTime(at_us + 300)),
        };
        self.record(at_us, from, kind, msg);
    }

    fn deliver(&mut self, at_us: u64, from: NodeId, to: NodeId, msg: Msg) {
        let kind = EventKind::Deliver {
            msg: MsgId(self.index as u32),
            from,
        };
        self.record(at_us, to, kind, msg);
    }

    /// A search for `req` fans out to a1 and a2 and only `answered` parts come back.
    fn search(&mut self, at_us: u64, req: u64, answered: &[(NodeId, u32)]) {
        self.send(at_us, C1, ROOT, Msg::Search { req });
        self.deliver(at_us + 300, C1, ROOT, Msg::Search { req });
        for (shard, to) in [A1, A2].into_iter().enumerate() {
            let shard = shard as u32;
            let hedge = false;
            self.send(at_us + 300, ROOT, to, Msg::Query { req, shard, hedge });
        }
        for &(from, shard) in answered {
            self.deliver(at_us + 2_000, from, ROOT, Msg::Part { req, shard });
        }
    }

    fn answer(&mut self, at_us: u64, req: u64, shards: u32) {
        let answer = Msg::Answer { req, shards, of: 2 };
        self.send(at_us, ROOT, C1, answer.clone());
        self.deliver(at_us + 300, ROOT, C1, answer);
    }

    fn breaches(&mut self) -> Vec<Breach> {
        breaches_after_step(&mut self.c, 4)
    }
}

#[test]
fn an_answer_given_with_a_shard_missing_breaks_completeness_whatever_it_claims() {
    let mut t = Trace::new();
    t.search(0, 1, &[(A1, 0), (A2, 1)]);
    t.answer(3_000, 1, 2);
    assert!(t.breaches().is_empty(), "both parts were in");
    // The second search's part from shard 1 never reaches the root, yet the answer
    // claims both shards: the checker counts what reached the root.
    t.search(10_000, 2, &[(A1, 0), (A1, 0)]);
    t.answer(13_000, 2, 2);
    let found = t.breaches();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].property, COMPLETE);
    assert_eq!(
        found[0].event,
        Some(t.index - 2),
        "the root's send of the answer"
    );
    assert!(
        found[0].detail.contains("only 1 of its 2"),
        "{}",
        found[0].detail
    );
}

#[test]
fn parts_before_a_root_restart_do_not_count() {
    let mut t = Trace::new();
    t.search(0, 1, &[(A1, 0), (A2, 1)]);
    let start = TraceEvent {
        time: SimTime(2_500),
        node: Some(ROOT),
        kind: EventKind::Start,
    };
    t.c.observe(t.index, &start, None);
    t.index += 1;
    t.answer(3_000, 1, 2);
    assert_eq!(t.breaches()[0].property, COMPLETE);
}

#[test]
fn a_search_answered_after_10_ms_breaks_the_contrast_and_counts_as_slow() {
    let mut t = Trace::new();
    t.search(0, 1, &[(A1, 0), (A2, 1)]);
    t.answer(9_000, 1, 2);
    assert!(t.breaches().is_empty(), "9.3 ms is fast enough");
    t.search(20_000, 2, &[(A1, 0), (A2, 1)]);
    t.answer(75_000, 2, 2);
    let found = t.breaches();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].property, FAST);
    assert!(
        found[0].detail.contains("waited 55 ms"),
        "{}",
        found[0].detail
    );
    let mut measures = Vec::new();
    t.c.measure(&mut measures);
    let count = |metric: usize| measures.iter().filter(|m| m.metric == metric).count();
    assert_eq!((count(SEARCHES), count(SLOW), count(LEAF_CALLS)), (2, 1, 4));
}

#[test]
fn hedged_queries_are_counted_from_the_trace() {
    let mut t = Trace::new();
    let query = |hedge| Msg::Query {
        req: 1,
        shard: 0,
        hedge,
    };
    t.send(0, ROOT, A1, query(false));
    t.send(5_000, ROOT, A2, query(true));
    let mut measures = Vec::new();
    t.c.measure(&mut measures);
    let count = |metric: usize| measures.iter().filter(|m| m.metric == metric).count();
    assert_eq!((count(LEAF_CALLS), count(HEDGED)), (2, 1));
}
