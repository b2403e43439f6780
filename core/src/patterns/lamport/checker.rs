//! Checks that Lamport timestamps respect happened-before, computed independently.
//!
//! Happened-before comes from the trace itself, not from the pattern's timestamps: the
//! checker keeps a vector clock per node, ticks it on every send, delivery and stored
//! event, and stamps each message with its sender's vector. Stored event `a` happened
//! before stored event `b` exactly when `b`'s vector has seen `a`'s own entry. For each
//! such pair it checks the Lamport timestamps (a guarantee) and the servers' wall-clock
//! times (a contrast: skewed clocks break it, which is why the pattern exists).

use std::collections::BTreeMap;

use super::node::{EventName, LamportNode, Note};
use crate::sim::checker::{Breach, Checker, Property, PropertyKind};
use crate::sim::clock::WallTime;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::trace::{EventKind, Fate, MsgId, TraceEvent};

/// The properties of the Lamport clock, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "hb-implies-ts",
        sentence: "If stored event a happened before stored event b, then a's Lamport \
                   timestamp is smaller than b's.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "hb-implies-wall",
        sentence: "If stored event a happened before stored event b, then a's wall-clock \
                   time is earlier than b's (what replaying by wall clock would need).",
        kind: PropertyKind::Contrast,
    },
];

const TS_RESPECTS_CAUSALITY: usize = 0;
const WALL_RESPECTS_CAUSALITY: usize = 1;

#[derive(Clone, Debug)]
struct Stored {
    event: EventName,
    server: NodeId,
    ts: u64,
    wall: WallTime,
    vector: Vec<u32>,
    index: usize,
}

/// Vector clocks over the trace, and every stored event with its vector.
#[derive(Clone, Debug)]
pub struct LamportChecker {
    vectors: Vec<Vec<u32>>,
    in_flight: BTreeMap<MsgId, Vec<u32>>,
    stored: Vec<Stored>,
    unchecked: usize,
    server_names: Vec<String>,
}

impl LamportChecker {
    /// A checker for `names.len()` nodes, naming them with `names` in its facts.
    pub fn new(names: &[String]) -> LamportChecker {
        LamportChecker {
            vectors: vec![vec![0; names.len()]; names.len()],
            in_flight: BTreeMap::new(),
            stored: Vec::new(),
            unchecked: 0,
            server_names: names.to_vec(),
        }
    }

    fn tick(&mut self, node: NodeId) -> &mut Vec<u32> {
        let vector = &mut self.vectors[node.index()];
        vector[node.index()] += 1;
        vector
    }

    fn happened_before(a: &Stored, b: &Stored) -> bool {
        a.vector[a.server.index()] <= b.vector[a.server.index()]
    }

    fn label(&self, s: &Stored) -> String {
        let server = self
            .server_names
            .get(s.server.index())
            .map_or("?", |n| n.as_str());
        format!("{}@{}/{server}", s.event, s.ts)
    }

    fn concurrent_pairs(&self) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for (j, b) in self.stored.iter().enumerate() {
            for (i, a) in self.stored[..j].iter().enumerate() {
                if !Self::happened_before(a, b) && a.event != b.event {
                    pairs.push((i, j));
                }
            }
        }
        pairs
    }
}

impl Checker<LamportNode> for LamportChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(&mut self, index: usize, event: &TraceEvent<LamportNode>) {
        let Some(node) = event.node else { return };
        if node.index() >= self.vectors.len() {
            return;
        }
        match &event.kind {
            EventKind::Send { msg, fate, .. } => {
                let vector = self.tick(node).clone();
                if matches!(fate, Fate::Arrives(_)) {
                    self.in_flight.insert(*msg, vector);
                }
            }
            EventKind::Deliver { msg, .. } => {
                if let Some(sent) = self.in_flight.remove(msg) {
                    let own = &mut self.vectors[node.index()];
                    for (mine, theirs) in own.iter_mut().zip(sent) {
                        *mine = (*mine).max(theirs);
                    }
                }
                self.tick(node);
            }
            EventKind::Dropped { msg, .. } => {
                self.in_flight.remove(msg);
            }
            EventKind::Note(Note::Stored { event, ts, wall }) => {
                let vector = self.tick(node).clone();
                self.stored.push(Stored {
                    event: *event,
                    server: node,
                    ts: *ts,
                    wall: *wall,
                    vector,
                    index,
                });
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[LamportNode], _status: &[NodeStatus], out: &mut Vec<Breach>) {
        for j in self.unchecked..self.stored.len() {
            let b = &self.stored[j];
            for a in &self.stored[..j] {
                if !Self::happened_before(a, b) {
                    continue;
                }
                if a.ts >= b.ts {
                    out.push(Breach {
                        property: TS_RESPECTS_CAUSALITY,
                        event: Some(b.index),
                        detail: format!(
                            "{} happened before {}, but its timestamp is not smaller",
                            self.label(a),
                            self.label(b)
                        ),
                    });
                }
                if a.wall >= b.wall {
                    out.push(Breach {
                        property: WALL_RESPECTS_CAUSALITY,
                        event: Some(b.index),
                        detail: format!(
                            "{} happened before {}, but the wall clock stamped it later \
                             ({} vs {}): replaying by wall clock puts {} first",
                            a.event, b.event, a.wall, b.wall, b.event
                        ),
                    });
                }
            }
        }
        self.unchecked = self.stored.len();
    }

    fn facts(&self, _nodes: &[LamportNode]) -> Vec<(&'static str, String)> {
        if self.stored.is_empty() {
            return vec![("Stored events", "none yet".to_string())];
        }
        let mut by_ts: Vec<&Stored> = self.stored.iter().collect();
        by_ts.sort_by_key(|s| (s.ts, s.server));
        let mut by_wall: Vec<&Stored> = self.stored.iter().collect();
        by_wall.sort_by_key(|s| (s.wall, s.server));
        let list = |v: &[&Stored]| {
            v.iter()
                .map(|s| s.event.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let pairs = self.concurrent_pairs();
        let concurrent = if pairs.is_empty() {
            "none: every pair of stored events is causally ordered".to_string()
        } else {
            let shown: Vec<String> = pairs
                .iter()
                .take(4)
                .map(|&(i, j)| {
                    format!(
                        "{} ∥ {}",
                        self.label(&self.stored[i]),
                        self.label(&self.stored[j])
                    )
                })
                .collect();
            let more = pairs.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                "{}{tail}: neither happened before the other, so their timestamp order is a \
                 convention (timestamp, then server), not causality",
                shown.join(", ")
            )
        };
        vec![
            ("Replay by Lamport timestamp", list(&by_ts)),
            ("Replay by wall clock", list(&by_wall)),
            ("Concurrent events", concurrent),
        ]
    }
}
