//! Checks the hybrid clock's promises after every step.
//!
//! Happened-before is the transitive closure of two kinds of edge in the trace: one event
//! after another on the same node, and a send before its delivery. A strict order holds
//! along every path exactly when it holds along every edge, so the checker verifies each
//! edge as the trace grows: every node's successive clock readings (its sends' stamps and
//! its clock after each receive) strictly increase, and a receive's clock is above the
//! stamp of the message received.
//!
//! Transactions come from one coordinator that starts each only after the previous one
//! ended, so a transaction it saw acknowledged happened before every later one.

use std::collections::BTreeMap;

use super::hlc::Hlc;
use super::node::{HybridNode, Msg, Note, TxId};
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::node::NodeId;
use crate::sim::trace::{EventKind, MessageRecord, MsgId, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "one-timestamp-per-transaction",
        sentence: "Every server stores a committed transaction's writes under the same \
                   timestamp.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "clock-never-backwards",
        sentence: "A node's hybrid clock never goes backwards.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "hb-implies-hlc",
        sentence: "If event a happened before event b, then hlc(a) < hlc(b).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "close-to-wall-clock",
        sentence: "A hybrid clock's wall part is never ahead of the latest wall-clock reading \
                   in the run, so it stays within the largest clock skew of its node's own \
                   wall clock.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "all-or-none",
        sentence: "A read as of any timestamp sees either all or none of a committed \
                   transaction's writes.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "no-lost-update",
        sentence: "An acknowledged write is never hidden by a write to the same key that \
                   happened before it.",
        kind: PropertyKind::Guarantee,
    },
];

const SAME_TIMESTAMP: usize = 0;
const NEVER_BACKWARDS: usize = 1;
const HB_IMPLIES_HLC: usize = 2;
const CLOSE_TO_WALL: usize = 3;
const ALL_OR_NONE: usize = 4;
const NO_LOST_UPDATE: usize = 5;

/// The hybrid clock's checker.
#[derive(Clone, Debug)]
pub struct HybridChecker {
    names: Vec<String>,
    /// Each node's latest clock event.
    last: Vec<Option<Hlc>>,
    /// Each node's clock after the previous step.
    clocks: Vec<Option<Hlc>>,
    /// Stamps of messages in flight.
    stamps: BTreeMap<MsgId, Hlc>,
    /// A delivery in this step whose clock reading is still to come, per node.
    receiving: Vec<Option<(MsgId, Hlc, usize)>>,
    /// Each transaction's commit timestamps so far: server, timestamp, event.
    commits: BTreeMap<TxId, Vec<(NodeId, Hlc, usize)>>,
    /// Transactions the coordinator acknowledged.
    acknowledged: Vec<TxId>,
    /// The latest any wall clock has read so far.
    latest_wall: i64,
    /// Events of this step that need checks against the nodes' state.
    touched: Vec<(TxId, usize)>,
    found: Vec<Breach>,
}

impl HybridChecker {
    /// A checker for a run whose nodes are `names`.
    pub fn new(names: &[String]) -> HybridChecker {
        HybridChecker {
            names: names.to_vec(),
            last: vec![None; names.len()],
            clocks: vec![None; names.len()],
            stamps: BTreeMap::new(),
            receiving: vec![None; names.len()],
            commits: BTreeMap::new(),
            acknowledged: Vec::new(),
            latest_wall: i64::MIN,
            touched: Vec::new(),
            found: Vec::new(),
        }
    }

    fn name(&self, id: NodeId) -> &str {
        self.names.get(id.index()).map_or("?", String::as_str)
    }

    /// A clock event `hlc` on `node`: it must come after the node's previous one.
    fn clock_event(&mut self, node: NodeId, hlc: Hlc, index: usize, what: &str) {
        if let Some(previous) = self.last[node.index()] {
            if hlc <= previous {
                self.found.push(Breach {
                    property: HB_IMPLIES_HLC,
                    event: Some(index),
                    detail: format!(
                        "{} {what} at {hlc}, not after its previous event at {previous}",
                        self.name(node)
                    ),
                });
            }
        }
        self.last[node.index()] = Some(hlc);
    }

