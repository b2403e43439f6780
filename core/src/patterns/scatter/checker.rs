//! Checks scatter/gather from the trace: which parts really reached the root for each
//! search (whatever the root counts), what it answered, and how long each client waited.

use std::collections::{BTreeMap, BTreeSet};

use super::msg::Msg;
use super::node::ScatterNode;
use super::{HEDGED, LEAF_CALLS, SEARCHES, SLOW, SLOW_US};
use crate::patterns::findings::{run_wide, Findings};
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::NodeId;
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "complete-answers",
        sentence: "Every answer the root gives holds a part from every shard: for each \
                   search it answers, a part from each shard had reached it.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "fast-answers",
        sentence: "Every search is answered within 10 ms of being sent.",
        kind: PropertyKind::Contrast,
    },
];

const COMPLETE: usize = 0;
const FAST: usize = 1;

/// The scatter/gather checker.
#[derive(Clone, Debug)]
pub struct ScatterChecker {
    root: NodeId,
    /// Per search the root is gathering: the shards whose part reached it.
    parts: BTreeMap<u64, BTreeSet<u32>>,
    /// Per search a client is waiting for: when it sent it.
    sent: BTreeMap<(NodeId, u64), SimTime>,
    findings: Findings,
    measures: Vec<Measure>,
}

impl ScatterChecker {
    /// A checker for nodes named `names`, with `root` the root.
    pub fn new(names: &[String], root: NodeId) -> ScatterChecker {
        ScatterChecker {
            root,
            parts: BTreeMap::new(),
            sent: BTreeMap::new(),
            findings: Findings::new(names),
            measures: Vec::new(),
        }
    }

    fn count(&mut self, metric: usize) {
        self.measures.push(run_wide(metric, 1));
    }

    fn on_send(&mut self, index: usize, at: SimTime, from: NodeId, msg: &Msg) {
        match *msg {
            Msg::Search { req } => {
                self.sent.insert((from, req), at);
                self.count(SEARCHES);
            }
            Msg::Query { hedge, .. } => {
                self.count(LEAF_CALLS);
                if hedge {
                    self.count(HEDGED);
                }
            }
            Msg::Answer { req, .. } if from == self.root => {
                let got = self.parts.remove(&req).map_or(0, |p| p.len());
                if let Msg::Answer { of, .. } = *msg {
                    if got < of as usize {
                        self.findings.breach(COMPLETE, index, |f| {
                            format!(
                                "{} answered q{req} when parts from only {got} of its {of} \
                                 shards had reached it",
                                f.name(from)
                            )
                        });
                    }
                }
            }
            Msg::Answer { .. } | Msg::Part { .. } => {}
        }
    }

    fn on_deliver(&mut self, index: usize, at: SimTime, to: NodeId, msg: &Msg) {
        match *msg {
            Msg::Search { req } if to == self.root => {
                self.parts.entry(req).or_default();
            }
            Msg::Part { req, shard } if to == self.root => {
                // Parts of a search the root no longer gathers do not count.
                if let Some(parts) = self.parts.get_mut(&req) {
                    parts.insert(shard);
                }
            }
            Msg::Answer { req, .. } => {
                let Some(sent) = self.sent.remove(&(to, req)) else {
                    return;
                };
                let waited = at.as_micros().saturating_sub(sent.as_micros());
                if waited > SLOW_US {
                    self.count(SLOW);
                    self.findings.breach(FAST, index, |f| {
                        format!(
                            "{} waited {} ms for the answer to q{req}",
                            f.name(to),
                            waited / 1_000
                        )
                    });
                }
            }
            _ => {}
        }
    }
}

impl Checker<ScatterNode> for ScatterChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<ScatterNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node else {
            return;
        };
        match (&event.kind, msg) {
            (EventKind::Send { .. }, Some(record)) if record.copy_of.is_none() => {
                self.on_send(index, event.time, node, &record.payload);
            }
            (EventKind::Deliver { .. }, Some(record)) => {
                self.on_deliver(index, event.time, node, &record.payload);
            }
            // A root that restarts has forgotten what it was gathering.
            (EventKind::Start, _) if node == self.root => self.parts.clear(),
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[ScatterNode], _world: &World<'_>, out: &mut Vec<Breach>) {
        self.findings.drain(out);
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measures);
    }
}

#[cfg(test)]
mod tests;
