//! Checks discovery from the trace: which instance each request was sent to, since when
//! that instance had been down (every node's status after each step), when its last
//! heartbeat reached the registry, and which instances the registry evicted while up.

use super::msg::{Msg, Note};
use super::node::DiscoveryNode;
use super::TO_DEAD;
use crate::patterns::downtime::Downtime;
use crate::patterns::findings::Findings;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "dead-skipped-in-time",
        sentence: "No request is sent to an instance that has been down for longer than \
                   the detection bound: its lease, one eviction round and two client \
                   refreshes, an eighth more for clocks that drift and 50 ms to spare \
                   (leases are timed on monotonic clocks: a clock step does not move them), counted from when it went down or, if later, from when its last \
                   heartbeat reached the registry.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "no-live-evicted",
        sentence: "No instance that is up is evicted from the registry.",
        kind: PropertyKind::Contrast,
    },
];

const NO_DEAD: usize = 0;
const LIVE_EVICTED: usize = 1;

/// Discovery's checker.
#[derive(Clone, Debug)]
pub struct DiscoveryChecker {
    findings: Findings,
    /// The first instance's node id.
    first: u32,
    bound_us: u64,
    down: Downtime,
    /// For each node, when its latest heartbeat reached the registry.
    last_beat: Vec<SimTime>,
    /// Evictions in the latest step: the event, the registry server and the instance's
    /// node.
    evicted: Vec<(usize, Option<NodeId>, NodeId)>,
    measures: Vec<Measure>,
}

impl DiscoveryChecker {
    /// A checker for nodes named `names`, instances from node id `first` on, with the
    /// detection bound `bound_us`.
    pub fn new(names: &[String], first: u32, bound_us: u64) -> DiscoveryChecker {
        DiscoveryChecker {
            findings: Findings::new(names),
            first,
            bound_us,
            down: Downtime::new(names.len()),
            last_beat: vec![SimTime::ZERO; names.len()],
            evicted: Vec::new(),
            measures: Vec::new(),
        }
    }
}

impl Checker<DiscoveryNode> for DiscoveryChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<DiscoveryNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        match (&event.kind, msg) {
            (EventKind::Send { to, .. }, Some(record)) => {
                let Msg::Work { client, id } = record.payload else {
                    return;
                };
                let Some(since) = self.down.since(*to) else {
                    return;
                };
                self.measures.push(Measure {
                    metric: TO_DEAD,
                    node: Some(*to),
                    value: 1,
                });
                let from = since.max(self.last_beat[to.index()]);
                let dead_for = event.time.as_micros() - from.as_micros();
                if dead_for > self.bound_us {
                    let sender = event.node.unwrap_or(record.from);
                    let (to, bound, beat) = (*to, self.bound_us, self.last_beat[to.index()]);
                    self.findings.breach(NO_DEAD, index, |c| {
                        format!(
                            "{} sent request c{}/r{id} to {}, down since {since}, last \
                             heartbeat in at {} ({} > the bound {})",
                            c.name(sender),
                            client + 1,
                            c.name(to),
                            beat,
                            SimTime(dead_for),
                            SimTime(bound),
                        )
                    });
                }
            }
            (EventKind::Deliver { from, .. }, Some(record)) => {
                // A renewal: the instance's own heartbeat, or a registrar's for it.
                let instance = match record.payload {
                    Msg::Heartbeat => *from,
                    Msg::Renew { instance } => NodeId(self.first + instance),
                    _ => return,
                };
                self.last_beat[instance.index()] = event.time;
            }
            (EventKind::Note(Note::Evicted { instance, .. }), _) => {
                self.evicted
                    .push((index, event.node, NodeId(self.first + instance)));
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[DiscoveryNode], world: &World<'_>, out: &mut Vec<Breach>) {
        self.down.update(world);
        for (index, server, node) in std::mem::take(&mut self.evicted) {
            if world.status.get(node.index()) == Some(&NodeStatus::Up) {
                self.findings.breach(LIVE_EVICTED, index, |c| {
                    let server = server.map_or("?", |s| c.name(s));
                    format!("{server} evicted {}, which is up", c.name(node))
                });
            }
        }
        self.findings.drain(out);
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measures);
    }
}

#[cfg(test)]
mod tests;