    /// Whether a read as of any `t` at every server sees all or none of `tx`'s writes.
    /// Only the servers the transaction wrote to count (not replicas' copies); a read
    /// sees the write when it returns a version at least as new as it.
    fn all_or_none(&self, nodes: &[HybridNode], tx: TxId) -> Result<(), String> {
        let Some(commits) = self.commits.get(&tx) else {
            return Ok(());
        };
        let written: Vec<(usize, super::node::Version)> = commits
            .iter()
            .filter_map(|(server, _, _)| {
                let s = nodes.get(server.index())?.server()?;
                let v = s.versions().iter().find(|v| v.tx == tx)?;
                Some((server.index(), *v))
            })
            .collect();
        let mut instants: Vec<Hlc> = written
            .iter()
            .filter(|(_, v)| v.committed)
            .flat_map(|(_, v)| [v.ts, v.ts.before()])
            .collect();
        instants.sort();
        instants.dedup();
        for t in instants {
            let mut seen = Vec::new();
            let mut unseen = Vec::new();
            for (server, v) in &written {
                let label = format!("{}={} on {}", v.key, v.value, self.names[*server]);
                match nodes[*server].server().map(|s| s.read_as_of(v.key, t)) {
                    Some(Ok(Some(found))) if v.committed && found.ts >= v.ts => seen.push(label),
                    Some(Ok(_)) => unseen.push(label),
                    _ => {} // a pending write makes that read wait, not answer
                }
            }
            if !seen.is_empty() && !unseen.is_empty() {
                return Err(format!(
                    "a read as of {t} sees {} but not {} of {tx}",
                    seen.join(", "),
                    unseen.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// An acknowledged transaction's versions must not be hidden by earlier ones.
    fn lost_update(&self, nodes: &[HybridNode]) -> Option<String> {
        for (i, node) in nodes.iter().enumerate() {
            let Some(server) = node.server() else {
                continue;
            };
            let committed: Vec<_> = server.versions().iter().filter(|v| v.committed).collect();
            for later in committed
                .iter()
                .filter(|v| self.acknowledged.contains(&v.tx))
            {
                if let Some(earlier) = committed.iter().find(|e| {
                    // Only an earlier write the coordinator saw acknowledged happened
                    // before: after a coordinator crash the two may be concurrent.
                    e.key == later.key
                        && e.tx < later.tx
                        && e.ts >= later.ts
                        && self.acknowledged.contains(&e.tx)
                }) {
                    return Some(format!(
                        "on {} the acknowledged write {}={} of {} (at {}) is hidden by the \
                         earlier {}={} of {} stamped later ({})",
                        self.names[i],
                        later.key,
                        later.value,
                        later.tx,
                        later.ts,
                        earlier.key,
                        earlier.value,
                        earlier.tx,
                        earlier.ts
                    ));
                }
            }
        }
        None
    }
}

impl Checker<HybridNode> for HybridChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<HybridNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node.filter(|n| n.index() < self.names.len()) else {
            return;
        };
        match &event.kind {
            EventKind::Send { msg: id, .. } => {
                if let Some(record) = msg {
                    let stamp = record.payload.hlc();
                    // A network duplicate is not a new event of its sender.
                    if record.copy_of.is_none() {
                        self.clock_event(node, stamp, index, "sent a message stamped");
                    }
                    self.stamps.insert(*id, stamp);
                }
            }
            EventKind::Deliver { msg: id, .. } => {
                if let Some(stamp) = self.stamps.remove(id) {
                    self.receiving[node.index()] = Some((*id, stamp, index));
                }
            }
            EventKind::Dropped { msg: id, .. } => {
                self.stamps.remove(id);
            }
            EventKind::Note(Note::Clock { hlc }) => {
                if let Some((id, stamp, _)) = self.receiving[node.index()].take() {
                    if *hlc <= stamp {
                        self.found.push(Breach {
                            property: HB_IMPLIES_HLC,
                            event: Some(index),
                            detail: format!(
                                "{} received {id} stamped {stamp}, but its clock moved only to \
                                 {hlc}",
                                self.name(node)
                            ),
                        });
                    }
                }
                self.clock_event(node, *hlc, index, "received a message");
            }
            EventKind::Note(Note::Committed { tx, ts, .. }) => {
                let differing = self
                    .commits
                    .get(tx)
                    .and_then(|c| c.iter().find(|(_, t, _)| t != ts).copied());
                if let Some((other, first, _)) = differing {
                    let detail = format!(
                        "{tx} is committed at {first} on {} but at {ts} on {}",
                        self.name(other),
                        self.name(node)
                    );
                    self.found.push(Breach {
                        property: SAME_TIMESTAMP,
                        event: Some(index),
                        detail,
                    });
                }
                self.commits
                    .entry(*tx)
                    .or_default()
                    .push((node, *ts, index));
                self.touched.push((*tx, index));
            }
            EventKind::Note(Note::Replicated { version }) => self.touched.push((version.tx, index)),
            EventKind::Note(Note::TxDone { tx, .. }) => {
                self.acknowledged.push(*tx);
                self.touched.push((*tx, index));
            }
            _ => {}
        }
    }

    fn check(&mut self, nodes: &[HybridNode], world: &World<'_>, out: &mut Vec<Breach>) {
        out.append(&mut self.found);
        // A hybrid clock's wall part is always some wall clock's past reading.
        self.latest_wall = self.latest_wall.max(world.fastest_wall_clock().0);
        for (i, node) in nodes.iter().enumerate() {
            let clock = node.clock();
            if let Some(before) = self.clocks[i].filter(|before| clock < *before) {
                out.push(Breach {
                    property: NEVER_BACKWARDS,
                    event: None,
                    detail: format!(
                        "{}'s clock went back from {before} to {clock}",
                        self.names[i]
                    ),
                });
            }
            self.clocks[i] = Some(clock);
            if clock.wall > self.latest_wall {
                out.push(Breach {
                    property: CLOSE_TO_WALL,
                    event: None,
                    detail: format!(
                        "{}'s clock {clock} is ahead of every wall clock's reading so far",
                        self.names[i]
                    ),
                });
            }
        }
        for (tx, index) in std::mem::take(&mut self.touched) {
            if let Err(detail) = self.all_or_none(nodes, tx) {
                out.push(Breach {
                    property: ALL_OR_NONE,
                    event: Some(index),
                    detail,
                });
            }
            if let Some(detail) = self.lost_update(nodes) {
                out.push(Breach {
                    property: NO_LOST_UPDATE,
                    event: Some(index),
                    detail,
                });
            }
        }
    }

    fn facts(&self, nodes: &[HybridNode]) -> Vec<(&'static str, String)> {
        let commits = if self.commits.is_empty() {
            "none yet".to_string()
        } else {
            self.commits
                .iter()
                .map(|(tx, at)| {
                    let mut stamps: Vec<String> =
                        at.iter().map(|(_, t, _)| t.to_string()).collect();
                    stamps.dedup();
                    format!("{tx} at {}", stamps.join(" / "))
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let pending = nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.server().map(|s| (i, s)))
            .flat_map(|(i, s)| {
                s.versions()
                    .iter()
                    .filter(|v| !v.committed)
                    .map(move |v| format!("{}={} ({}) on {}", v.key, v.value, v.tx, self.names[i]))
            })
            .collect::<Vec<_>>();
        vec![
            ("Commit timestamps", commits),
            (
                "Pending (invisible to reads)",
                if pending.is_empty() {
                    "none".to_string()
                } else {
                    pending.join(", ")
                },
            ),
        ]
    }

    fn query(&self, nodes: &[HybridNode], input: &str) -> Result<Vec<(String, String)>, String> {
        let t = Hlc::parse(input)?;
        Ok(nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.server().map(|s| (i, s)))
            .map(|(i, server)| {
                let values: Vec<String> = server
                    .keys()
                    .into_iter()
                    .map(|key| match server.read_as_of(key, t) {
                        Ok(Some(v)) => format!("{key}={} ({} at {})", v.value, v.tx, v.ts),
                        Ok(None) => format!("{key}: nothing yet"),
                        Err(p) => {
                            format!("{key}: waits for pending {} ({}={})", p.tx, p.key, p.value)
                        }
                    })
                    .collect();
                let answer = if values.is_empty() {
                    "nothing stored".to_string()
                } else {
                    values.join(", ")
                };
                (self.names[i].clone(), answer)
            })
            .collect())
    }
}
